"""set-membership, tuples bound before a loop (a local, or the values of a local dict of tuples)
get frozensets made once beside them, asked only for the very tuple each was made of and for
exact str/int values: same answers, same order of evaluation and same failures before and
after, for odd items, odd values, dicts changed or replaced and patched helpers; refusals leave
the text as it was and say why. Also: why a list a constructor stores from its caller is still
refused."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")

# the dev program's spelling: a module function returns a new dict of new tuples, bound once
# before the loop; the test reads a value with .get(key, ()) beside another test
ROSTER = """\
from collections import defaultdict


def roster_for(rows):
    by_zone = defaultdict(list)
    for zone, plate in rows:
        by_zone[zone].append(plate)
    return {zone: tuple(plates) for zone, plates in by_zone.items()}


class Enforcer:
    def __init__(self, rows, fleet):
        self.rows = list(rows)
        self.fleet = frozenset(fleet)

    def process(self, sightings):
        roster = roster_for(self.rows)
        out = []
        for zone, plate in sorted(sightings, key=lambda s: repr(s)):
            if plate in self.fleet or plate in roster.get(zone, ()):
                continue
            out.append((zone, plate))
        return out


def run(rows, sightings, fleet=()):
    return Enforcer(rows, fleet).process(sightings)
"""

PLATES = [f"P{k}" for k in range(12)]
ODD_ITEMS: list[list[Any]] = [
    PLATES,
    [*PLATES, 1, 2],
    [*PLATES, [1]],  # an unhashable item
    [*PLATES, LooseEq()],
    [Text("p1"), *PLATES[3:]],
    [True, 1.0, *PLATES],
    PLATES[:3],  # too short to be worth a set
    [*PLATES, ("P1", "x")],
]
ODD_NEEDLES: list[Any] = ["P1", "P11", "p1", "zz", 1, 1.0, True, LooseEq(), Text("p3"), [1]]


def _rows(items: list[Any]) -> list[tuple[str, Any]]:
    return [("A", i) for i in items] + [("B", "P1"), ("B", 7)]


def test_the_dev_programs_spelling() -> None:
    result = SET.apply(ROSTER, function="Enforcer.process")
    assert result.changed and result.sites == 1, result.summary
    assert "membership in the tuples of roster's values by frozensets" in result.summary
    assert "_roster_sets = {id(v): (v, frozenset(v)) for v in (tuple(dict.values(roster))" in (
        result.source
    )
    # the value is kept before the tuple expression runs (which could rebind the name)
    assert "plate in self.fleet or (_roster_probe in _roster_entry[1] if" in result.source
    assert "(type(_roster_probe := plate) is str" in result.source
    assert "else _roster_probe in _roster_held)" in result.source
    for items in ODD_ITEMS:
        sightings = [(z, n) for z in ("A", "B", "C") for n in ODD_NEEDLES if n != [1]]
        same_results(ROSTER, result.source, "run", (_rows(items), sightings))
        same_results(ROSTER, result.source, "run", (_rows(items), sightings, ["P2"]))
        same_results(ROSTER, result.source, "run", (_rows(items), [("A", [1])]))


def _patched(source: str, after: str, builder: Any, *args: Any) -> None:
    """Both versions, with ``roster_for`` replaced by ``builder``, answer alike."""
    old, new = load(source), load(after)
    old["roster_for"] = new["roster_for"] = builder
    outcomes = []
    for ns in (old, new):
        try:
            outcomes.append(("value", ns["run"](*args)))
        except Exception as exc:
            outcomes.append(("raised", type(exc).__name__))
    assert outcomes[0] == outcomes[1], outcomes


class _Values(dict):  # type: ignore[type-arg]
    """A dict whose own ``values``/``get`` lie: the snapshot must not call them."""

    def values(self) -> Any:
        raise AssertionError("values() called")

    def get(self, key: Any, default: Any = None) -> Any:
        return ("P1", "P2") if key == "A" else dict.get(self, key, default)


_Codes = namedtuple("_Codes", "a b c d e f g h")


class _NotADict:
    def get(self, key: Any, default: Any = None) -> Any:
        return tuple(PLATES)

    def values(self) -> Any:
        raise AssertionError("values() called")


def test_a_patched_helper_giving_other_things_scans_or_fails_as_before() -> None:
    after = SET.apply(ROSTER, function="Enforcer.process").source
    sightings = [(z, n) for z in ("A", "B") for n in ("P1", "P5", 1, "zz")]
    shared = {"A": tuple(PLATES), "B": ("P1",)}
    builders = [
        lambda rows: {"A": list(PLATES), "B": ["P1"]},  # lists: scanned
        lambda rows: _Values({"A": tuple(PLATES)}),  # a subclass lying about its values
        lambda rows: _NotADict(),
        lambda rows: shared,  # a dict others hold
        lambda rows: None,  # fails alike
        lambda rows: {"A": tuple(Text(p) for p in PLATES)},  # str subclass items
        lambda rows: {"A": "P1P2P3P4P5P6P7P8"},  # a str: substrings
        lambda rows: {"A": _Codes(*PLATES[:8])},  # a tuple subclass
    ]
    for builder in builders:
        _patched(ROSTER, after, builder, [], sightings)


CHANGED = ROSTER.replace(
    "            out.append((zone, plate))\n",
    "            out.append((zone, plate))\n"
    "            roster[zone] = roster.get(zone, ()) + (plate,)\n"
    "            roster.pop('B', None) if len(out) % 3 else None\n",
)


def test_a_dict_changed_in_the_loop_still_answers_alike() -> None:
    # the snapshot is asked only for the very tuples it holds: new ones are scanned
    result = SET.apply(CHANGED, function="Enforcer.process")
    assert result.changed, result.summary
    rows = _rows(PLATES)
    sightings = [(z, n) for z in ("A", "B", "C") for n in [*PLATES, "N1", "N2", "N1"]] * 2
    same_results(CHANGED, result.source, "run", (rows, sightings))


ORDER = """\
def build(rows):
    return {k: tuple(v) for k, v in rows}


