"""deepcopy-read-only through new dicts made of a copy's parts (``{**part, "k": v}``, stores
into them; ``deepcopy_dicts``) and one value leaving once per item of a list of deep copies
(``deepcopy_items``); the look-alikes that must keep their copy."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy
from copy import deepcopy

RULES = [
    {"carrier": "A", "mode": "road", "fees": {"toll": 12.0, "fuel": 0.1}, "tags": ["x"],
     "hazmat": {"ok": True, "fee": 80.0}},
    {"carrier": "B", "mode": "road", "fees": {"fuel": 0.2}, "tags": [], "hazmat": {"ok": False,
     "fee": 0.0}},
    {"carrier": "C", "mode": "air", "fees": {"security": 35.0}, "tags": ["y", "z"],
     "hazmat": {"ok": True, "fee": 250.0}},
]
BASE = {"fees": {"toll": 1.0, "fuel": 2.0}, "extra": {"fuel": 5.0, "night": [1, 2]}}


def describe(priced: dict) -> str:
    parts = [f"{k}={v}" for k, v in sorted(priced["fees"].items())]
    return f"{priced['carrier']}: " + ", ".join(parts)

"""

SPELLINGS: dict[str, tuple[str, str, list[tuple[Any, ...]]]] = {
    # the freight_tariff shape: {**part, k: v}, a store into it, {**item, ...} passed to a
    # module function, one value leaving per item
    "splat of a part, a store, splat of the item, one value per item": (
        HEAD + "def f(mode='road', hazardous=False, base: float = 100.0):\n"
        "    lanes = [copy.deepcopy(r) for r in RULES if r['mode'] == mode]\n"
        "    out = []\n    for lane in lanes:\n"
        "        fuel = round(base * lane['fees'].get('fuel', 0.0), 2)\n"
        "        fees = {**lane['fees'], 'fuel': fuel}\n"
        "        if hazardous:\n            fees['hazmat'] = lane['hazmat']['fee']\n"
        "        priced = {**lane, 'base': base, 'fees': fees}\n"
        "        total = round(priced['base'] + sum(fees.values()), 2)\n"
        "        out.append((lane['carrier'], total, describe(priced)))\n"
        "    return out\n",
        "    lanes = [r for r in RULES if r['mode'] == mode]\n",
        [(), ("road", True), ("air", True, 9.0), ("sea",)],
    ),
    # an empty dict filled from the copy, returned whole (deep-copied where it leaves)
    "an empty dict filled by stores, returned": (
        HEAD + "def f(night=False):\n    cfg = copy.deepcopy(BASE)\n    rates = {}\n"
        "    rates['fuel'] = cfg['extra']['fuel']\n"
        "    if night:\n        rates['night'] = cfg['extra']['night']\n    return rates\n",
        "    cfg = BASE\n",
        [(), (True,)],
    ),
    # two parts merged, read by key
    "two parts merged, read by .get": (
        HEAD + "def f(key='fuel'):\n    cfg = deepcopy(BASE)\n"
        "    merged = {**cfg['fees'], **cfg['extra']}\n"
        "    return [merged.get(key), len(merged)]\n",
        "    cfg = BASE\n",
        [(), ("toll",), ("night",), ("none",)],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_each_spelling_reads_the_original_with_the_same_results(case: str) -> None:
    source, expected, calls = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    assert expected in result.source, result.source
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy((after["RULES"], after["BASE"]))
    for args in calls:
        old, new = before["f"](*args), after["f"](*args)
        assert old == new, args
        if isinstance(new, dict) and "night" in new:
            new["night"].append(3)  # what leaves is the caller's own
    assert (after["RULES"], after["BASE"]) == pristine


LOOP = "def f():\n    cfg = copy.deepcopy(BASE)\n"
REFUSED = {
    "a store into a part of the new dict": (
        HEAD + LOOP + "    d = {**cfg['extra']}\n    d['night'][0] = 9\n    return len(d)\n",
        "assigns to a subscript or attribute",
    ),
    "a store after the new dict left": (
        HEAD + LOOP + "    d = {**cfg['fees']}\n    out = [d]\n    d['x'] = 1.0\n    return out\n",
        "d is read before a store into it",
    ),
    "an item not from the copy": (
        HEAD + "def f(other):\n    cfg = copy.deepcopy(BASE)\n"
        "    d = {**cfg['fees'], 'o': other}\n    return d\n",
        "goes into a dict display with an item not read from the copy",
    ),
    "a value stored that is not from the copy": (
        HEAD + "def f(other):\n    cfg = copy.deepcopy(BASE)\n"
        "    d = {**cfg['fees']}\n    d['o'] = other\n    return d\n",
        "d is given a value not read from the copy",
    ),
    "a mutating method of the new dict": (
        HEAD + LOOP + "    d = {**cfg['fees']}\n    d.update(cfg['extra'])\n    return len(d)\n",
        "calls d.update()",
    ),
    "a store in a loop the dict is not made in": (
        HEAD + "def f(keys=('a', 'b')):\n    cfg = copy.deepcopy(BASE)\n"
        "    d = {**cfg['fees']}\n    for k in keys:\n        d[k] = cfg['extra']['fuel']\n"
        "    return [d]\n",
        "d is stored into in another loop than the one it is made in",
    ),
    "a dict made only in one branch": (
        HEAD + "def f(x=True):\n    cfg = copy.deepcopy(BASE)\n    if x:\n"
        "        d = {**cfg['fees']}\n        d['k'] = 1.0\n        return [d]\n    return None\n",
        "d is bound in a block of its own",
    ),
    "two values leave from one item": (
        HEAD + "def f():\n    lanes = [copy.deepcopy(r) for r in RULES]\n    out = []\n"
        "    for lane in lanes:\n        out.append(lane['tags'])\n"
        "        out.append(lane['fees'])\n"
        "    return out\n",
        "a value read from an item leaves the function (each item had its own copy)",
    ),
    "the list of copies read twice": (
        HEAD + "def f():\n    lanes = [copy.deepcopy(r) for r in RULES]\n    out = []\n"
        "    for lane in lanes:\n        out.append(lane['tags'])\n"
        "    return [out, len(lanes)]\n",
        "a value read from an item leaves the function (each item had its own copy)",
    ),
    "a value leaves from an inner loop": (
        HEAD + "def f():\n    lanes = [copy.deepcopy(r) for r in RULES]\n    out = []\n"
        "    for lane in lanes:\n        for _ in range(2):\n            out.append(lane['tags'])\n"
        "    return out\n",
        "a value read from an item leaves the function (each item had its own copy)",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert why in result.summary, result.summary


def test_a_value_leaving_from_an_inner_loop_kept_its_identity_with_the_copy() -> None:
    """Why the inner-loop refusal matters: the same item's list left twice as one object."""
    out = load(REFUSED["a value leaves from an inner loop"][0])["f"]()
    assert out[0] is out[1]


def test_a_loop_over_the_copies_run_again_by_an_outer_loop_keeps_their_identity() -> None:
    """The same item is read on each turn of the outer loop: with the copies, what left twice
    from it was one object; deep-copied where it leaves, it would be two (dcreview3)."""
    source = (
        "import copy\n\nRULES: list[dict[str, list[str]]] = [{'tags': ['x']}, {'tags': []}]\n\n"
        "def f():\n    lanes = [copy.deepcopy(r) for r in RULES]\n    out = []\n"
        "    for _ in range(2):\n        for lane in lanes:\n            out.append(lane['tags'])\n"
        "    return out\n"
    )
    result = DEEP.apply(source)
    before, after = load(source)["f"](), load(result.source)["f"]()
    assert before[0] is before[2]
    assert after[0] is after[2], result.source
