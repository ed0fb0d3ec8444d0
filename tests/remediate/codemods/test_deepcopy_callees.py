"""deepcopy-read-only through calls that only read the copy: builtins that iterate or inspect
it (``any``, ``zip``, ``enumerate``, ``map``...; ``deepcopy_builtins``) and functions of the
module that only read the parameter it is passed as (``deepcopy_callees``); the look-alikes
that must keep their copy (a helper that changes or keeps its parameter, a rebound builtin or
helper, a mutating lambda, a builtin's value that leaves)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

DEEP = codemod("deepcopy-read-only")

ROOMS = """\
import copy
import math
from copy import deepcopy

ROOMS = [
    {"number": "A1", "beds": 2, "occupants": ["x"], "amenities": ["desk", "sink"],
     "rent": {"monthly": 500.0}, "tags": {"quiet": True}},
    {"number": "B2", "beds": 1, "occupants": [], "amenities": ["desk"],
     "rent": {"monthly": 420.0}, "tags": {"quiet": False}},
    {"number": "C3", "beds": 3, "occupants": [], "amenities": [],
     "rent": {"monthly": 610.0}, "tags": {}},
]
PROFILE = {"water": {"seed": 4.0, "veg": 6.0}, "soil": {"clay": 0.8}, "window": [5, 8]}

