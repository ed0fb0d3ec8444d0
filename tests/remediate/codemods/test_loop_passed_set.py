"""set-membership, lists of unknown origin tested in a loop (a snapshot before the loop) and new
lists handed to a function of the module that only tests them (a set made once by the caller
and handed along): same answers before and after, for odd items, odd values and overrides;
refusals leave the text as it was and say why."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

LOOP = """\
class Resolver:
    def __init__(self, tables, bans):
        self.tables = tables
        self.bans = bans

    def eligible(self, zone, monster):
        banned = self.bans.get(zone, [])
        pool = []
        for entry in self.tables.get(monster, []):
            if entry[0] in banned:
                continue
            pool.append(entry)
        return pool


def eligible(tables, bans, zone, monster):
    return Resolver(tables, bans).eligible(zone, monster)
"""

ODD_ITEMS = [
    [f"i{k}" for k in range(12)],
    [f"i{k}" for k in range(12)] + [1, 2],
    [f"i{k}" for k in range(12)] + [[1]],  # an unhashable item
    [f"i{k}" for k in range(12)] + [LooseEq()],
    [Text("I1")] + [f"i{k}" for k in range(3, 12)],
    [True, 1.0] + [f"i{k}" for k in range(12)],
    ("i1", "i2", "i3", "i4", "i5", "i6", "i7", "i8"),
    "i1i2i3i4i5",  # substring semantics
    ["i1", "i2"],
    [("i1", "x")] * 9,
]
ODD_NEEDLES = ["i1", "i2", "I1", "zz", 1, 1.0, True, LooseEq(), Text("I3"), ("i1", "x"), [1]]


def test_a_snapshot_before_a_loop_over_a_list_of_unknown_origin() -> None:
    result = SET.apply(LOOP, function="Resolver.eligible")
    assert result.changed and result.sites == 1
    assert "snapshot taken before the loop" in result.summary
    assert "_rows = self.tables.get(monster, [])" in result.source
    assert "banned_set = (frozenset(banned) if" in result.source
    for items in ODD_ITEMS:
        tables = {"m": [(n,) for n in ODD_NEEDLES] + [("i5",), ("i11",)]}
        for needle_rows in (tables, {"m": [([1],)]}, {}):
            same_results(LOOP, result.source, "eligible", (needle_rows, {"z": items}, "z", "m"))
            same_results(LOOP, result.source, "eligible", (needle_rows, {}, "z", "m"))


MUTATING = {
    "appends to the list": "            banned.append(entry[0])\n",
    "calls a method of the module": "            self.note(entry)\n",
    "stores an attribute": "            self.last = entry\n",
    "stores an item of another object": "            self.seen[entry] = 1\n",
    "aliases the list": "            other = banned\n            other.append(1)\n",
}


@pytest.mark.parametrize("case", sorted(MUTATING))
def test_a_loop_that_could_change_the_list_is_refused(case: str) -> None:
    source = LOOP.replace("            pool.append(entry)\n",
                          f"            pool.append(entry)\n{MUTATING[case]}")  # fmt: skip
    source = source.replace(
        "    def eligible", "    def note(self, e):\n        pass\n\n    def eligible"
    )
    result = SET.apply(source, function="Resolver.eligible")
    assert not result.changed and result.source == source
    assert "banned (tested in a loop in eligible)" in result.summary


def test_a_dunder_of_the_module_refuses_the_loop() -> None:
    source = LOOP + "\n\nclass Key:\n    def __eq__(self, other):\n        return True\n"
    result = SET.apply(source, function="Resolver.eligible")
    assert not result.changed and "Key.__eq__ is defined in the module" in result.summary


PASSED = """\
class Auditor:
    def __init__(self, families):
        self.families = families

    @property
    def pairs(self):
        out = []
        for crops in self.families:
            for a in crops:
                for b in crops:
                    out.append((a, b))
        return out

    def check(self, plan, banned):
        hits = []
        for prev, crop in zip(plan, plan[1:]):
            if (prev, crop) in banned:
                hits.append((prev, crop))
        return hits, len(banned)

    def audit(self, plans):
        banned = self.pairs
        return [self.check(p, banned) for p in plans], len(banned)


def audit(families, plans, cls=Auditor):
    return cls(families).audit(plans)
"""

FAMILIES = [["a", "b", "c"], ["d", "e", "f", "g"], [1, 2]]
PLANS = [
    ["a", "b", "d", "d", "x"],
    ["a", 1, 2, "e"],
    [Text("A"), "b"],
    [LooseEq(), "a"],
    [[1], "a"],
]


def test_a_new_list_handed_to_a_method_gets_its_set_once_at_the_caller() -> None:
    result = SET.apply(PASSED, function="Auditor.check")
    assert result.changed and result.sites == 1
    assert "def check(self, plan, banned, *, _banned_set=None):" in result.source
    assert 'getattr(type(self), "check", None) is Auditor.check' in result.source
    same_results(PASSED, result.source, "audit", (FAMILIES, PLANS))
    same_results(PASSED, result.source, "audit", ([[[1], "a"], ["b"] * 9], PLANS))  # unhashable
    same_results(PASSED, result.source, "audit", ([["a"]], PLANS))  # too short for a set


def test_a_subclass_elsewhere_that_overrides_the_callee_is_called_as_before() -> None:
    after = SET.apply(PASSED).source
    old, new = load(PASSED), load(after)

    def sub(base: type) -> type:
        class Sub(base):  # type: ignore[misc, valid-type]
            def check(self, plan, banned):  # the old signature
                return len(banned)

        return Sub

    assert old["audit"](FAMILIES, PLANS, sub(old["Auditor"])) == new["audit"](
        FAMILIES, PLANS, sub(new["Auditor"])
    )


CALLEE_REFUSALS = {
    "mutates it": (
        "        return hits, len(banned)\n",
        "        banned.append(1)\n        return hits, len(banned)\n",
    ),
    "stores it": (
        "        return hits, len(banned)\n",
        "        self.kept = banned\n        return hits, len(banned)\n",
    ),
    "overridden in the module": (
        "\n\ndef audit(",
        "\n\nclass Sub(Auditor):\n    def check(self, "
        "plan, banned):\n        return banned\n\n\ndef audit(",
    ),
    "decorated producer": ("    @property\n", "    @property\n    @staticmethod\n"),
}


@pytest.mark.parametrize("case", sorted(CALLEE_REFUSALS))
def test_a_callee_or_producer_that_could_change_the_list_is_refused(case: str) -> None:
    old, new = CALLEE_REFUSALS[case]
    source = PASSED.replace(old, new, 1)
    result = SET.apply(source, function="Auditor.check")
    assert not result.changed and result.source == source, case
