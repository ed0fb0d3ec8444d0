"""deepcopy-read-only's run-time method check made once for a list of copies
(``deepcopy_guards.checked_once``): ``[copy.deepcopy(r) for r in self.LANES if <reads>]``
checks that the methods relied on are the module's once, before the comprehension, not at each
item; where its filter calls something (which might patch the class between the checks) the
check stays on each item, or the copy is kept. Each runs the original and the rewrite the same
way and compares the results and the table afterwards."""

from __future__ import annotations

import copy
import sys
from typing import Any
from unittest import mock

import pytest

from tests.remediate.codemods.test_deepcopy_methods import DEEP, HEAD, RATER, load

CALLS = [("road", 900.0, 1.0), ("road", 100.0), ("air", 5.0), ("sea", 1.0), ("road", 10.0)]
TAIL = (
    "        kg = self._kg(w, v)\n        out = []\n        for lane in lanes:\n"
    "            charge = max(lane['minimum'], kg * lane['per_kg'])\n"
    "            if charge < cap + len(lane['zones']):\n"
    "                out.append(lane['carrier'])\n        return out\n"
)


def _rater(comprehension: str, extra: str = "", mode: str = "mode: str") -> str:
    return (
        HEAD + extra + RATER + f"    def rate(self, {mode}, w, v=0.0, cap=100.0):\n"
        f"        lanes = {comprehension}\n" + TAIL
    )


ONCE = {
    "a comparison with a parameter": "[copy.deepcopy(r) for r in self.LANES if r['mode'] == mode]",
    "no filter": "[copy.deepcopy(r) for r in self.LANES]",
    "and/not, membership, a subscript of a read": (
        "[copy.deepcopy(r) for r in self.LANES if not r['mode'] != mode and 'DE' in r['zones']]"
    ),
}


def _spoiling_kg(self: Any, w: float, v: float) -> float:
    """A patched ``_kg`` that changes the tables the copies were made of."""
    for lane in [*type(self).LANES, *getattr(sys.modules[type(self).__module__], "TABLE", [])]:
        if "zones" in lane:
            lane["zones"].clear()
        lane["minimum"] = lane["per_kg"] = 0.0
    return w


def _run(source: str, patched: bool, method: str = "rate") -> tuple[list[Any], Any]:
    """Every call's result, and the tables afterwards, with ``_kg`` patched on the class or
    not (the patch spoils the tables: where the copies are kept, only later calls see it)."""
    namespace = load(source)
    rater = namespace["Rater"]
    with mock.patch.object(rater, "_kg", _spoiling_kg) if patched else mock.MagicMock():
        results = [getattr(rater(), method)(*args) for args in CALLS]
    return results, (rater.LANES, namespace.get("TABLE"))


@pytest.mark.parametrize("spelling", list(ONCE))
@pytest.mark.parametrize("patched", [False, True])
def test_a_list_of_copies_is_checked_once_and_runs_the_same(spelling: str, patched: bool) -> None:
    source = _rater(ONCE[spelling])
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    line = next(x for x in result.source.splitlines() if "lanes = " in x)
    kept = ONCE[spelling]
    assert line.strip() == (
        f"lanes = {kept.replace('copy.deepcopy(r)', 'r')} if _rater_unchanged(self, "
        f'"_kg") else {kept}'
    )
    assert _run(result.source, patched) == _run(source, patched)


def test_the_check_runs_once_per_call_not_per_item() -> None:
    namespace = load(DEEP.apply(_rater(ONCE["no filter"])).source)
    check = namespace["_rater_unchanged"]
    with mock.patch.dict(namespace, {"_rater_unchanged": mock.Mock(wraps=check)}) as patched:
        namespace["Rater"]().rate("road", 100.0)
        assert patched["_rater_unchanged"].call_count == 1
    with mock.patch.object(namespace["copy"], "deepcopy", wraps=copy.deepcopy) as copying:
        namespace["Rater"]().rate("road", 100.0)
    assert [type(c.args[0]) for c in copying.call_args_list] == [str, str]  # the carriers


#: a table whose items compare by value (so a filter may call), and a method reading copies of it
TABLE = """\
TABLE: list[dict[str, float]] = [
    {"minimum": 40.0, "per_kg": 0.2},
    {"minimum": 70.0, "per_kg": 0.1},
    {"minimum": 5.0, "per_kg": 3.0},
]


"""
CHEAPEST = (
    "    def _fits(self, minimum: float, w: float) -> bool:\n        return minimum < w\n\n"
    "    def cheapest(self, mode, w, v=0.0):\n        lanes = {}\n        kg = self._kg(w, v)\n"
    "        best = None\n        for lane in lanes:\n"
    "            charge = max(lane['minimum'], kg * lane['per_kg'])\n"
    "            if best is None or charge < best:\n                best = charge\n"
    "        return None if best is None else round(best, 2)\n"
)
#: filters that run code: a method through ``self`` (relied on, so itself checked), arithmetic
#: (an operator's method); the check stays on each item
PER_ITEM = {
    "a method of the class in the filter": "self._fits(r['minimum'], w)",
    "arithmetic in the filter": "r['minimum'] * 2 < w",
}


