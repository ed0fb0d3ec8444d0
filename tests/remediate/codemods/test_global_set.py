"""set-membership, module-level lists: a list bound once at module level to a new list and only
read, tested with ``in`` in functions or methods, gets ``(list, frozenset)`` beside it asked for
exact str/int values while the name still holds that list; refusals say why."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, load, same_results
from tests.remediate.codemods.test_attr_set import ODD_LISTS, ODD_VALUES

SET = codemod("set-membership")

STOP = """\
RAW = "a, b ,c"
STOP = [w.strip() for w in RAW.split(",")]


class Words:
    def keep(self, words):
        return [w for w in words if w not in STOP]

    def first(self, rows):
        for r in rows:
            if r[0] in STOP:
                return r
        return None


def run(words):
    return Words().keep(words), Words().first([(w,) for w in words]), len(STOP), STOP[0]
"""

STOP_AFTER_KEEP = """\
RAW = "a, b ,c"
STOP = [w.strip() for w in RAW.split(",")]
STOP_SET = ((STOP, frozenset(STOP)) if all(type(v) is str or type(v) is int for v in STOP) \
else None)


class Words:
    def keep(self, words):
        return [w for w in words if (w not in STOP_SET[1] if (type(w) is str or type(w) is int) \
and STOP_SET is not None and STOP_SET[0] is STOP else w not in STOP)]
"""

#: the items the next TABLE loaded builds its list from (any objects at all)
CURRENT: list = []

TABLE = """\
from tests.remediate.codemods import test_global_set as given

BLOCKED = sorted(["x", "y"]) + [v for v in given.CURRENT]


def hits(values):
    return [v in BLOCKED for v in values], sum(1 for v in values if v not in BLOCKED)
"""


def test_a_module_list_tested_in_a_method() -> None:
    result = SET.apply(STOP, function="Words.keep")
    assert result.source.startswith(STOP_AFTER_KEEP)
    assert result.sites == 1
    assert result.summary == (
        "membership in the module-level STOP, built once and only read, by a frozenset made "
        "beside it, for exact str/int values in keep (1 membership test)"
    )


def test_every_test_of_the_module_gives_the_same_answers() -> None:
    result = SET.apply(STOP)
    assert result.sites == 1 and "(2 membership tests)" in result.summary
    assert "_stop_key := r[0]" in result.source
    same_results(STOP, result.source, "run", (ODD_VALUES,), (["a", "z", "c"],), ([],))


@pytest.mark.parametrize("items", ODD_LISTS)
def test_odd_items_give_the_same_answers(items: list) -> None:
    after = SET.apply(TABLE).source
    assert "BLOCKED_SET = ((BLOCKED, frozenset(BLOCKED))" in after
    CURRENT[:] = items
    same_results(TABLE, after, "hits", (ODD_VALUES,), (["x", "a", LooseEq()],))


def test_a_list_bound_where_the_module_cannot_see_is_scanned() -> None:
    after = SET.apply(STOP).source
    for source in (STOP, after):
        namespace = load(source)
        namespace["STOP"] = ["q", LooseEq()]  # as a monkeypatch would
        assert namespace["Words"]().keep(["a", "q", 1]) == [1]


BODY = "\n\ndef f(xs):\n    return [x for x in xs if x in T]\n"
REFUSED = {
    "appended": "T = ['a', 'b']\nT.append('c')" + BODY,
    "rebound": "T = ['a', 'b']\nT = T[1:]" + BODY,
    "global in a function": "T = ['a', 'b']\n\n\ndef g():\n    global T\n    T = []\n" + BODY,
    "imported": "from m import T\nT = list(T)" + BODY,
    "passed to a call": "T = ['a', 'b']\nprint(T)" + BODY,
    "returned": "T = ['a', 'b']\n\n\ndef g():\n    return T\n" + BODY,
    "not fresh": "import m\n\nT = m.T" + BODY,
    "exported by name": "__all__ = ['T']\nT = ['a', 'b']" + BODY,
    "globals()": "T = ['a', 'b']\nglobals()['U'] = 1" + BODY,
    "stored on the module object": "import sys\n\nT = ['a', 'b']\nsys.modules[__name__].T = []"
    + BODY,
    "a public name": "t = ['a', 'b']" + BODY.replace(" in T", " in t"),
    "type rebound in the function": "T = ['a', 'b']\n\n\ndef f(xs, type=None):\n"
    "    return [x for x in xs if x in T]\n",
}


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("appended", "T.append may change it or let it out"),
        ("rebound", "T is bound more than once"),
        ("global in a function", "T is bound more than once"),
        ("imported", "T is bound more than once"),
        ("passed to a call", "T is passed to `print(T)`"),
        ("returned", "T is used other than to read it (Return)"),
        ("not fresh", "may be a list something else holds"),
        ("exported by name", "reach its names by a string"),
        ("globals()", "reach its names by a string"),
        ("stored on the module object", "may rebind it on the module object"),
        ("type rebound in the function", "f rebinds a builtin the rewrite calls"),
        ("a public name", "t is public: another module could change the list in place"),
    ],
)
def test_refusals_leave_the_text_and_say_why(case: str, why: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case] and not result.changed
    assert why in result.summary


def test_a_literal_list_at_module_level_tested_in_a_function() -> None:
    source = "T = ['a','b','c','d']\n\ndef f(x):\n    return x in T\n"
    result = SET.apply(source)
    assert result.sites == 1 and "left:" not in result.summary
    same_results(source, result.source, "f", *[(v,) for v in ODD_VALUES])


@pytest.mark.parametrize(
    "value", ["{'a', 'b'}", "frozenset(['a'])", "{'a': 1}", "'abc'", "{v for v in 'ab'}"]
)
def test_a_set_dict_or_string_is_not_this_rewrites_business(value: str) -> None:
    source = f"T = {value}\n\n\ndef f(xs):\n    return [x for x in xs if x in T]\n"
    result = SET.apply(source)
    assert not result.changed and "module level" not in result.summary


def test_a_test_at_module_level_only_is_left_alone() -> None:
    source = "T = ['a', 'b']\nOK = 'a' in T\n"
    assert not SET.apply(source).changed
