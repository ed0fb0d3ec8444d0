"""deepcopy-read-only: exact rewrites, same results before and after, refusals."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

SOURCE = """\
import copy

DEFAULTS = {"users": ["ann", "bob"], "limit": 3, "flags": {"beta": True}}


def allowed(user, n):
    cfg = copy.deepcopy(DEFAULTS)  # defensive
    if cfg["flags"].get("beta") and not cfg.get("closed"):
        return user in cfg["users"] and n <= cfg["limit"]
    return f"{len(cfg['users'])} users" == str(n)
"""

AFTER = """\
import copy

DEFAULTS = {"users": ["ann", "bob"], "limit": 3, "flags": {"beta": True}}


def allowed(user, n):
    cfg = DEFAULTS  # defensive
    if cfg["flags"].get("beta") and not cfg.get("closed"):
        return user in cfg["users"] and n <= cfg["limit"]
    return f"{len(cfg['users'])} users" == str(n)
"""


def test_a_copy_that_is_only_read_is_dropped() -> None:
    result = DEEP.apply(SOURCE, function="allowed")
    assert result.source == AFTER
    assert result.sites == 1
    assert result.summary.startswith("dropped copy.deepcopy of read-only cfg in allowed")


def test_same_results_and_the_original_is_untouched() -> None:
    after = DEEP.apply(SOURCE).source
    same_results(SOURCE, after, "allowed", ("ann", 1), ("zed", 1), ("bob", 9), (None, None))
    module = load(after)
    module["DEFAULTS"]["flags"]["beta"] = False
    before = load(SOURCE)
    before["DEFAULTS"]["flags"]["beta"] = False
    assert module["allowed"]("x", "2 users") is before["allowed"]("x", "2 users") is True


def test_names_bound_from_reads_are_held_to_the_same_rule() -> None:
    source = (
        "import copy\nD = {'a': [1, 2], 'b': {'k': (3, 4)}}\n\n"
        "def f(n):\n    c = copy.deepcopy(D)\n    hits = 0\n    for x in c['a']:\n"
        "        if x == n:\n            hits = hits + 1\n"
        "    for key, pair in c['b'].items():\n        if n in pair:\n            hits = 9\n"
        "    first = c.get('a')\n    return hits, len(first), str(first)\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    c = D\n" in result.source
    same_results(source, result.source, "f", (1,), (4,), (7,))


RETURNS = """\
from copy import deepcopy

SHARED = [1, 2]
BASE = {"limits": {"gold": {"n": 9}, "*": {"n": 1}}, "a": SHARED, "b": SHARED, "acts": ["r"]}


def resolve(plan, act):
    p = deepcopy(BASE)
    limits = p["limits"]
    limit = limits.get(plan, limits["*"])
    for x in p["a"]:
        if x == act:
            return x
    return {"ok": act in p["acts"], "limit": limit, "pair": [p["a"], p.get("b")]}
