"""deepcopy-read-only with lambdas in the function (``deepcopy_lambdas``): the key of a
``.sort()``, a lambda bound to a name and only called (reads handed to it, reads it closes over,
its value followed from each call); the look-alikes that keep their copy (a lambda that changes
the data, one that leaves, a called lambda's value changed, a call after other code ran)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy

SHARED = ["hot"]
TABLE = {
    "weights": {"a": 3, "b": 1, "c": 2},
    "rows": [{"name": "a", "v": 2, "tags": SHARED}, {"name": "b", "v": 5, "tags": SHARED},
             {"name": "c", "v": 1, "tags": []}],
    "limit": 4,
}

"""

TAKEN: dict[str, tuple[str, str, list[tuple[Any, ...]]]] = {
    # the planner's shape: a key lambda of .sort() on a list made after the last read
    "the key of a .sort() after the last read": (
        HEAD + "def f(names):\n    table = copy.deepcopy(TABLE)\n    out = []\n"
        "    for row in table['rows']:\n        if row['name'] in names:\n"
        "            out.append((row['name'], row['v']))\n"
        "    ranked = list(out)\n    ranked.sort(key=lambda item: (-item[1], item[0]))\n"
        "    return ranked\n",
        "    table = TABLE\n",
        [(("a", "b"),), ((),), (("c", "a", "b"),)],
    ),
    # a lambda bound to a name that reads the copy it closes over, called in a loop
    "a called lambda reading the copy it closes over": (
        HEAD + "def f(names):\n    table = copy.deepcopy(TABLE)\n"
        "    weight = lambda k: table['weights'].get(k, 0) * 2\n    total = 0\n"
        "    for name in names:\n        total = total + weight(name)\n"
        "    return total > table['limit'], total\n",
        "    table = TABLE\n",
        [(("a", "b"),), ((),), (("z", "c"),)],
    ),
    # a read handed to a called lambda, whose value (a read) is returned: deep-copied there
    "a read handed to a called lambda, its value returned": (
        HEAD + "def f(i):\n    table = copy.deepcopy(TABLE)\n    tags_of = lambda r: r['tags']\n"
        "    row = table['rows'][i]\n    return [tags_of(row), row['v'] > 1]\n",
        "    return [copy.deepcopy(tags_of(row), memo), row['v'] > 1]\n",
        [(0,), (1,), (2,)],
    ),
    # a called lambda that tests: its value keeps nothing; and a key lambda of max()
    "a called test and a max key": (
        HEAD + "def f(k):\n    table = copy.deepcopy(TABLE)\n"
        "    heavy = lambda row: row['v'] >= table['limit']\n"
        "    best = max(table['rows'], key=lambda r: r['v'])\n"
        "    return heavy(best), heavy(table['rows'][k]), best['name']\n",
        "    table = TABLE\n",
        [(0,), (1,), (2,)],
    ),
}


@pytest.mark.parametrize("case", sorted(TAKEN))
def test_lambdas_that_only_read_let_the_copy_go_with_the_same_results(case: str) -> None:
    source, expected, calls = TAKEN[case]
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert expected in result.source, result.source
    same_results(source, result.source, "f", *calls)
    after = load(result.source)
    pristine = copy.deepcopy(after["TABLE"])
    for args in calls:
        out = after["f"](*args)
        if isinstance(out, list) and out and isinstance(out[0], list):
            out[0].append("changed by the caller")  # a value that left is the caller's own
    assert after["TABLE"] == pristine and after["SHARED"] == ["hot"]


