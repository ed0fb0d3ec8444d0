"""set-membership, lists built once: a local list built by any fresh expression and only read
after, tested with ``in`` in a loop, comprehension or closure, gets a frozenset beside it asked
for exact str/int values; same answers before and after, for odd items and odd values too;
refusals leave the text byte for byte and say why."""

from __future__ import annotations

import math
import re

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.playbooks import load_playbooks
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

SCREEN = """\
def norm(c):
    return c.strip().lower() if isinstance(c, str) else c


def screen(attempts, used, revoked):
    seen = [norm(c) for c in used] + list(map(norm, revoked))
    ok = lambda code: bool(code) and code not in seen
    return list(filter(ok, attempts))
"""

SCREEN_AFTER = """\
def norm(c):
    return c.strip().lower() if isinstance(c, str) else c


def screen(attempts, used, revoked):
    seen = [norm(c) for c in used] + list(map(norm, revoked))
    seen_set = (frozenset(seen) if all(type(v) is str or type(v) is int for v in seen) else None)
    ok = lambda code: bool(code) and (code not in seen_set if (type(code) is str or \
type(code) is int) and seen_set is not None else code not in seen)
    return list(filter(ok, attempts))
"""

NESTED = """\
def sendable(addrs, bounces, complaints):
    blocked = sorted(bounces) + [e for e in complaints]

    def allowed(addr):
        return addr not in blocked

    kept = [a for a in addrs if allowed(a)]
    hits = sum(1 for a in addrs if a in blocked)
    flags = []
    for a in addrs:
        flags.append(a in blocked)
    return kept, hits, flags, len(blocked), blocked.count(addrs[0] if addrs else None)
"""


NAN = math.nan
ODD_VALUES = ["a", "B", "", 1, 1.0, True, 2, NAN, None, Text("A"), LooseEq(), ("a",), [1]]
ODD_LISTS = [
    [],
    ["a", "b", "c"],
    ["a", 1, 2],
    [1, 2, 3],
    [1.0, "a"],
    [True, "b"],
    [[1], "a"],
    [NAN, "a"],
    [LooseEq()],
    [Text("a"), "b"],
]


def test_the_rewrite_of_a_lambda_given_to_filter() -> None:
    result = SET.apply(SCREEN, function="screen.<locals>.<lambda>")
    assert result.source == SCREEN_AFTER
    assert result.changed and result.sites == 1
    assert result.summary == (
        "membership in seen, built once and only read, by a frozenset made beside it, for exact "
        "str/int values in screen (1 membership test)"
    )


def test_same_answers_for_odd_items_and_odd_values() -> None:
    after = SET.apply(SCREEN).source
    for used in ODD_LISTS:
        same_results(SCREEN, after, "screen", (ODD_VALUES, used, [" A ", "c"]))
    same_results(SCREEN, after, "screen", (["a", [2]], ["a"], []))  # an unhashable probe
    assert load(after)["screen"]([LooseEq()], ["x"], []) == []  # found by ==, as in the list


def test_nan_is_found_by_identity_as_in_the_list() -> None:
    after = SET.apply(SCREEN).source
    assert load(after)["screen"]([NAN, 1.0], [NAN, 1], []) == load(SCREEN)["screen"](
        [NAN, 1.0], [NAN, 1], []
    )


def test_a_nested_def_a_generator_a_comprehension_and_a_loop() -> None:
    result = SET.apply(NESTED, function="sendable.<locals>.allowed")
    assert result.sites == 1 and "(3 membership tests)" in result.summary
    assert "blocked_set = (frozenset(blocked)" in result.source
    for bounces in ODD_LISTS:
        calls = [(ODD_VALUES, bounces, ["c", 1]), ([], bounces, []), (["a", "x"], [], ["a"])]
        same_results(NESTED, result.source, "sendable", *calls)


def test_a_name_the_module_already_uses_gets_another() -> None:
    source = "seen_set = 3\n\n" + SCREEN
    after = SET.apply(source).source
    assert "seen_set_2 = (frozenset(seen)" in after
    same_results(source, after, "screen", (ODD_VALUES, ["a", "b"], []))