"""

SPELLINGS: dict[str, tuple[str, list[str], list[tuple[Any, ...]]]] = {
    # a helper that builds its own list and extends it with += (a new container: the data
    # is only read into it)
    "a module helper extending a list of its own": (
        ROOMS
        + "def describe(profile):\n    parts = [f\"{k}={v}\" for k, v in profile['soil'].items()]\n"
        "    parts += [str(w) for w in profile['window']]\n    return ', '.join(parts)\n\n"
        "def f(stage='seed'):\n    profile = copy.deepcopy(PROFILE)\n"
        "    text = describe(profile)\n"
        "    return len(text) > 3 and profile['water'][stage] > 1.0\n",
        ["    profile = PROFILE\n"],
        [(), ("veg",)],
    ),
    # the dorm_rooms shape: a method over an attribute, any() over a generator per element
    "method, any() with a generator, appended tuples": (
        ROOMS + "class Inventory:\n    def __init__(self):\n        self._rooms = ROOMS\n\n"
        "    def matches(self, needs, beds):\n        rooms = deepcopy(self._rooms)\n"
        "        fits = []\n        for room in rooms:\n"
        "            if room['beds'] - len(room['occupants']) < beds:\n                continue\n"
        "            if any(need not in room['amenities'] for need in needs):\n"
        "                continue\n"
        "            fits.append((room['rent']['monthly'], room['number']))\n"
        "        fits.sort()\n        return [n for _, n in fits]\n\n"
        "def f(needs=(), beds=1):\n    return Inventory().matches(list(needs), beds)\n",
        ["        rooms = self._rooms\n"],
        [(), (("desk",),), (("sink",), 1), ((), 2), (("pool",),)],
    ),
    # a function: enumerate over sorted with a key, all/sum/map over reads, list of zip out
    "enumerate, sorted key, all, sum of map, list of zip returned": (
        ROOMS + "def f(limit=600.0, n=2):\n    rooms = copy.deepcopy(ROOMS)\n    best = []\n"
        "    for i, room in enumerate(sorted(rooms, key=lambda r: r['rent']['monthly'])):\n"
        "        if i < n and all(map(bool, room['amenities'])):\n"
        "            best.append(room['number'])\n"
        "    seats = sum(map(len, [x['amenities'] for x in []]))\n"
        "    pairs = list(zip(rooms[0]['amenities'], rooms[1]['amenities']))\n"
        "    return [best, seats, pairs, max(rooms[0]['rent'].values()) < limit]\n",
        ["    rooms = ROOMS\n"],
        [(), (450.0, 1), (700.0, 3), (100.0, 0)],
    ),
    # filter with a lambda that only tests, reversed/iter/next, a tuple that leaves
    "filter lambda, reversed, next over iter, tuple that leaves": (
        ROOMS + "def f(word='desk'):\n    rooms = deepcopy(ROOMS)\n"
        "    quiet = list(filter(lambda r: r['tags'].get('quiet', False), rooms))\n"
        "    first = next(iter(rooms))\n    order = tuple(reversed(first['amenities']))\n"
        "    return {'quiet': len(quiet), 'has': word in first['amenities'], 'order': order}\n",
        ["    rooms = ROOMS\n"],
        [(), ("sink",), ("x",)],
    ),
    # the irrigation_schedule shape: a module function that only reads the profile, math.ceil
    "module function that only reads its parameter": (
        ROOMS + "def profile_for():\n    return copy.deepcopy(PROFILE)\n\n"
        "def needed(profile: dict, stage: str, soil: str, rain: float) -> float:\n"
        "    water = profile['water']\n    base = water.get(stage, water['veg'])\n"
        "    return max(0.0, base * profile['soil'].get(soil, 1.0) - rain)\n\n"
        "def f(stage='seed', soil='clay', rain=0.0, area: float = 10.0):\n"
        "    profile = profile_for()\n    mm = needed(profile, stage, soil, rain)\n"
        "    if mm <= 0.0:\n        return None\n"
        "    litres = round(mm * area, 1)\n    span = profile['window'][1] - profile['window'][0]\n"
        "    return [litres, min(math.ceil(litres / 7), span)]\n",
        ["    profile = PROFILE\n"],
        [(), ("veg", "sand", 1.0), ("x", "clay", 9.0), ("seed", "loam", 0.5, 3.0)],
    ),
    # keyword argument, a helper calling another pure helper, its value read at the call
    "keyword call, nested helpers, a part returned and read": (
        ROOMS + "def _monthly(room):\n    return room['rent']['monthly']\n\n"
        "def fits(room, cap):\n    return _monthly(room) <= cap\n\n"
        "def f(cap=550.0):\n    rooms = copy.deepcopy(ROOMS)\n    first = rooms[0]\n"
        "    ok = fits(cap=cap, room=first)\n"
        "    return (first['number'], ok, _monthly(rooms[1]) > cap)\n",
        ["    rooms = ROOMS\n"],
        [(), (400.0,), (1000.0,), (450.0,)],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_each_spelling_reads_the_original_with_the_same_results(case: str) -> None:
    source, expected, calls = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    for line in expected:
        assert line in result.source, result.source
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy((after["ROOMS"], after["PROFILE"]))
    for args in calls:
        assert before["f"](*args) == after["f"](*args), args
    out = after["f"]()
    if isinstance(out, dict):
        out["order"] = ()  # what leaves is a new value
    assert (after["ROOMS"], after["PROFILE"]) == pristine


HEAD = ROOMS + "def profile_for():\n    return copy.deepcopy(PROFILE)\n\n"
CALLER = (
    "def f(stage='seed'):\n    profile = profile_for()\n"
    "    mm = needed(profile, stage)\n    return mm > 1.0 and 'veg' in profile['water']\n"
)
REFUSED = {
    "a helper extending a list it was handed": (
        HEAD + "def needed(profile, stage):\n    extra = profile['window']\n"
        "    extra += [stage]\n    return 1.0\n\n" + CALLER,
        "calls needed(), which could mutate the data",
    ),
    "a helper that changes its parameter": (
        HEAD + "def needed(profile, stage):\n    profile['water'][stage] = 0.0\n"
        "    return 1.0\n\n" + CALLER,
        "calls needed(), which could mutate the data",
    ),
    "a helper that stores its parameter": (
        HEAD + "SEEN = []\n\ndef needed(profile, stage):\n    SEEN.append(profile)\n"
        "    return 2.0\n\n" + CALLER,
        "calls needed(), which could mutate the data",
    ),
    "a helper whose part of the copy leaves the caller": (
        HEAD + "def needed(profile, stage):\n    return profile['water']\n\n"
        "def f(stage='seed'):\n    profile = profile_for()\n"
        "    return [needed(profile, stage)]\n",
        "leaves the function through the value of needed()",
    ),
    "a helper defined twice": (
        HEAD + "def needed(profile, stage):\n    return 1.0\n\n"
        "def needed(profile, stage):\n    profile.clear()\n    return 1.0\n\n" + CALLER,
        "needed",
    ),
    "a decorated helper": (
        HEAD + "import functools\n\n@functools.lru_cache\ndef needed(profile, stage):\n"
        "    return 1.0\n\n" + CALLER,
        "calls needed(), which could mutate the data",
    ),
    "a module that calls setattr": (
        HEAD + "import sys\n\ndef needed(profile, stage):\n    return 1.0\n\n"
        "setattr(sys.modules[__name__], 'needed', print)\n\n" + CALLER,
        "calls needed(), which could mutate the data",
    ),
    "a rebound builtin": (
        HEAD + "def any(xs):\n    PROFILE.clear()\n    return True\n\n"
        "def f(stage='seed'):\n    profile = profile_for()\n"
        "    return any(stage in w for w in []) and 'veg' in profile['water']\n",
        "calls any()",
    ),
    "a map lambda that changes the data": (
        HEAD + "def f():\n    rooms = copy.deepcopy(ROOMS)\n"
        "    return len(list(map(lambda r: r.pop('tags'), rooms)))\n",
        "calls r.pop()",
    ),
    "a map lambda that reads another name": (
        HEAD + "def f(k='rent'):\n    rooms = copy.deepcopy(ROOMS)\n"
        "    return [list(map(lambda r: r[k], rooms))]\n",
        "a map lambda reads k",
    ),
    "an iterator over the copy that leaves": (
        HEAD
        + "def f():\n    rooms = copy.deepcopy(ROOMS)\n    return [iter(rooms[0]['amenities'])]\n",
        "leaves the function through an iterator over it",
    ),
    "a zip with another list that leaves": (
        HEAD + "def f(other):\n    rooms = copy.deepcopy(ROOMS)\n"
        "    return [list(zip(rooms[0]['amenities'], other))]\n",
        "may hold another argument's objects",
    ),
    "the id of a read": (
        HEAD + "def f():\n    rooms = copy.deepcopy(ROOMS)\n    return id(rooms[0]) > 0\n",
        "calls id()",
    ),
    "iter with a sentinel calls its first argument": (
        HEAD + "def f(read):\n    rooms = copy.deepcopy(ROOMS)\n"
        "    return len(rooms) + len(list(iter(read, None)))\n",
        "calls iter()",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert why in result.summary, result.summary


def test_a_helper_that_changes_its_parameter_changes_only_the_copy() -> None:
    """Why the first refusal matters: with the copy kept the module's profile is untouched."""
    module = load(REFUSED["a helper that changes its parameter"][0])
    assert module["f"]() is False
    assert module["PROFILE"]["water"]["seed"] == 4.0