def run(rows, values, log):
    index = build(rows)
    hits = []
    for key, value in values:
        if note(log, "value", value) not in index[note(log, "key", key)]:
            hits.append(value)
    return hits, log


def note(log, what, x):
    log.append((what, x))
    return x
"""


def test_a_computed_value_runs_once_and_first_and_a_missing_key_fails_alike() -> None:
    result = SET.apply(ORDER)
    assert result.changed, result.summary
    assert '(type(_index_probe := note(log, "value", value)) is str' in result.source
    rows = [("a", PLATES), ("b", [1, 2, 3, 4, 5, 6, 7, 8, 9])]
    for values in ([("a", "P1"), ("a", "Q"), ("b", 3), ("b", 3.0), ("a", Text("p2"))],
                   [("a", "P1"), ("c", "P1")]):  # fmt: skip
        same_results(ORDER, result.source, "run", (rows, values, []))


LOCAL = """\
def audit(codes, rows, sink):
    allowed = tuple(codes)
    sink.append(allowed)
    bad = [r for r in rows if r not in allowed]
    for r in rows:
        if r in allowed:
            sink.append(r)  # the loop calls out: no snapshot of a list here
    later = (r in allowed for r in rows)  # run after the function returned
    return bad, later
"""


def test_a_local_tuple_that_escapes_gets_a_snapshot_the_list_rewrite_refused() -> None:
    result = SET.apply(LOCAL)
    assert result.changed and result.sites == 1, result.summary
    assert "membership in the tuples of allowed by frozensets" in result.summary
    assert "left:" not in result.summary  # the list rewrite's refusal is taken back
    for codes in ODD_ITEMS:
        rows = ["P1", "P11", "zz", 1, 1.0, True, LooseEq(), Text("p3"), [1]]
        old, new = load(LOCAL)["audit"], load(result.source)["audit"]
        (bad, later), (new_bad, new_later) = old(codes, rows, []), new(codes, rows, [])
        assert bad == new_bad and list(later) == list(new_later)


REFUSED = {
    "values are lists": (ROSTER.replace("tuple(plates)", "plates"), "values are not shown"),
    "bound twice": (
        ROSTER.replace("        out = []\n", "        out = []\n        roster = {}\n"),
        "roster is bound more than once",
    ),
    "id rebound": (ROSTER + "\n\nid = str\n", "id is rebound"),
    "dict rebound in the method": (
        ROSTER.replace("        out = []\n", "        out = []\n        dict = 1\n"),
        "dict is rebound",
    ),
    "locals read": (
        ROSTER.replace("        return out\n", "        return out, locals()\n"),
        "reads its locals by name",
    ),
    "no := in a comprehension iterable": (
        ROSTER.replace(
            "        return out\n",
            "        return out + [z for z in 'AB' for p in ('P1' in roster[z], 1)]\n",
        ),
        "in a comprehension's iterable",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = SET.apply(source, function="Enforcer.process")
    assert "_roster_sets" not in result.source
    assert why in result.summary, result.summary


@pytest.mark.parametrize(
    "body",
    [
        # tested once per call: not worth a set
        "    t = tuple(codes)\n    return x in t\n",
        # in a lambda: not rewritten (the snapshot would be read through a closure)
        "    t = tuple(codes)\n    return list(filter(lambda r: r in t, x))\n",
        # bound in a branch
        "    if codes:\n        t = tuple(codes)\n    return [r for r in x if r in t]\n",
        # not shown to be a tuple
        "    t = codes\n    return [r for r in x if r in t]\n",
    ],
)
def test_tuples_left_alone(body: str) -> None:
    source = f"def f(codes, x, sink=None):\n{body}"
    result = SET.apply(source)
    assert "_t_sets" not in result.source


# variant_filter's spelling: the constructor stores its caller's list; the caller may keep it
# and change it after, so no snapshot (nor a runtime check of an exact list, which cannot tell
# a list changed in place) keeps the answers; the refusal stays
HELD = """\
class HardFilter:
    def __init__(self, thresholds, artifact_sites, genes):
        self.thresholds = thresholds
        self.artifact_sites = artifact_sites
        self.genes = genes

    def reasons(self, key):
        out = []
        if key in self.artifact_sites:
            out.append("PanelOfNormals")
        return out

    def run(self, keys):
        return [self.reasons(k) for k in keys]


def run(sites, keys):
    f = HardFilter(None, sites, None)
    first = f.run(keys)
    sites.append(keys[1])  # the caller changes the list it handed over
    sites[0] = "gone"
    return first, f.run(keys)
"""


def test_a_list_a_constructor_stores_from_its_caller_is_refused() -> None:
    result = SET.apply(HELD, function="HardFilter.reasons")
    assert not result.changed and result.source == HELD
    assert "artifact_sites = `artifact_sites` may be a list something else holds" in (
        result.summary
    )
    # what a snapshot would have missed: the caller's later changes are seen
    first, second = load(HELD)["run"]([f"s{k}" for k in range(10)], ["s0", "new"])
    assert first == [["PanelOfNormals"], []] and second == [[], ["PanelOfNormals"]]