BODY = "    return [x for x in xs if x in t]\n"
REFUSED = {
    "rebound": "def f(xs):\n    t = list(xs)\n    t = t[1:]\n" + BODY,
    "rebound by a for": "def f(xs):\n    t = list(xs)\n    for t in xs:\n        pass\n" + BODY,
    "rebound in a nested def": "def f(xs):\n    t = list(xs)\n\n    def g():\n"
    "        t = []\n        return t\n\n    g()\n" + BODY,
    "mutated by a method": "def f(xs):\n    t = list(xs)\n    t.sort()\n" + BODY,
    "a method passed on": "def f(xs):\n    t = list(xs)\n    m = t.count\n" + BODY,
    "a subscript store": "def f(xs):\n    t = list(xs)\n    t[0] = 'z'\n" + BODY,
    "a slice deleted": "def f(xs):\n    t = list(xs)\n    del t[:1]\n" + BODY,
    "augmented": "def f(xs):\n    t = list(xs)\n    t += ['z']\n" + BODY,
    "passed to a call": "def f(xs, g):\n    t = list(xs)\n    g(t)\n" + BODY,
    "a keyword argument": "def f(xs):\n    t = list(xs)\n    sorted(xs, key=t)\n" + BODY,
    "returned": "def f(xs):\n    t = list(xs)\n    return t, [x for x in xs if x in t]\n",
    "yielded": "def f(xs):\n    t = list(xs)\n    yield t\n    yield [x for x in xs if x in t]\n",
    "stored": "def f(xs, box):\n    t = list(xs)\n    box.keep = t\n" + BODY,
    "aliased": "def f(xs):\n    t = list(xs)\n    u = t\n" + BODY,
    "or keeps it": "def f(xs):\n    t = list(xs)\n    u = t or []\n" + BODY,
    "compared with ==": "def f(xs, other):\n    t = list(xs)\n    z = t == other\n" + BODY,
    "in a nested def other than by in": "def f(xs):\n    t = list(xs)\n\n    def g():\n"
    "        return len(t)\n\n    g()\n" + BODY,
    "global": "def f(xs):\n    global t\n    t = list(xs)\n" + BODY,
    "nonlocal": "def f(xs):\n    t = list(xs)\n\n    def g():\n        nonlocal t\n"
    "        t = []\n\n    g()\n" + BODY,
    "locals": "def f(xs):\n    t = list(xs)\n    print(locals())\n" + BODY,
    "eval": "def f(xs):\n    t = list(xs)\n    eval('t.clear()')\n" + BODY,
    "not fresh: a parameter": "def f(xs, t):\n    u = t\n    return [x for x in xs if x in u]\n",
    "not fresh: a call": "def f(xs, load):\n    t = load()\n" + BODY,
    "not fresh: an attribute": "def f(xs, box):\n    t = box.items\n" + BODY,
    "list rebound": "list = dict\n\n\ndef f(xs):\n    t = list(xs)\n" + BODY,
    "type rebound": "def f(xs, type):\n    t = list(xs)\n" + BODY,
    "str rebound around it": "def outer(str):\n    def f(xs):\n        t = list(xs)\n"
    "        return [x for x in xs if x in t]\n\n    return f\n",
    "type rebound by a comprehension": "def f(xs):\n    t = list(xs)\n"
    "    return [any(x in t for type in [1]) for x in xs]\n",
    "type rebound by :=": "def f(xs):\n    t = list(xs)\n"
    "    return [x in t for x in xs if (type := 3)]\n",
    "int rebound by a match capture": "def f(xs):\n    t = list(xs)\n"
    "    match xs:\n        case [int]:\n            pass\n" + BODY,
    "tested once": "def f(x, xs):\n    t = list(xs)\n    return x in t\n",
    "tested in the first iterable": "def f(x, xs):\n    t = list(xs)\n"
    "    return [y for y in (xs if x in t else [])]\n",
    "a call tested in an iterable": "def f(xs, g):\n    t = list(xs)\n"
    "    return [[y for y in (g(x) in t,)] for x in xs]\n",
    "chained": "def f(xs, y):\n    t = list(xs)\n    return [x for x in xs if y < x in t]\n",
    "used before it is bound": "def f(xs):\n    g = lambda x: x in t\n    t = list(xs)\n"
    "    return list(filter(g, xs))\n",
    "bound in a branch": "def f(xs):\n    if xs:\n        t = list(xs)\n" + BODY,
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("set-membership: nothing to rewrite (")


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("rebound", "bound more than once"),
        ("rebound in a nested def", "bound more than once"),
        ("mutated by a method", "t.sort may change it or let it out"),
        ("a method passed on", "t.count may change it or let it out"),
        ("a subscript store", "t[...] is assigned or deleted"),
        ("a slice deleted", "t[...] is assigned or deleted"),
        ("passed to a call", "t is passed to `g(t)`"),
        ("returned", "used other than to read it (Element)"),
        ("yielded", "used other than to read it (Yield)"),
        ("stored", "used other than to read it (Assign)"),
        ("compared with ==", "used other than to read it (Comparison)"),
        ("in a nested def other than by in", "nested function, lambda or class other than by"),
        ("global", "global/nonlocal"),
        ("nonlocal", "global/nonlocal"),
        ("locals", "reads its locals by name"),
        ("eval", "reads its locals by name"),
        ("not fresh: a call", "may be a list something else holds"),
        ("list rebound", "may be a list something else holds"),
        ("type rebound", "type is rebound"),
        ("str rebound around it", "str is rebound"),
        ("type rebound by a comprehension", "type is rebound"),
        ("type rebound by :=", "type is rebound"),
        ("int rebound by a match capture", "int is rebound"),
        ("tested once", "tested once per call"),
        ("tested in the first iterable", "tested once per call"),
        ("a call tested in an iterable", "`g(x)`, is not a plain name and the test is in a"),
        ("used before it is bound", "used before or beside its binding"),
        ("bound in a branch", "not bound by a statement of its own in the function's body"),
    ],
)
def test_refusals_say_why(case: str, why: str) -> None:
    assert why in SET.apply(REFUSED[case]).summary


