import copy

import pytest
from app import PROGRAMMES, Aircraft, labour_by_type, plan_aircraft, plan_fleet, programme_for

CODES = [task["code"] for task in PROGRAMMES["ATR72"]["tasks"]]


def _fresh(tail="G-TEST", type_code="ATR72", hours=10_000.0, cycles=12_000, day=5_000):
    """An aircraft with every task just accomplished."""
    return Aircraft(tail, type_code, hours, cycles, day, {c: (hours, cycles, day) for c in CODES})


def test_freshly_maintained_aircraft_needs_nothing():
    assert plan_aircraft(_fresh(), horizon=0.1) is None
    assert plan_fleet([_fresh("A"), _fresh("B", "E175")]) == []


def test_tightest_interval_drives_due_date():
    ac = _fresh()
    # A check: 600 h / 750 cycles / 90 days.  Hours are 50% used, days 95% used.
    ac.last_done["A-CHK"] = (ac.hours - 300, ac.cycles - 100, ac.day - 86)
    package = plan_aircraft(ac, horizon=0.1)
    assert package.tasks == [("A-CHK", round(1 - 86 / 90, 4))]
    assert package.labour_h == pytest.approx(22.0)
    assert package.zones == {"100", "200", "300"}
    assert package.overdue == []


def test_overdue_tasks_and_type_scaling():
    ac = _fresh(type_code="E175")  # intervals and labour scaled by 1.25
    ac.last_done["LG-LUBE"] = (ac.hours - 480, ac.cycles, ac.day)  # 400 h interval * 1.25 = 500 h
    ac.last_done["ENG-OIL"] = (ac.hours - 400, ac.cycles, ac.day)  # 312 h interval: overdue
    package = plan_aircraft(ac, horizon=0.05)
    assert [code for code, _ in package.tasks] == ["ENG-OIL", "LG-LUBE"]
    assert package.overdue == ["ENG-OIL"]
    assert package.tasks[0][1] == round(1 - 400 / 312, 4)
    assert package.labour_h == pytest.approx((1.0 + 3.0) * 1.25)


def test_fleet_order_and_labour_totals():
    late = _fresh("G-LATE", "DHC8-400")
    late.last_done["CAB-EMER"] = (late.hours, late.cycles, late.day - 40)
    soon = _fresh("G-SOON")
    soon.last_done["TIRE-PRS"] = (soon.hours, soon.cycles, soon.day - 3)
    packages = plan_fleet([soon, _fresh("G-OK"), late], horizon=0.0)
    assert [p.tail for p in packages] == ["G-LATE", "G-SOON"]
    assert packages[0].overdue == ["CAB-EMER"]
    assert labour_by_type([soon, late], packages) == {"ATR72": 0.5, "DHC8-400": 1.32}


def test_planning_leaves_reference_data_untouched():
    before = copy.deepcopy(PROGRAMMES)
    ac = _fresh("G-X", "CRJ900")
    for code in CODES:
        ac.last_done[code] = (0.0, 0, 0)
    package = plan_aircraft(ac, horizon=0.1)
    package.zones.add("999")
    package.tasks.clear()
    assert before == PROGRAMMES
    assert programme_for("CRJ900") == before["CRJ900"]


def test_unknown_type_is_rejected():
    with pytest.raises(KeyError):
        plan_aircraft(_fresh(type_code="B737"), horizon=0.1)
