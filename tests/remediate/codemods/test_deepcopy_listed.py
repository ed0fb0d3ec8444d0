"""deepcopy-read-only on ``xs = [copy.deepcopy(x) for x in src if ...]``: a new list of the
items themselves where each item is only read; refusals where an item could be kept or changed."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load
from tests.remediate.codemods.test_deepcopy_derived import load as load_registered

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy

RULES: list[dict[str, list[str]]] = [
    {"carrier": ["A"], "mode": ["road"], "dests": ["DE", "FR"], "fees": ["toll", "fuel"]},
    {"carrier": ["B"], "mode": ["road"], "dests": ["DE"], "fees": []},
    {"carrier": ["C"], "mode": ["air"], "dests": ["US", "DE"], "fees": ["security"]},
]
"""

# a method over a class attribute, filtered, items iterated and read
METHOD = """

class Book:
    def rate(self, mode: str, dest: str, kg: int, rules: list[dict[str, list[str]]] = RULES):
        lanes = [copy.deepcopy(rule) for rule in rules if mode in rule["mode"]]
        best = ""
        for lane in lanes:
            if dest not in lane["dests"]:
                continue
            charge = kg * (len(lane["fees"]) + 1)
            if best == "" or charge < len(best):
                best = lane["carrier"][0]
        return best, len(lanes)


def run(mode, dest, kg):
    return Book().rate(mode, dest, kg)
"""

# a function over a module global, no filter, items read by index and counted
INDEXED = """

def run(mode: str, dest: str, kg: int):
    lanes = [copy.deepcopy(r) for r in RULES]
    if not lanes:
        return None
    first = lanes[0]["carrier"][0]
    hits = 0
    for lane in lanes:
        if mode in lane["mode"] and dest in lane["dests"]:
            hits = hits + len(lane["fees"]) * kg
    return (first, hits, lanes[-1]["dests"][0] == dest)
"""

# a function over a parameter, items unpacked by their keys in a nested loop
PARAMETER = """

def run(mode: str, dest: str, kg: int, rules: list[dict[str, list[str]]] = RULES):
    picked = [copy.deepcopy(x) for x in rules if dest in x["dests"]]
    total = 0
    for lane in picked:
        for fee in lane["fees"]:
            if mode in lane["mode"]:
                total = total + kg + len(fee)
    return total
"""

SPELLINGS = {"method, filtered": METHOD, "function, indexed": INDEXED, "parameter": PARAMETER}
CALLS = [("road", "DE", 10), ("road", "FR", 100), ("air", "US", 1), ("sea", "DE", 5)]


def _outcome(module: dict[str, Any], args: tuple[Any, ...]) -> Any:
    try:
        return "value", module["run"](*args)
    except Exception as exc:
        return "raised", type(exc).__name__


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_a_list_of_copies_only_read_becomes_a_list_of_the_items(spelling: str) -> None:
    source = HEAD + SPELLINGS[spelling]
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "copy.deepcopy(" not in result.source
    old, new = load(source), load(result.source)
    table = copy.deepcopy(new["RULES"])
    for args in CALLS:
        assert _outcome(old, args) == _outcome(new, args), args
        assert new["RULES"] == table


def test_the_comprehension_keeps_its_filter() -> None:
    result = DEEP.apply(HEAD + METHOD)
    assert '        lanes = [rule for rule in rules if mode in rule["mode"]]\n' in result.source