@pytest.mark.parametrize("spelling", list(PER_ITEM))
@pytest.mark.parametrize("patched", [False, True])
def test_a_filter_that_runs_code_keeps_the_check_per_item(spelling: str, patched: bool) -> None:
    comprehension = f"[copy.deepcopy(r) for r in TABLE if {PER_ITEM[spelling]}]"
    source = HEAD + TABLE + RATER + CHEAPEST.format(comprehension)
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    line = next(x for x in result.source.splitlines() if "lanes = " in x)
    assert line.strip().startswith("lanes = [(r if _rater_unchanged(self, "), line
    assert _run(result.source, patched, "cheapest") == _run(source, patched, "cheapest")


PATCHER = """\
def pick(rule, mode):
    Rater._kg = lambda self, w, v: [lane["zones"].clear() for lane in Rater.LANES] and w
    return rule["mode"] == mode


"""


def test_a_filter_that_can_patch_the_class_keeps_the_copy() -> None:
    """``pick`` patches ``Rater._kg`` while the comprehension runs: a check made before it
    would pass, and the patched method then spoils the table the list would alias."""
    for table in ("self.LANES", "TABLE"):
        body = CHEAPEST if table == "TABLE" else ""
        comprehension = f"[copy.deepcopy(r) for r in {table} if pick(r, mode)]"
        source = (
            _rater(comprehension, PATCHER + TABLE) if not body
            else HEAD + PATCHER.replace('"mode"', '"minimum"') + TABLE + RATER
            + body.format(comprehension)
        )  # fmt: skip
        result = DEEP.apply(source)
        assert f"lanes = {comprehension}" in result.source, result.summary
        assert "if _rater_unchanged(self" not in result.source
        method = "cheapest" if body else "rate"
        assert _run(result.source, False, method) == _run(source, False, method)


class _PatchingMode:
    """A caller's ``mode`` whose first comparison patches ``Rater._kg`` (which spoils the
    table): the check at the first item saw the patch, a check before the comprehension not."""

    def __init__(self, rater: type) -> None:
        self.rater, self.done = rater, False

    def __eq__(self, other: object) -> bool:
        if not self.done:
            self.done = True
            self.rater._kg = _spoiling_kg  # type: ignore[attr-defined]
        return other == "road"

    __hash__ = object.__hash__


#: filters whose operands or keys are a caller's object of unknown type (``mode`` unannotated)
UNTYPED = {
    "a comparison with an unannotated parameter": "r['mode'] == mode",
    "membership of an unannotated parameter": "mode in (r['mode'], 'x')",
    "an unannotated parameter as a key": "r[mode] == 'road'",
    "a truth test of an unannotated parameter": "r['mode'] == 'road' and mode",
}


@pytest.mark.parametrize("spelling", list(UNTYPED))
def test_a_filter_running_a_callers_dunder_keeps_the_check_per_item(spelling: str) -> None:
    comprehension = f"[copy.deepcopy(r) for r in self.LANES if {UNTYPED[spelling]}]"
    source = _rater(comprehension, mode="mode")
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    line = next(x for x in result.source.splitlines() if "lanes = " in x)
    assert line.strip().startswith("lanes = [(r if _rater_unchanged(self, "), line


@pytest.mark.parametrize("road", [True, False])
def test_a_comparison_patching_the_class_at_the_first_item_runs_the_same(road: bool) -> None:
    """Rewritten once, ``[r ...] if check else [...]`` aliased the table and then read it
    spoiled (['A', 'B'] where the original's copies gave [])."""
    source = _rater("[copy.deepcopy(r) for r in self.LANES if r['mode'] == mode]", mode="mode")
    outcomes = []
    for program in (source, DEEP.apply(source).source):
        rater = load(program)["Rater"]
        mode = _PatchingMode(rater) if road else "air"
        outcomes.append((rater().rate(mode, 100.0, 0.0, 10.0), rater.LANES))
    assert outcomes[0] == outcomes[1]


def test_a_dataclass_field_annotated_str_is_checked_once() -> None:
    """The freight_tariff shape: ``rule["mode"] == shipment.mode``, ``mode: str``."""
    extra = "@dataclass\nclass Shipment:\n    mode: str\n\n\n"
    comprehension = "[copy.deepcopy(r) for r in self.LANES if r['mode'] == shipment.mode]"
    source = _rater(comprehension, extra, mode="shipment: Shipment")
    result = DEEP.apply(source)
    line = next(x for x in result.source.splitlines() if "lanes = " in x)
    assert line.strip().startswith("lanes = [r for r in self.LANES"), result.summary

    def run(program: str, patched: bool) -> tuple[list[Any], Any]:
        namespace = load(program)
        rater, shipment = namespace["Rater"], namespace["Shipment"]
        with mock.patch.object(rater, "_kg", _spoiling_kg) if patched else mock.MagicMock():
            return [rater().rate(shipment(m), 100.0) for m in ("road", "air")], rater.LANES

    for patched in (False, True):
        assert run(result.source, patched) == run(source, patched)


def test_a_private_method_relied_on_keeps_the_copy() -> None:
    """``self.__kg()`` is stored as ``_Rater__kg``: a check naming ``__kg`` would fail at
    import, so the copy is kept, with the reason."""
    source = _rater(ONCE["no filter"]).replace("_kg(", "__kg(")
    result = DEEP.apply(source)
    assert result.sites == 0
    assert "cannot name the private method __kg" in result.summary
    assert result.source == source
