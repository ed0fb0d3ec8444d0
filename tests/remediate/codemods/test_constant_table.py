"""hoist-constant-table: exact rewrites, same results before and after (and a table built once
instead of on every call), refusals that leave the text byte for byte."""

from __future__ import annotations

import dis

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

HOIST = codemod("hoist-constant-table")

SOURCE = """\
import re


# how a character is classed
def kind(c, unit):
    table = {
        "a": 1,  # vowels first
        "b": 2,
        "c": (3, -4.5),
    }
    if c in ["x", "y"]:
        return 0
    scale = {"ms": 1e-3, "s": 1.0, "min": 60.0}[unit]
    return [table.get(c, 0), scale, len(table), sorted(table), "b" in table]
"""

AFTER = """\
import re


_TABLE = {
    "a": 1,  # vowels first
    "b": 2,
    "c": (3, -4.5),
}
_KIND_TABLE = {"ms": 1e-3, "s": 1.0, "min": 60.0}


# how a character is classed
def kind(c, unit):
    table = _TABLE
    if c in ["x", "y"]:
        return 0
    scale = _KIND_TABLE[unit]
    return [table.get(c, 0), scale, len(table), sorted(table), "b" in table]
"""


def test_constant_tables_move_to_module_level() -> None:
    result = HOIST.apply(SOURCE, function="kind")
    assert result.source == AFTER
    assert result.changed and result.sites == 2
    assert result.summary == (
        "built _TABLE, _KIND_TABLE once at module level instead of on every call in kind (2 tables)"
    )


def test_same_results_before_and_after() -> None:
    after = HOIST.apply(SOURCE).source
    calls = [(c, u) for c in "abcxz" for u in ("ms", "s", "min")] + [("a", "h")]
    same_results(SOURCE, after, "kind", *calls)


def test_the_table_is_built_once_after() -> None:
    """Before, each call runs the instructions that build a dict; after, none: every call reads
    the module constant, built when the module ran."""
    source = "def rates(k):\n    t = {'a': 1, 'b': 2}\n    return t.get(k)\n"
    after_source = HOIST.apply(source).source
    before, after = load(source)["rates"], load(after_source)["rates"]
    assert [before(k) for k in "abc"] == [after(k) for k in "abc"] == [1, 2, None]

    def builds(func: object) -> list[str]:
        return [i.opname for i in dis.get_instructions(func) if i.opname.startswith("BUILD_")]  # type: ignore[arg-type]

    assert builds(before) and not builds(after)
    assert after.__globals__["_T"] == {"a": 1, "b": 2}


REFUSED = {
    "assigned through a subscript": "def f(k):\n    t = {'a': 1, 'b': 2}\n    t[k] = 3\n    "
    "return len(t)\n",
    "augmented through a subscript": "def f(k):\n    t = [1, 2]\n    t[0] += k\n    return t[0]\n",
    "returned": "def f():\n    return [1, 2, 3]\n",
    "returned by name": "def f():\n    t = {'a': 1, 'b': 2}\n    return t\n",
    "passed on": "def f(g):\n    t = [1, 2]\n    g(t)\n",
    "mutating method": "def f(x):\n    t = [1, 2]\n    t.append(x)\n    return len(t)\n",
    "stored": "class C:\n    def f(self):\n        self.t = {'a': 1, 'b': 2}\n",
    "rebound": "def f(x):\n    t = [1, 2]\n    if x:\n        t = [3]\n    return len(t)\n",
    "global": "def f():\n    global t\n    t = [1, 2]\n    return len(t)\n",
    "mutable items": "def f(k):\n    t = {'a': [], 'b': []}\n    return t[k]\n",
    "not constants": "def f(x, k):\n    t = {'a': x, 'b': 2}\n    return t[k]\n",
    "one item": "def f(k):\n    t = {'a': 1}\n    return t[k]\n",
    "already folded by CPython": "def f(x):\n    return x in [1, 2, 3]\n",
    "a tuple is already a constant": "def f(k):\n    t = (1, 2, 3)\n    return t[k]\n",
    "module level": "T = {'a': 1, 'b': 2}\n\ndef f(k):\n    return T[k]\n",
    "locals by name": "def f(k):\n    t = {'a': 1, 'b': 2}\n    return t[k], locals()\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = HOIST.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("hoist-constant-table: nothing to hoist (")


def test_refusals_say_why() -> None:
    assert (
        "t is assigned or deleted" in HOIST.apply(REFUSED["assigned through a subscript"]).summary
    )
    assert "(Return)" in HOIST.apply(REFUSED["returned"]).summary
    assert "might change it" in HOIST.apply(REFUSED["passed on"]).summary
    assert "through .append" in HOIST.apply(REFUSED["mutating method"]).summary
    assert "CPython already folds" in HOIST.apply(REFUSED["already folded by CPython"]).summary


def test_only_the_named_function_is_rewritten() -> None:
    source = SOURCE + "\n\ndef other(k):\n    return {'p': 1, 'q': 2}[k]\n"
    result = HOIST.apply(source, function="other")
    assert result.sites == 1 and "_OTHER_TABLE = {'p': 1, 'q': 2}" in result.source
    assert "table = {" in result.source  # kind is left alone
    same_results(source, result.source, "other", ("p",), ("q",), ("z",))


TYPES = """\
def more_generic(a, b):
    rank = {type(None): 0, bool: 1, int: 2, float: 3, str: 4}
    back = {0: type(None), 1: bool, 2: int, 3: float, 4: str}
    return back[max(rank.get(type(a), 4), rank.get(type(b), 4))]
"""


def test_builtin_types_are_constants_unless_rebound() -> None:
    result = HOIST.apply(TYPES)
    assert result.sites == 2 and "_RANK = {type(None): 0, bool: 1" in result.source
    same_results(TYPES, result.source, "more_generic", (1, 2.0), (None, True), ("x", 1), (1, []))
    rebound = "int = float\n\n" + TYPES
    assert HOIST.apply(rebound).source == rebound
    local = TYPES.replace("(a, b)", "(a, b, str=str)")
    assert HOIST.apply(local).source == local