REFUSED = {
    "an item mutated": (
        INDEXED.replace("    hits = 0\n", "    hits = 0\n    lanes[0]['fees'] = []\n"),
        "assigns to a subscript or attribute",
    ),
    "an item's list extended": (
        INDEXED.replace("    hits = 0\n", "    hits = 0\n    lanes[0]['dests'].append('X')\n"),
        "could mutate the data",
    ),
    "an item returned": (
        INDEXED.replace("    return (first,", "    return lanes[0]\n    return (first,"),
        "each item had its own copy",
    ),
    "an item stored on self": (
        METHOD.replace('        best = ""\n', '        best = ""\n        self.last = lanes[0]\n'),
        "assigns to a subscript or attribute",
    ),
    "the list returned whole": (
        INDEXED.replace("    return (first,", "    return lanes\n    return (first,"),
        "returned whole",
    ),
    "an item passed on": (
        PARAMETER.replace("    return total", "    return total, print(picked[0])"),
        "could mutate the data",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    body, why = REFUSED[case]
    source = HEAD + body
    result = DEEP.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary


@pytest.mark.parametrize(
    "element",
    ["copy.deepcopy(r['dests'])", "copy.deepcopy(r) if r else r", "copy.deepcopy(RULES[0])"],
)
def test_other_comprehensions_are_left_alone(element: str) -> None:
    source = HEAD + f"\n\ndef run():\n    xs = [{element} for r in RULES]\n    return len(xs)\n"
    assert DEEP.apply(source).source == source


# items that share an object (the same rule twice, or one tag in two rules): each separate
# deep copy has its own copy of it, so what compares by identity (a plain class, a dataclass
# with eq=False, or an item of unknown type) was unequal between the copies, and is equal
# between the items themselves
SHARED = {
    "an item of unknown type": """\
import copy


class Tag:
    pass


TAG = Tag()
RULE = {"tag": TAG}
RULES = [RULE, RULE, {"tag": TAG}]


def run():
    lanes = [copy.deepcopy(r) for r in RULES]
    return lanes[0] == lanes[1], lanes[0]["tag"] == lanes[2]["tag"]
""",
    "a dataclass with eq=False": """\
import copy
from dataclasses import dataclass


@dataclass(eq=False)
class Lane:
    code: str


LANE = Lane("A")
RULES: dict[str, list[Lane]] = {"road": [LANE, LANE]}


def run():
    lanes = [copy.deepcopy(r) for r in RULES["road"]]
    return lanes[0] == lanes[1], lanes[0] == lanes[0]
""",
    "a list of dataclasses with eq=False inside": """\
import copy
from dataclasses import dataclass


@dataclass(eq=False)
class Lane:
    code: str


@dataclass
class Rule:
    lanes: list[Lane]


LANE = Lane("A")
RULES: list[Rule] = [Rule([LANE]), Rule([LANE])]


def run():
    rules = [copy.deepcopy(r) for r in RULES]
    return rules[0] == rules[1], rules[0].lanes == rules[1].lanes
""",
}


@pytest.mark.parametrize("case", sorted(SHARED))
def test_items_that_may_compare_by_identity_keep_their_copies(case: str) -> None:
    source = SHARED[case]
    result = DEEP.apply(source)
    assert load_registered(source)["run"]() == load_registered(result.source)["run"]()
    assert result.source == source and not result.changed, result.source
    assert "compare by identity" in result.summary, result.summary


def test_items_of_plain_dataclasses_of_values_are_still_listed() -> None:
    """A dataclass (eq by its fields) of strings, lists and dicts of them compares by value:
    the items' sharing cannot show."""
    source = SHARED["a list of dataclasses with eq=False inside"].replace(
        "@dataclass(eq=False)", "@dataclass"
    )
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    before, after = load_registered(source), load_registered(result.source)
    assert before["run"]() == after["run"]() == (True, True)


# an unannotated table written out as a display of literals: each item is a new object of
# its own, so the items share nothing whatever their equality compares
LITERAL = """\
import copy


class Tariff:
    RULES = [
        {"mode": "road", "fees": {"toll": 2.0}, "tags": ["x"]},
        {"mode": "road", "fees": {"toll": 2.0}, "tags": ["x"]},
        {"mode": "air", "fees": {}, "tags": []},
    ]

    def rate(self, mode):
        lanes = [copy.deepcopy(r) for r in self.RULES if r["mode"] == mode and r["tags"]]
        return [(round(lane["fees"].get("toll", 0.0), 2), len(lane["tags"])) for lane in lanes]


def run(mode="road"):
    return Tariff().rate(mode)
"""


def test_items_of_a_literal_table_named_nowhere_else_are_listed() -> None:
    result = DEEP.apply(LITERAL)
    assert result.sites == 1, result.summary
    assert "lanes = [r for r in self.RULES if" in result.source
    before, after = load_registered(LITERAL), load_registered(result.source)
    pristine = copy.deepcopy(after["Tariff"].RULES)
    for mode in ("road", "air", "sea"):
        assert before["run"](mode) == after["run"](mode)
    assert pristine == after["Tariff"].RULES


LITERAL_REFUSED = {
    # another function could make two items share an object
    "the table named elsewhere": LITERAL.replace(
        "def run(",
        "def share(obj):\n    for r in Tariff.RULES:\n        r['o'] = obj\n\n\ndef run(",
    ),
    # a filter that calls code could do the same while the copies are taken
    "a filter that calls": LITERAL.replace('r["mode"] == mode and', 'r.setdefault("m", mode) and'),
    # an item that is a name, not a display, may be shared
    "a table holding a name": LITERAL.replace(
        '{"mode": "air", "fees": {}, "tags": []}', "AIR"
    ).replace("class Tariff:", 'AIR = {"mode": "air", "fees": {}, "tags": []}\n\n\nclass Tariff:'),
    # setattr can put another table in its place
    "a module that calls setattr": LITERAL + "\n\nsetattr(Tariff, 'X', 1)\n",
}


@pytest.mark.parametrize("case", sorted(LITERAL_REFUSED))
def test_literal_tables_that_could_share_keep_their_copies(case: str) -> None:
    source = LITERAL_REFUSED[case]
    result = DEEP.apply(source)
    assert not result.changed and result.source == source, result.source
