"""set-membership's loop snapshot and handed-down set, against code that changes the list in
ways a loop body's calls and stores do not show (the loop's own target, lazy iteration, key
functions, augmented assignment through another name) and against callees rebound at run time:
the rewritten code answers as the original did, or the text is left as it was."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import same_results

SET = codemod("set-membership")
ITEMS = [f"i{k}" for k in range(12)]

MUTATOR = """\
class Resolver:
    def __init__(self, bans):
        self.bans = bans

    def bump(self, r):
        self.bans.append(r)
        return r

    def run(self, rows):
        banned = self.bans
        out = []
        for e in ROWS:
            out.append(e in banned)
            EXTRA
        return out


def run(bans, rows):
    return Resolver(list(bans)).run(list(rows))
"""

LOOP_CASES = {
    # the loop's own target stores into the list
    "for target subscript": MUTATOR.replace("for e in ROWS", "for banned[0] in rows")
    .replace("out.append(e in banned)", "out.append('zz' in banned)")
    .replace("EXTRA", "pass"),
    # iterating runs a method of the module that appends to the list
    "generator expression": MUTATOR.replace("ROWS", "(self.bump(r) for r in rows)").replace(
        "EXTRA", "pass"
    ),
    "map of a method": MUTATOR.replace("ROWS", "map(self.bump, rows)").replace("EXTRA", "pass"),
    "generator method": MUTATOR.replace("ROWS", "self.feed(rows)")
    .replace("EXTRA", "pass")
    .replace(
        "    def run(self",
        "    def feed(self, rows):\n        for r in rows:\n            yield self.bump(r)\n\n"
        "    def run(self",
    ),
    # a builtin that calls back into the module
    "sorted key": MUTATOR.replace("ROWS", "rows").replace(
        "EXTRA", "out.append(sorted(rows, key=self.bump))"
    ),
    "max key": MUTATOR.replace("ROWS", "rows").replace(
        "EXTRA", "out.append(max(rows, key=self.bump))"
    ),
    # list += through another name for the same list
    "augmented alias": MUTATOR.replace("ROWS", "rows")
    .replace("        out = []\n", "        out = []\n        pool = self.bans\n")
    .replace("EXTRA", "pool += [e]"),
    "multiplied alias": MUTATOR.replace("ROWS", "rows")
    .replace("        out = []\n", "        out = []\n        pool = self.bans\n")
    .replace("EXTRA", "pool *= 0"),
}


@pytest.mark.parametrize("case", sorted(LOOP_CASES))
def test_a_loop_that_changes_the_list_out_of_sight_answers_as_before(case: str) -> None:
    source = LOOP_CASES[case]
    result = SET.apply(source, function="Resolver.run")
    same_results(source, result.source, "run", (ITEMS, ["zz", "i3", "zz", "i3", "yy"]), (ITEMS, []))
    assert not result.changed, case
    assert "banned (tested in a loop in run)" in result.summary, case


def test_counting_with_plain_numbers_still_gets_the_snapshot() -> None:
    source = (
        MUTATOR.replace("ROWS", "rows")
        .replace("        out = []\n", "        out = []\n        hits = 0\n")
        .replace("EXTRA", "hits += 1")
        .replace("return out", "out.append(hits)\n        return out")
    )
    result = SET.apply(source, function="Resolver.run")
    assert result.changed
    same_results(source, result.source, "run", (ITEMS, ["zz", "i3", "yy"]), (ITEMS, []))


HANDED = """\
class Auditor:
    def __init__(self, names, quick=False):
        self.names = names
        if quick:
            self.check = self.quick

    def quick(self, plan, banned):
        return len(plan)

    def check(self, plan, banned):
        return [p in banned for p in plan]

    def audit(self, plans):
        banned = list(self.names)
        return [self.check(p, banned) for p in plans]


def check(plan, banned):
    return [p in banned for p in plan]


def audit(names, plans):
    banned = list(names)
    return [check(p, banned) for p in plans]


def run(names, plans, quick):
    return Auditor(names, quick).audit(plans)


def run_patched(names, plans):
    global check
    saved = check
    check = lambda plan, banned: len(plan)
    try:
        return audit(names, plans)
    finally:
        check = saved
"""


def test_a_callee_rebound_at_run_time_is_called_as_before() -> None:
    result = SET.apply(HANDED)
    plans = [["i1", "zz"], ["i3"]]
    same_results(HANDED, result.source, "run", (ITEMS, plans, True), (ITEMS, plans, False))
    same_results(HANDED, result.source, "run_patched", (ITEMS, plans))
    same_results(HANDED, result.source, "audit", (ITEMS, plans))


REBOUND = """\
def keep(rows, skip=None):
    skip = skip or []
    skip = list(skip) if isinstance(skip, tuple) else skip
    out = []
    for r in rows:
        if r in skip:
            continue
        out.append(r)
    return out
"""


def test_a_parameter_rebound_before_the_loop_gets_the_snapshot_after_the_last_binding() -> None:
    result = SET.apply(REBOUND, function="keep")
    assert result.changed, result.summary
    source = result.source
    assert source.index("skip = list(skip)") < source.index("skip_set = (frozenset(skip)")
    for items in (None, [], [f"i{k}" for k in range(12)], tuple(f"i{k}" for k in range(9)),
                  "i1i2i3i4i5", [f"i{k}" for k in range(12)] + [[1]]):  # fmt: skip
        same_results(REBOUND, source, "keep", (["i1", "i3", "zz", 1, "i"], items))


@pytest.mark.parametrize(
    ("binding", "why"),
    [
        ("        skip = []\n", "bound inside a compound statement"),
        ("        del skip\n", "bound more than once or deleted"),
    ],
)
def test_a_binding_in_or_after_the_loop_is_refused(binding: str, why: str) -> None:
    source = REBOUND.replace("        out.append(r)\n", f"        out.append(r)\n{binding}")
    result = SET.apply(source, function="keep")
    assert not result.changed and result.source == source
    assert why in result.summary, result.summary
