"""set-membership, new lists handed to one callee through several of its parameters: each list
parameter gets its own set and keyword, from every caller whose list is provably new, and a
parameter whose list fails a proof keeps its scan while the others are converted. The code is
run before and after on the same inputs (callers that pass no set, a caller that changes one
list between calls, callees rebound at run time) and must answer alike."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

CRITERION = """\
def criterion(app, catchment, feeders, siblings):
    if app[0] in siblings:
        return 1
    if app[1] in catchment:
        return 2
    if (app[2], app[1]) in feeders or app[2] not in feeders:
        return 3
    return 4
"""

CALLERS = """

def rank(apps, streets, schools, families):
    catchment = list(streets)
    feeders = list(schools)
    siblings = [f for f in families]
    return [criterion(a, catchment, feeders, siblings) for a in apps]


def rank_by_name(apps, streets, schools):
    feeders = tuple(schools)
    catchment = sorted(streets, key=repr)
    out = []
    for a in apps:
        out.append(criterion(a, siblings=(), feeders=feeders, catchment=catchment))
    return out


def direct(apps, streets, schools, families):
    return [criterion(a, streets, schools, families) for a in apps]


def rank_growing(apps, streets, schools, families):
    catchment = list(streets)
    feeders = list(schools)
    siblings = list(families)
    out = []
    for a in apps:
        out.append(criterion(a, catchment, feeders, siblings))
        feeders.append(a[1])
    return out
"""

SOURCE = CRITERION + CALLERS

NAMES = [f"s{k}" for k in range(12)]
FAMILIES = list(range(20))
ITEM_LISTS = [
    NAMES,
    [*NAMES, 1, 2],
    [*NAMES, [1]],  # an unhashable item
    [*NAMES, LooseEq()],
    [Text("S1"), *NAMES[3:]],
    [True, 1.0, *NAMES],
    ["s1", "s2"],  # too short for a set
    [("s1", "x")] * 9,
]
APPS = [
    (3, "s1", "s2"),
    (30, "S1", "x"),
    (True, "zz", "s1"),
    (1.0, 1, "s11"),
    (LooseEq(), Text("S3"), LooseEq()),
    (4, "s7", "s7"),
    (5, ("s1", "x"), "s4"),
]


def test_each_list_parameter_gets_its_own_set_from_every_caller() -> None:
    result = SET.apply(SOURCE, function="criterion")
    assert result.changed and result.sites == 7, result.summary
    assert result.summary.startswith("membership in catchment, feeders, siblings, new lists")
    assert "(4 membership tests)" in result.summary
    assert "*, _catchment_set=None, _feeders_set=None, _siblings_set=None):" in result.source
    # both callers that make new lists hand every set they made; the others pass none
    assert "_feeders_set=feeders_set, _siblings_set=siblings_set) if" in result.source
    assert "_catchment_set=catchment_set_2, _feeders_set=feeders_set_2) if" in result.source
    assert "criterion(a, streets, schools, families) for a" in result.source
    for items in ITEM_LISTS:
        for families in (FAMILIES, [*FAMILIES, [1]], [1, 2]):
            args = (APPS, items, items, families)
            for caller in ("rank", "direct", "rank_growing"):
                same_results(SOURCE, result.source, caller, args)
            same_results(SOURCE, result.source, "rank_by_name", (APPS, items, items))


def test_a_list_the_caller_changes_between_calls_keeps_its_scan() -> None:
    result = SET.apply(SOURCE, function="rank_growing")
    assert result.changed, result.summary
    grown = result.source.split("def rank_growing")[1]
    assert "catchment_set = (frozenset(catchment)" in grown
    assert "siblings_set = (frozenset(siblings)" in grown
    assert "feeders_set" not in grown
    assert "feeders = list(schools): " in result.summary
    # only appended after the first call: a set of the first list would miss it
    apps = [(0, "s1", "new"), (1, "new", "zz"), (2, "x", "new")]
    same_results(SOURCE, result.source, "rank_growing", (apps, NAMES, NAMES, FAMILIES))
    same_results(SOURCE, result.source, "rank_growing", (APPS, NAMES, [*NAMES, [1]], FAMILIES))


def test_a_callee_that_changes_one_parameter_keeps_that_scan_only() -> None:
    source = SOURCE.replace("    return 4\n", "    feeders.append(app)\n    return 4\n", 1)
    result = SET.apply(source, function="criterion")
    assert result.changed, result.summary
    assert "*, _catchment_set=None, _siblings_set=None):" in result.source
    assert "_feeders_set" not in result.source
    assert "feeders = list(schools): " in result.summary
    for items in ITEM_LISTS:
        for caller in ("rank", "direct", "rank_growing"):
            same_results(source, result.source, caller, (APPS, items, items, FAMILIES))


def test_the_same_list_for_two_parameters_hands_its_set_twice() -> None:
    source = SOURCE + (
        "\n\ndef rank_shared(apps, names, families):\n"
        "    both = list(names)\n"
        "    return [criterion(a, both, both, list(families)) for a in apps]\n"
    )
    result = SET.apply(source, function="rank_shared")
    assert result.changed, result.summary
    assert "_catchment_set=both_set, _feeders_set=both_set) if (both_set is not None)" in (
        result.source
    )
    for items in ITEM_LISTS:
        same_results(source, result.source, "rank_shared", (APPS, items, FAMILIES))


def test_a_callee_rebound_to_one_taking_fewer_sets_is_called_as_before() -> None:
    after = SET.apply(SOURCE, function="criterion").source
    old, new = load(SOURCE), load(after)

    def partial(app, catchment, feeders, siblings, *, _catchment_set=None):  # type: ignore[no-untyped-def]
        return (app[1] in catchment, app[2] in feeders, app[0] in siblings)

    old["criterion"] = new["criterion"] = partial
    for caller in ("rank", "rank_growing"):
        args = (APPS, NAMES, NAMES, FAMILIES)
        assert old[caller](*args) == new[caller](*args)


METHOD = """\
class Board:
    def __init__(self, streets, schools):
        self.streets = streets
        self.schools = schools

    def criterion(self, app, catchment, feeders):
        return (app[1] in catchment, app[2] in feeders)

    def rank(self, apps):
        catchment = list(self.streets)
        feeders = self.schools
        return [self.criterion(a, catchment, feeders) for a in apps]