# a name rebound where the module's bindings were not counted: a match pattern's capture
# (``case sorted:``, ``case [_, list]:``) or a store in a function's __globals__
EVIL = "def evil(xs, *rest):\n    xs.clear()\n    return []\n\n"
REBOUND = {
    "a builtin captured by a match pattern in the module": (
        ROOMS + EVIL + "match evil:\n    case sorted:\n        pass\n\n"
        "def f():\n    rooms = copy.deepcopy(ROOMS)\n"
        "    return len(sorted(rooms[0]['amenities']))\n"
    ),
    "a builtin captured inside a sequence pattern in the module": (
        ROOMS + EVIL + "match [1, evil]:\n    case [_, list]:\n        pass\n\n"
        "def f():\n    rooms = copy.deepcopy(ROOMS)\n    return len(list(rooms[0]['amenities']))\n"
    ),
    "a builtin captured by a match pattern in the function": (
        ROOMS + EVIL + "def f(v=evil):\n    rooms = copy.deepcopy(ROOMS)\n    match v:\n"
        "        case sorted:\n            pass\n    return len(sorted(rooms[0]['amenities']))\n"
    ),
    "a helper captured by a match pattern": (
        ROOMS + EVIL + "def beds(rooms):\n    return rooms[0]['beds']\n\n"
        "match evil:\n    case beds:\n        pass\n\n"
        "def f():\n    rooms = copy.deepcopy(ROOMS)\n    return beds(rooms) == []\n"
    ),
    "a helper rebound through a function's __globals__": (
        ROOMS + EVIL + "def beds(rooms):\n    return rooms[0]['beds']\n\n"
        "evil.__globals__['beds'] = evil\n\n"
        "def f():\n    rooms = copy.deepcopy(ROOMS)\n    return beds(rooms) == []\n"
    ),
}


@pytest.mark.parametrize("case", sorted(REBOUND))
def test_a_name_rebound_out_of_sight_keeps_the_copy(case: str) -> None:
    """The rebound name runs code that clears what it is given: the copy's list, or without
    the copy the module's own."""
    source = REBOUND[case]
    result = DEEP.apply(source)
    before, after = load(source), load(result.source)
    assert before["f"]() == after["f"]()
    assert after["ROOMS"] == before["ROOMS"]
    assert result.source == source and not result.changed, result.source


# hash() of an object with the default hash is derived from its id, as id() itself: the
# copy's objects hashed otherwise than the original's
TAGGED = (
    "import copy\n\nclass Tag:\n    pass\n\nTAG = Tag()\n"
    "CONFIG = {'tag': TAG, 'tags': [TAG, Tag()]}\n\n"
)
HASHED = {
    "hash of a read compared": "    return hash(config['tag']) == hash(TAG)\n",
    "hash of a read in a key lambda": (
        "    order = sorted([0, 1], key=lambda i: hash(config['tags'][i]) == hash(TAG))\n"
        "    return order[0]\n"
    ),
    "hash of an item of a loop": (
        "    for t in config['tags']:\n        if hash(t) == hash(TAG):\n            return True\n"
        "    return False\n"
    ),
}


@pytest.mark.parametrize("case", sorted(HASHED))
def test_the_hash_of_a_read_keeps_the_copy(case: str) -> None:
    source = TAGGED + "def f():\n    config = copy.deepcopy(CONFIG)\n" + HASHED[case]
    result = DEEP.apply(source)
    assert load(source)["f"]() == load(result.source)["f"]()
    assert result.source == source and not result.changed, result.source
