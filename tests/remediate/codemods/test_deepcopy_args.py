"""deepcopy-read-only on a copy handed straight to a call (``deepcopy_args``):
``f(..., copy.deepcopy(v), ...)`` judged as ``tmp = copy.deepcopy(v); f(..., tmp, ...)``;
the look-alikes that must keep their copy."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load_registered as load

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy
from copy import deepcopy

LOG = [
    {"task": "oil", "hours": 100, "parts": ["filter"], "unplanned": False},
    {"task": "blade", "hours": 300, "parts": ["resin", "tape"], "unplanned": True},
    {"task": "oil", "hours": 900, "parts": [], "unplanned": True},
]

"""

READER = (
    "def failures(log, since):\n    n = 0\n    for e in log:\n"
    "        if e['unplanned'] and e['hours'] >= since:\n            n += 1\n    return n\n\n"
)

PLANNER = (
    HEAD + READER + "class Planner:\n    def __init__(self):\n        self.log = LOG\n\n"
    "    def due(self, limit=0):\n"
    "        n = self._count(limit, copy.deepcopy(self.log), 'oil')\n        return n\n\n"
    "    def _count(self, limit, log, task):\n        n = 0\n"
    "        for e in log:\n            if e['task'] == task and len(e['parts']) < 2:\n"
    "                n += 1\n        return n + failures(log, limit)\n\n"
    "def f(limit=0):\n    return Planner().due(limit)\n"
)

ACCEPTED: dict[str, tuple[str, list[str], list[tuple[Any, ...]]]] = {
    # the turbine_service shape: a method through self handed the copy, calling a module
    # function that only reads it; the value a count
    "a method through self, positional, a module reader under it": (
        PLANNER,
        ['self._count(limit, (self.log if _planner_unchanged(self, "_count") else copy'],
        [(), (200,), (1000,)],
    ),
    "a module function, keyword argument, value bound and tested": (
        HEAD + READER + "def f(since=0):\n"
        "    n = failures(since=since, log=copy.deepcopy(LOG))\n    return n > 1\n",
        ["failures(since=since, log=LOG)"],
        [(), (200,), (1000,)],
    ),
    "a module function as an expression statement and a returned count": (
        HEAD + READER + "def f(since=0):\n    failures(deepcopy(LOG), since)\n"
        "    return failures(deepcopy(LOG), since)\n",
        ["    return failures(LOG, since)\n", "    failures(LOG, since)\n"],
        [(), (200,)],
    ),
    "a callee returning a piece only read by the caller": (
        HEAD + "def first(log):\n    return log[0]\n\n"
        "def f(k='task'):\n    e = first(copy.deepcopy(LOG))\n    return e[k] == 'oil'\n",
        ["    e = first(LOG)\n"],
        [(), ("hours",)],
    ),
    "a scalar argument read from the original": (
        HEAD + READER + "def f(since=0):\n"
        "    return failures(since=len(LOG) * since, log=copy.deepcopy(LOG))\n",
        ["failures(since=len(LOG) * since, log=LOG)"],
        [(), (100,)],
    ),
}


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_a_copy_handed_to_a_reader_is_dropped_with_the_same_results(case: str) -> None:
    source, expected, calls = ACCEPTED[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    for line in expected:
        assert line in result.source, result.source
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy(after["LOG"])
    for args in calls:
        assert before["f"](*args) == after["f"](*args), args
    assert after["LOG"] == pristine


def test_a_method_callee_keeps_the_copy_when_patched_at_run_time() -> None:
    """The method the proof followed is checked at run time: patched, the copy is made."""
    result = DEEP.apply(PLANNER)
    assert result.changed, result.summary
    after = load(result.source)

    def clearing(self: Any, limit: int, log: list[Any], task: str) -> int:
        log.clear()
        return 0

    after["Planner"]._count = clearing
    assert after["f"]() == 0
    assert len(after["LOG"]) == 3


REFUSED = {
    "a callee that changes the parameter": (
        HEAD + "def drop(log):\n    log.pop()\n    return len(log)\n\n"
        "def f():\n    n = drop(copy.deepcopy(LOG))\n    return n\n",
        "could mutate the data",
    ),
    "a callee that changes a part of the parameter": (
        HEAD + "def mark(log):\n    log[0]['hours'] = 0\n\n"
        "def f():\n    mark(copy.deepcopy(LOG))\n    return LOG[0]['hours']\n",
        "could mutate the data",
    ),
    "a method that stores the parameter on self": (
        HEAD + "class Keeper:\n    def keep(self, log):\n        self.log = log\n\n"
        "    def run(self):\n        self.keep(copy.deepcopy(LOG))\n"
        "        self.log[0]['hours'] += 1\n        return LOG[0]['hours']\n\n"
        "def f():\n    return Keeper().run()\n",
        "copy.deepcopy(LOG)",
    ),
    "a callee returning a piece the caller changes": (
        HEAD + "def first(log):\n    return log[0]\n\n"
        "def f():\n    e = first(copy.deepcopy(LOG))\n    e['hours'] = 0\n"
        "    return LOG[0]['hours']\n",
        "copy.deepcopy(LOG)",
    ),
    "a callee returning a piece the caller returns": (
        HEAD + "def first(log):\n    return log[0]\n\n"
        "def f():\n    return first(copy.deepcopy(LOG))\n",
        "leaves the function through the value of first()",
    ),
    "a callee returning a piece the caller passes on": (
        HEAD + "SEEN = []\n\ndef first(log):\n    return log[0]\n\n"
        "def f():\n    e = first(copy.deepcopy(LOG))\n    SEEN.append(e)\n"
        "    SEEN[-1]['hours'] = 0\n    return LOG[0]['hours']\n",
        "copy.deepcopy(LOG)",
    ),
    "an argument after the copy that changes the original": (
        HEAD + READER + "def f():\n    return failures(copy.deepcopy(LOG), LOG.pop()['hours'])\n",
        "while the copy is read",
    ),
    "an argument before the copy that changes the original": (
        HEAD
        + READER
        + "def f():\n    return failures(since=LOG.pop()['hours'], log=deepcopy(LOG))\n",
        "while the copy is read",
    ),
    "a callee comparing the copy with the original by identity": (
        HEAD + "def same(a, b):\n    return a[0] is b[0]\n\n"
        "def f():\n    return same(copy.deepcopy(LOG), LOG)\n",
        "compared by identity",
    ),
    "a generator callee reads the copy later": (
        HEAD + "def hours(log):\n    for e in log:\n        yield e['hours']\n\n"
        "def f():\n    it = hours(copy.deepcopy(LOG))\n    LOG[0]['hours'] += 1\n"
        "    return sum(it)\n",
        "copy.deepcopy(LOG)",
    ),
    "a builtin that keeps its argument": (
        HEAD + "def f():\n    print(copy.deepcopy(LOG))\n",
        "calls print()",
    ),
    "a starred argument": (
        HEAD + READER + "def f():\n    return failures(*copy.deepcopy([LOG, 0]))\n",
        "nothing to rewrite",
    ),
    "a copy handed to a call deeper in an expression": (
        HEAD + READER + "def f():\n    return 1 + failures(copy.deepcopy(LOG), 0)\n",
        "nothing to rewrite",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert why in result.summary, result.summary


def test_a_changing_callee_changes_only_the_copy() -> None:
    """Why the first refusals matter: with the copy kept the module's log is untouched."""
    module = load(REFUSED["a callee that changes a part of the parameter"][0])
    assert module["f"]() == 100
    module = load(REFUSED["a callee returning a piece the caller changes"][0])
    assert module["f"]() == 100
