"""set-membership: a local list of str (or int) literals tested with ``in`` becomes a
module-level frozenset asked for exact str (int) values, the same items in order otherwise;
same answers before and after, for odd values too; refusals leave the text byte for byte."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

SOURCE = """\
def keep(lines):
    # service accts never reach the queue
    accts = ["svc-a", "svc-b", "svc-c", "svc-d", "svc-e"]
    kept = []
    for line in lines:
        user, action = line
        if user in accts or action == "ping":
            continue
        kept.append((user, user not in accts))
    return kept
"""

AFTER = """\
_ACCTS = ("svc-a", "svc-b", "svc-c", "svc-d", "svc-e")
_ACCTS_SET = frozenset(_ACCTS)


def keep(lines):
    # service accts never reach the queue
    accts = _ACCTS
    kept = []
    for line in lines:
        user, action = line
        if (user in _ACCTS_SET if type(user) is str else user in accts) or action == "ping":
            continue
        kept.append((user, (not (user in _ACCTS_SET if type(user) is str else user in accts))))
    return kept
"""


def test_the_rewrite() -> None:
    result = SET.apply(SOURCE, function="keep")
    assert result.source == AFTER
    assert result.changed and result.sites == 1
    assert result.summary == (
        "membership in accts by a module-level frozenset for exact str values in keep "
        "(2 membership tests)"
    )


def test_same_answers_for_strings_and_for_values_a_set_would_answer_differently() -> None:
    after = SET.apply(SOURCE).source
    values = ["svc-a", "svc-e", "bob", "", Text("SVC-A"), LooseEq(), 3, None, ("svc-a",)]
    same_results(SOURCE, after, "keep", *[([(v, "x"), (v, "ping")],) for v in values])
    same_results(SOURCE, after, "keep", ([([1], "x")],))  # unhashable: a set lookup would raise
    assert load(after)["keep"]([(LooseEq(), "x")]) == []  # found by ==, as in the list


def test_integers_and_not_in() -> None:
    source = "def blocked(port):\n    ports = (22, 23, -1, 445)\n    return port not in ports\n"
    after = SET.apply(source).source
    assert "type(port) is int" in after and "_PORTS_SET = frozenset(_PORTS)" in after
    same_results(source, after, "blocked", *[(v,) for v in (22, 80, -1, True, 22.0, "22", [1])])


REFUSED = {
    "three items": "def f(x):\n    t = ['a', 'b', 'c']\n    return x in t\n",
    "mixed kinds": "def f(x):\n    t = ['a', 'b', 'c', 1]\n    return x in t\n",
    "bytes": "def f(x):\n    t = [b'a', b'b', b'c', b'd']\n    return x in t\n",
    "not literals": "def f(x, y):\n    t = ['a', 'b', 'c', y]\n    return x in t\n",
    "mutated": "def f(x):\n    t = ['a','b','c','d']\n    t.append(x)\n    return x in t\n",
    "returned": "def f(x):\n    t = ['a','b','c','d']\n    return t if x in t else []\n",
    "iterated": "def f(x):\n    t = ['a','b','c','d']\n    return x in t, [y for y in t]\n",
    "rebound": "def f(x):\n    t = ['a','b','c','d']\n    if x:\n        t = []\n"
    "    return x in t\n",
    "a call tested in an iterable": "def f(g):\n    t = ['a','b','c','d']\n"
    "    return [y for y in (g() in t, 1)]\n",
    "chained": "def f(x, y):\n    t = ['a','b','c','d']\n    return x < y in t\n",
    "str rebound": "str = bytes\n\ndef f(x):\n    t = ['a','b','c','d']\n    return x in t\n",
    "import star": "from os import *\n\ndef f(x):\n    t = ['a','b','c','d']\n    return x in t\n",
    "type rebound": "def f(x, type):\n    t = ['a','b','c','d']\n    return x in t\n",
    "nested scope": "def f(xs):\n    t = ['a','b','c','d']\n"
    "    return list(filter(lambda x: x in t or t.append(x), xs))\n",
    "global": "def f(x):\n    global t\n    t = ['a','b','c','d']\n    return x in t\n",
    # (tested in a function, a module-level list gets a set beside it: test_global_set.py)
    "module level": "T = ['a','b','c','d']\nOK = 'a' in T\n",
    "never tested": "def f(x):\n    t = ['a','b','c','d']\n    return x in 'ab'\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("set-membership: nothing to rewrite (")


def test_refusals_say_why() -> None:
    assert "used other than as `x in t`" in SET.apply(REFUSED["mutated"]).summary
    assert "`g()`, is not a plain name and the test is in a comprehension's iterable" in (
        SET.apply(REFUSED["a call tested in an iterable"]).summary
    )
    assert "str is rebound" in SET.apply(REFUSED["str rebound"]).summary
    assert "bound more than once" in SET.apply(REFUSED["rebound"]).summary
