"""set-membership on a list the function grows: a set kept in step with it answers the `in`
tests for exact str values; same answers before and after (odd values, duplicates, values a
set would answer differently), the list itself unchanged; refusals leave the text as it was."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

SOURCE = """\
def firsts(rows):
    seen: list[str] = []
    read = 0
    for row in rows:
        read += 1
        key = row[0]
        if key in seen:
            continue
        seen.append(key)
    return seen, read, len(seen)
"""

AFTER = """\
def firsts(rows):
    seen: list[str] = []
    seen_set: set[str] = set()
    read = 0
    for row in rows:
        read += 1
        key = row[0]
        if (key in seen_set if type(key) is str and len(seen_set) == len(seen) else key in seen):
            continue
        seen.append(key)
        if type(key) is str:
            seen_set.add(key)
    return seen, read, len(seen)
"""

ONE_LINE = """\
def merge(keys, extra):
    out = []
    count = len(keys)
    for k in keys:
        if k not in out: out.append(k)  # keep order
    for k in out:
        count += 1
    return out + extra, count
"""


ODD_ROWS = [
    [("a",), ("b",), ("a",), ("c",)],
    [(Text("A"),), ("a",), ("b",), ("B",)],
    [("a",), (LooseEq(),), ("zz",), ("a",)],
    [(LooseEq(),), ("x",), ("y",)],
    [(1,), (1.0,), (True,), ("1",), ("1",)],
    [(["unhashable"],), ("a",), (["unhashable"],), ("a",)],
    [],
]


def test_the_rewrite() -> None:
    result = SET.apply(SOURCE, function="firsts")
    assert result.source == AFTER
    assert result.changed and result.sites == 1
    assert result.summary == (
        "membership in the growing list seen by a set kept in step with it, for exact str "
        "values in firsts (1 membership test)"
    )


def test_same_answers_for_strings_and_for_values_a_set_would_answer_differently() -> None:
    same_results(SOURCE, AFTER, "firsts", *[(rows,) for rows in ODD_ROWS])
    rows = [(f"k{i % 50}",) for i in range(400)]
    assert load(AFTER)["firsts"](rows) == load(SOURCE)["firsts"](rows)
    # an item equal to every string is in the list: "x" is found by the scan, as before, not
    # missed by a set that only holds exact strings
    assert len(load(AFTER)["firsts"]([(LooseEq(),), ("x",), ("y",)])[0]) == 1


def test_a_one_line_body_and_not_in() -> None:
    result = SET.apply(ONE_LINE)
    after = result.source
    assert result.sites == 1
    assert "        if (k not in out_set if type(k) is str and len(out_set) == len(out) else " in (
        after
    )
    assert "            out.append(k)\n            if type(k) is str:\n" in after
    assert "# keep order" in after
    values = [["a", "b", "a"], [Text("A"), "a"], ["a", LooseEq(), "b"], [1, 1, "1"], [[1], [1]]]
    same_results(ONE_LINE, after, "merge", *[(v, ["z"]) for v in values])


REFUSED = {
    "passed on": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n            g(s)\n    return s\n",
    "other method": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.insert(0, x)\n            s.append(x)\n    return s\n",
    "indexed": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n    s[0] = 'q'\n    return s\n",
    "tested value is a call in an iterable": "def f(xs):\n    s = []\n    for x in xs:\n"
    "        if [y for y in (x.lower() not in s,) if y]:\n            s.append(x)\n    return s\n",
    "not empty": "def f(xs):\n    s = ['a']\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n    return s\n",
    "rebound": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n        if not x:\n            s = []\n    return s\n",
    "augmented": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s += [x]\n    return s\n",
    "inside a loop": "def f(xss):\n    for xs in xss:\n        s = []\n        for x in xs:\n"
    "            if x not in s:\n                s.append(x)\n    return 0\n",
    "closure": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n    return sorted(xs, key=lambda y: y in s)\n",
    "never appended": "def f(xs, s):\n    t = []\n    return [x for x in xs if x in t]\n",
    "str rebound": "str = bytes\n\ndef f(xs):\n    s = []\n    for x in xs:\n"
    "        if x not in s:\n            s.append(x)\n    return s\n",
    "len rebound": "def f(xs, len):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n    return s\n",
    "locals": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x)\n    return locals()\n",
    "shares a line": "def f(xs):\n    s = []\n    for x in xs:\n        if x not in s:\n"
    "            s.append(x); print(x)\n    return s\n",
    "in a finally": "def f(xs):\n    s = []\n    try:\n        for x in xs:\n"
    "            if x not in s:\n                s.append(x)\n    finally:\n"
    "        return s.pop()\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("set-membership: nothing to rewrite (")


APPENDED = """\
class Scan:
    def __init__(self, ref):
        self.ref = ref


CALLS = []


def norm(v):
    CALLS.append(v)
    return v.strip() if isinstance(v, str) else v


def board(scans):
    checked_in = []
    refused = []
    for scan in scans:
        if scan.ref in checked_in:
            refused.append(scan.ref)
            continue
        if norm(scan.ref) in checked_in: refused.append("n")
        else: checked_in.append(norm(scan.ref))
        checked_in.append(scan.ref)
    return checked_in, refused, len(CALLS)
"""


def test_a_value_appended_that_is_no_plain_name_is_bound_once() -> None:
    """``checked_in.append(scan.ref)``: the value is evaluated once, where it was, by ``:=``,
    and the set gets it; odd values still get the list's answers."""
    result = SET.apply(APPENDED)
    assert result.changed, result.summary
    assert "checked_in.append((_checked_in_key := scan.ref))" in result.source
    assert "checked_in.append((_checked_in_key := norm(scan.ref)))" in result.source
    before, after = load(APPENDED), load(result.source)
    for refs in (["a", "b", "a", " b", "c "], ["a", LooseEq(), "a", Text("a"), 1, 1.0, True],
                 [("x",), ("x",), "x"], []):  # fmt: skip
        old = before["board"]([before["Scan"](r) for r in refs])
        new = after["board"]([after["Scan"](r) for r in refs])
        assert old == new, refs


def test_refusals_say_why() -> None:
    def why(case: str) -> str:
        return SET.apply(REFUSED[case]).summary

    assert "used other than to test, append, measure or return it (Arg)" in why("passed on")
    assert "s.insert changes or reads it other than by append" in why("other method")
    assert "`x.lower()`, is not a plain name and the test is in a comprehension's iterable" in (
        why("tested value is a call in an iterable")
    )
    assert "bound more than once" in why("rebound")
    assert "not a statement of its own in the function's body" in why("inside a loop")
    assert "str is rebound" in why("str rebound")
    assert "used in a nested function" in why("closure")