REFUSED = {
    "a key lambda that changes the data": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n"
        "    return sorted(table['rows'], key=lambda r: r.pop('v'))[0]['name']\n",
        "a key lambda calls r.pop()",
    ),
    "a called lambda that changes the data": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n    drop = lambda r: r.clear()\n"
        "    drop(table['rows'][0])\n    return len(table['rows'])\n",
        "the lambda bound to drop calls r.clear()",
    ),
    "a lambda kept in a list": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n"
        "    hooks = [lambda: table['rows']]\n    return len(hooks)\n",
        "the function defines a lambda that may leave",
    ),
    "a lambda returned": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n    get = lambda: table['rows']\n"
        "    return get\n",
        "the lambda bound to get is used other than by calling it",
    ),
    "a lambda passed to an unknown function": (
        HEAD + "def f(register):\n    table = copy.deepcopy(TABLE)\n"
        "    register(lambda: table['rows'])\n    return 1\n",
        "the function defines a lambda that may leave",
    ),
    "a bound lambda given by name as a key": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n    by_v = lambda r: r['v']\n"
        "    return max(table['rows'], key=by_v)['name']\n",
        "the lambda bound to by_v is used other than by calling it",
    ),
    "a called lambda's value changed": (
        HEAD + "def f():\n    table = copy.deepcopy(TABLE)\n    tags_of = lambda r: r['tags']\n"
        "    tags = tags_of(table['rows'][0])\n    tags.append('x')\n    return len(tags)\n",
        "calls tags.append()",
    ),
    "a called lambda read after other code ran": (
        HEAD + "def f(reset):\n    table = copy.deepcopy(TABLE)\n"
        "    hot = lambda k: k in table['rows'][0]['tags']\n    reset()\n    return hot('hot')\n",
        "calls reset(), which could mutate the data, while the copy is read",
    ),
    # lazy iterators that read the copy when consumed, perhaps after the caller changed it
    "a filter closing over the copy, returned": (
        HEAD + "def f(names):\n    table = copy.deepcopy(TABLE)\n"
        "    return filter(lambda k: k in table['weights'], names)\n",
        "a lazy iterator that reads the copy when consumed",
    ),
    "a generator expression over the copy, returned": (
        HEAD + "def f(names):\n    table = copy.deepcopy(TABLE)\n"
        "    return (k for k in names if k in table['weights'])\n",
        "a lazy iterator that reads the copy when consumed",
    ),
    "a generator made by a function called, returned": (
        HEAD + "def _known(t, names):\n    return (k for k in names if k in t['weights'])\n\n"
        "def f(names):\n    table = copy.deepcopy(TABLE)\n    return _known(table, names)\n",
        "a lazy iterator that reads the copy when consumed",
    ),
    # its value would be deep-copied where it leaves, the caller's own object too
    "a called lambda also handed someone else's value": (
        HEAD + "def f(mine):\n    table = copy.deepcopy(TABLE)\n    pick = lambda r: r\n"
        "    return [pick(table['rows'][0]['tags']), pick(mine)]\n",
        "is returned by pick(), which is also handed what is not the copy's",
    ),
    "a lambda's parameter shadowing a local": (
        HEAD + "def f(k):\n    table = copy.deepcopy(TABLE)\n"
        "    w = lambda k: table['weights'][k]\n    return w(k) > 1\n",
        "a lambda's parameter k shadows a local",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_lambdas_that_could_change_or_keep_the_data_keep_the_copy(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and result.sites == 0
    assert why in result.summary, result.summary


def test_the_copy_kept_for_a_late_call_is_why_it_must_stay() -> None:
    """The late-call look-alike above: the copy shields the lambda's answer from the reset."""
    source, _ = REFUSED["a called lambda read after other code ran"]
    module = load(source)
    assert module["f"](lambda: module["SHARED"].clear()) is True
    assert module["SHARED"] == []  # the reset ran; the copy still had "hot"


def test_a_filter_read_later_sees_the_copy_as_it_was() -> None:
    """The returned filter above: consumed after the caller changed the table, it still
    tests against the copy taken in the call."""
    source, _ = REFUSED["a filter closing over the copy, returned"]
    module = load(source)
    kept = module["f"](["a", "z"])
    module["TABLE"]["weights"]["z"] = 9
    assert list(kept) == ["a"]


def test_a_called_lambda_hands_back_the_callers_own_object() -> None:
    source, _ = REFUSED["a called lambda also handed someone else's value"]
    mine: list[str] = []
    assert load(source)["f"](mine)[1] is mine