def test_reads_are_allowed() -> None:
    source = (
        "def f(xs, k):\n    t = tuple(xs)\n    n = len(t) + t.count(k) + sum(1 for _ in t)\n"
        "    head = t[0] if t else None\n    return n, head, [x for x in xs if x in t], min(t)\n"
    )
    result = SET.apply(source)
    assert result.sites == 1
    same_results(source, result.source, "f", (["b", "a", "b"], "b"), ([3, 1.0], 1))


@pytest.mark.parametrize(
    ("line", "matches"),
    [
        ("    ok = lambda code: bool(code) and code not in seen", True),
        ("        return addr not in blocked", True),
        ("    hits = sum(1 for a in addrs if a in blocked)", True),
        ("    y = {k: v for k, v in d.items() if k not in skip}", True),
        ("    for a in addrs:", False),
        ("    kept = [a for a in xs if a for b in ys]", False),
        ("    names = [a for a in xs]", False),
    ],
)
def test_the_playbook_sees_tests_in_closures_and_comprehension_clauses(
    line: str, matches: bool
) -> None:
    (book,) = [b for b in load_playbooks() if b.id == "python-list-membership"]
    (rule,) = book.match.frames
    assert rule.source is not None
    assert bool(re.search(rule.source, line)) is matches


MIXED = """\
def firsts(keys, extra):
    kinds = ["a", "b", "c", "d"]
    seen = []
    for key in keys:
        if key in kinds:
            continue
        if key not in seen:
            seen.append(key)
    more = list(extra) + ["z"]
    return seen, [k for k in keys if k in more]
"""


def test_with_a_literal_table_and_a_growing_list_in_the_same_function() -> None:
    result = SET.apply(MIXED, function="firsts")
    assert result.sites == 3
    assert "_KINDS_SET = frozenset(_KINDS)" in result.source
    assert "seen_set = set()" in result.source
    assert "more_set = (frozenset(more)" in result.source
    assert "left:" not in result.summary
    calls = [(ODD_VALUES, ["a", "z", 1]), (["x", "x", "y", "z"], []), ([1, 1.0, True], [1])]
    same_results(MIXED, result.source, "firsts", *calls)


def test_a_literal_table_read_in_a_lambda_is_made_a_set_beside_it() -> None:
    source = (
        "def f(xs):\n    t = ['a', 'b', 'c', 'd']\n    return list(filter(lambda x: x in t, xs))\n"
    )
    result = SET.apply(source)
    assert result.sites == 1 and "left:" not in result.summary
    assert "t_set = (frozenset(t)" in result.source
    same_results(source, result.source, "f", (ODD_VALUES,))


def test_a_builtin_rebound_by_a_comprehension_or_walrus_is_seen() -> None:
    """``type(x)`` in the rewritten test would call the comprehension's ``type`` (an int)."""
    assert load(REFUSED["type rebound by a comprehension"])["f"](["a"]) == [True]
    assert load(REFUSED["type rebound by :="])["f"](["a"]) == [True]
