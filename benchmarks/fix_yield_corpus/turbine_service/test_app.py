from __future__ import annotations

from datetime import date, timedelta

import pytest
from app import (
    MaintenancePlanner,
    ServiceEvent,
    TaskRule,
    Turbine,
    default_policy,
    last_service,
    open_findings,
    plan_summary,
    unplanned_failures,
)

TODAY = date(2025, 6, 2)

RULES = [
    TaskRule("GBX-OIL", "gearbox", 8000, 365, 6.0, condition_trigger=0.5),
    TaskRule("BLD-LE", "blades", None, 1000, 16.0, needs_crane=True),
    TaskRule("CONV-FILT", "converter", None, 180, 2.0),
]


def _event(days_ago: int, code: str, component: str, hours: int, **kw) -> ServiceEvent:
    return ServiceEvent(TODAY - timedelta(days=days_ago), code, component, hours, **kw)


def _turbine(log, condition=None, hours=50_000, site="A", tid="WTG-1") -> Turbine:
    cond = {"gearbox": 0.9, "blades": 0.9, "converter": 0.9}
    cond.update(condition or {})
    return Turbine(tid, site, "V112", hours, cond, log)


@pytest.fixture
def planner() -> MaintenancePlanner:
    return MaintenancePlanner({"V112": RULES}, crew_hours_per_day=20.0)


def test_last_service_picks_latest():
    history = [
        _event(300, "GBX-OIL", "gearbox", 40_000),
        _event(10, "GBX-OIL", "gearbox", 49_000),
        _event(100, "GBX-OIL", "gearbox", 47_000),
    ]
    assert last_service(history)["GBX-OIL"].hours_at_service == 49_000


def test_failures_and_findings():
    history = [
        _event(400, "GBX-OIL", "gearbox", 1, unplanned=True),
        _event(30, "GBX-OIL", "gearbox", 2, unplanned=True),
        _event(20, "BLD-LE", "blades", 3, findings=["erosion"]),
        _event(50, "CONV-FILT", "converter", 3, findings=["dust"]),
        _event(5, "CONV-FILT", "converter", 4),
    ]
    assert unplanned_failures(history, TODAY - timedelta(days=365)) == {"gearbox": 1}
    assert open_findings(history) == {"blades"}


def test_due_by_hours_days_and_condition(planner):
    log = [
        _event(10, "GBX-OIL", "gearbox", 41_000),
        _event(100, "BLD-LE", "blades", 48_000),
        _event(200, "CONV-FILT", "converter", 46_000),
    ]
    orders = {o.task_code: o for o in planner.due_work(_turbine(log), TODAY)}
    assert set(orders) == {"GBX-OIL", "CONV-FILT"}
    assert orders["GBX-OIL"].reason.startswith("9000 h since last")
    assert "200 days" in orders["CONV-FILT"].reason

    fresh = [_event(1, c, comp, 50_000) for c, comp in (("GBX-OIL", "gearbox"),)]
    worn = planner.due_work(_turbine(fresh, {"gearbox": 0.4}), TODAY)
    gbx = [o for o in worn if o.task_code == "GBX-OIL"]
    assert gbx and gbx[0].reason.startswith("condition 0.40")


def test_never_performed_and_risk_order(planner):
    orders = planner.due_work(_turbine([], {"blades": 0.3}), TODAY)
    assert orders[0].task_code == "BLD-LE"
    assert all(o.reason == "never performed" for o in orders)
    assert orders[0].risk == pytest.approx(7.0 * 3.0)


def test_unknown_model_has_no_work(planner):
    turbine = Turbine("X", "A", "legacy", 10, {}, [])
    assert planner.due_work(turbine, TODAY) == []


def test_history_not_modified(planner):
    log = [_event(500, "CONV-FILT", "converter", 1, technicians=["T1"], findings=["dust"])]
    turbine = _turbine(log)
    planner.due_work(turbine, TODAY)
    planner.due_work(turbine, TODAY)
    assert turbine.service_log == [
        _event(500, "CONV-FILT", "converter", 1, technicians=["T1"], findings=["dust"])
    ]


def test_plan_respects_wind_and_capacity(planner):
    turbines = [_turbine([], tid=f"WTG-{n}") for n in range(2)]
    forecast = {"A": [10.0, 5.0, 15.0]}
    scheduled, deferred = planner.plan(turbines, TODAY, forecast)
    crane = [o for o in scheduled if o.task_code == "BLD-LE"]
    assert all(o.scheduled_for == TODAY + timedelta(days=1) for o in crane)
    assert len(crane) == 1
    assert [o.task_code for o in deferred] == ["BLD-LE"]
    summary = plan_summary(scheduled, deferred)
    assert summary["scheduled"] == 5
    assert summary["deferred"] == 1
    assert all(hours <= 20.0 for hours in summary["hours_by_day"].values())


def test_site_without_forecast_defers_everything(planner):
    scheduled, deferred = planner.plan([_turbine([], site="B")], TODAY, {"A": [1.0]})
    assert scheduled == []
    assert len(deferred) == 3


def test_default_policy_codes_unique():
    codes = [rule.code for rule in default_policy()]
    assert len(codes) == len(set(codes))