"""


def test_values_read_from_the_copy_and_returned_are_copied_where_returned() -> None:
    result = DEEP.apply(RETURNS)
    assert result.sites == 1
    assert "    p = BASE\n    memo = {}\n" in result.source
    assert '"limit": deepcopy(limit, memo)' in result.source
    assert "return deepcopy(x, memo)" in result.source
    assert '"pair": [deepcopy(p["a"], memo), deepcopy(p.get("b"), memo)]' in result.source
    assert result.summary.endswith("(1 deepcopy call; 4 values that leave deep-copied where "
                                   "they leave, one memo)")  # fmt: skip
    same_results(RETURNS, result.source, "resolve", ("gold", 7), ("x", 2), ("x", "r"))
    for source in (RETURNS, result.source):
        module = load(source)
        out = module["resolve"]("gold", 7)
        assert out["pair"][0] is out["pair"][1]  # shared in the original, shared in the copy
        out["limit"]["n"] = 0
        out["pair"][0].append(3)  # the caller changes what it got: the base stays as it was
        assert module["BASE"]["limits"]["gold"] == {"n": 9} and module["SHARED"] == [1, 2]


HEAD = "import copy\nD = {'a': [1]}\n\n"
REFUSED = {
    "mutated": HEAD + "def f():\n    c = copy.deepcopy(D)\n    c['a'] = 2\n    return len(c)\n",
    "mutated through a method": (
        HEAD + "def f():\n    c = copy.deepcopy(D)\n    c['a'].append(2)\n    return len(c)\n"
    ),
    "returned": HEAD + "def f():\n    c = copy.deepcopy(D)\n    return c\n",
    "alias rebound": (
        HEAD + "def f(g):\n    c = copy.deepcopy(D)\n    x = c['a']\n    x = g\n    return x\n"
    ),
    "passed to a call": HEAD
    + "def f(g):\n    c = copy.deepcopy(D)\n    return g(len(c)) + len(c)\n",
    "element stored": HEAD + "def f(o):\n    c = copy.deepcopy(D)\n    o[0] = c['a']\n",
    "element passed on": HEAD + "def f(g):\n    c = copy.deepcopy(D)\n    return g(c['a'])\n",
    "returned, bound in a one-line block": (
        HEAD + "def f():\n    if D: c = copy.deepcopy(D)\n    return [c['a'], 1]\n"
    ),
    "or value escapes": HEAD + "def f():\n    c = copy.deepcopy(D)\n    return c.get('a') or []\n",
    "rebound": HEAD + "def f():\n    c = copy.deepcopy(D)\n    c = {}\n    return len(c)\n",
    "memo": HEAD + "def f(m):\n    c = copy.deepcopy(D, m)\n    return len(c)\n",
    "generator": HEAD + "def f():\n    c = copy.deepcopy(D)\n    yield len(c)\n",
    "nested function": (
        HEAD + "def f():\n    c = copy.deepcopy(D)\n    def g():\n        return 1\n"
        "    return len(c)\n"
    ),
    "a lambda that leaves": (
        HEAD + "def f():\n    c = copy.deepcopy(D)\n    g = lambda: c\n    return [g]\n"
    ),
    "module level": HEAD + "c = copy.deepcopy(D)\nn = len(c)\n",
    "a .get with the caller's default, returned": (
        HEAD + "def f(k, fallback):\n    c = copy.deepcopy(D)\n    return c.get(k, fallback)\n"
    ),
    "a .get with the caller's default, kept in a list": (
        HEAD + "def f(k, fallback):\n    c = copy.deepcopy(D)\n    v = c.get(k, fallback)\n"
        "    return [v]\n"
    ),
    "compared by identity with a sentinel": (
        "import copy\nUNSET = object()\nD = {'a': UNSET}\n\n"
        "def f():\n    c = copy.deepcopy(D)\n    return c['a'] is UNSET\n"
    ),
    "compared by identity with a parameter": (
        HEAD + "def f(a):\n    c = copy.deepcopy(D)\n    return a is not c['a']\n"
    ),
    "attribute target": HEAD + "def f(o):\n    o.c = copy.deepcopy(D)\n",
    "a handler that catches what deepcopy raises": (
        HEAD + "def f():\n    try:\n        c = copy.deepcopy(D)\n    except Exception:\n"
        "        return -1\n    return len(c)\n"
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = DEEP.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_refusals_say_why() -> None:
    assert "assigns to a subscript" in DEEP.apply(REFUSED["mutated"]).summary
    assert "append" in DEEP.apply(REFUSED["mutated through a method"]).summary
    assert "returned whole" in DEEP.apply(REFUSED["returned"]).summary
    assert (
        "bound in a one-line block"
        in DEEP.apply(REFUSED["returned, bound in a one-line block"]).summary
    )
    caught = DEEP.apply(REFUSED["a handler that catches what deepcopy raises"]).summary
    assert "catches Exception around the copy" in caught


def test_an_identity_test_against_the_originals_objects_is_refused() -> None:
    """The copy's sentinel was a new object: ``is UNSET`` was false, and must stay so."""
    source = REFUSED["compared by identity with a sentinel"]
    assert load(source)["f"]() is False
    assert "compared by identity" in DEEP.apply(source).summary
    module = load(REFUSED["compared by identity with a parameter"])
    assert module["f"](module["D"]["a"]) is True


def test_identity_with_none_or_a_bool_is_still_a_read() -> None:
    source = HEAD + "def f():\n    c = copy.deepcopy(D)\n    return c.get('b') is None, 3\n"
    result = DEEP.apply(source)
    assert result.changed
    same_results(source, result.source, "f", ())


def test_a_get_default_from_the_caller_leaves_as_itself() -> None:
    """Missing keys hand back the caller's own default; copying the .get's value where it
    leaves would hand back a copy of it instead."""
    fallback = [9]
    returned = REFUSED["a .get with the caller's default, returned"]
    kept = REFUSED["a .get with the caller's default, kept in a list"]
    assert load(returned)["f"]("zz", fallback) is fallback
    assert load(kept)["f"]("zz", fallback)[0] is fallback
    for source in (returned, kept):
        assert "default is not from the copy" in DEEP.apply(source).summary


def test_a_get_default_of_literals_or_from_the_copy_is_still_followed() -> None:
    source = (
        HEAD + "def f(k):\n    c = copy.deepcopy(D)\n    return c.get(k, []), c.get(k, c['a'])\n"
    )
    result = DEEP.apply(source)
    assert result.changed
    same_results(source, result.source, "f", ("a",), ("zz",))