def rank(streets, schools, apps, cls=Board):
    return cls(streets, schools).rank(apps)
"""


def test_a_method_gets_the_proven_set_and_a_subclass_elsewhere_is_called_as_before() -> None:
    result = SET.apply(METHOD, function="Board.criterion")
    assert result.changed, result.summary
    assert "def criterion(self, app, catchment, feeders, *, _catchment_set=None):" in (
        result.source
    )
    assert "feeders = self.schools: it may be a list something else holds" in result.summary
    same_results(METHOD, result.source, "rank", (NAMES, NAMES, APPS), ([1], NAMES, APPS))
    old, new = load(METHOD), load(result.source)

    def sub(base: type) -> type:
        class Sub(base):  # type: ignore[misc, valid-type]
            def criterion(self, app, catchment, feeders):  # type: ignore[no-untyped-def]
                return len(catchment)

        return Sub

    args = (NAMES, NAMES, APPS)
    assert old["rank"](*args, sub(old["Board"])) == new["rank"](*args, sub(new["Board"]))


FEEDERS = "    feeders = list(schools)\n"
STORE = "    global KEPT\n    KEPT = feeders\n    return [criterion("
REFUSED = {
    "not new": (FEEDERS, "    feeders = schools\n", "may be a list"),
    "rebound": (FEEDERS, f"{FEEDERS}    feeders = feeders[:]\n", "bound more than once"),
    "stored": ("    return [criterion(", STORE, "could change or escape"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_one_refused_parameter_leaves_the_others_converted(case: str) -> None:
    old, new, why = REFUSED[case]
    source = (CRITERION + CALLERS.split("\n\ndef rank_by_name")[0]).replace(old, new, 1)
    result = SET.apply(source, function="rank")
    assert result.changed, (case, result.summary)
    assert "_feeders_set" not in result.source, case
    assert "_catchment_set=catchment_set, _siblings_set=siblings_set)" in result.source, case
    left = result.summary.split("; left: ")[1]
    assert left.startswith("feeders = ") and why in left, (case, left)
    for items in ITEM_LISTS:
        same_results(source, result.source, "rank", (APPS, items, items, FAMILIES))


def test_every_parameter_refused_leaves_the_text_and_names_each() -> None:
    source = (CRITERION + CALLERS.split("\n\ndef rank_by_name")[0]).replace(
        "    return [criterion(", "    catchment.sort()\n    feeders.clear()\n"
        "    siblings.append(0)\n    return [criterion(",
    )  # fmt: skip
    result = SET.apply(source, function="rank")
    assert not result.changed and result.source == source
    for name in ("catchment = list(streets)", "feeders = list(schools)", "siblings = [f for"):
        assert name in result.summary, (name, result.summary)
