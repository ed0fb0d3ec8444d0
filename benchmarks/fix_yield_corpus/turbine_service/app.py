"""Wind turbine maintenance planner.

Reads each turbine's service history and component condition, works out which
maintenance tasks are due under the fleet policy (by operating hours, calendar
days, or condition), ranks them by risk, and books them into the days of the
planning horizon whose wind forecast allows climbing or crane work, within the
technician hours available per site.
"""

from __future__ import annotations

import copy
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

log = logging.getLogger(__name__)

CLIMB_LIMIT_MS = 12.0
CRANE_LIMIT_MS = 8.0


@dataclass(frozen=True)
class TaskRule:
    code: str
    component: str
    interval_hours: int | None
    interval_days: int | None
    crew_hours: float
    needs_crane: bool = False
    condition_trigger: float | None = None  # condition score at/below which it is due anyway


@dataclass
class ServiceEvent:
    done_on: date
    task_code: str
    component: str
    hours_at_service: int
    technicians: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    parts: list[tuple[str, int]] = field(default_factory=list)
    unplanned: bool = False


@dataclass
class Turbine:
    turbine_id: str
    site: str
    model: str
    operating_hours: int
    condition: dict[str, float]
    service_log: list[ServiceEvent] = field(default_factory=list)
    rated_mw: float = 3.0


@dataclass(frozen=True)
class WorkOrder:
    turbine_id: str
    site: str
    task_code: str
    component: str
    crew_hours: float
    risk: float
    reason: str
    scheduled_for: date | None = None


def last_service(history: Sequence[ServiceEvent]) -> dict[str, ServiceEvent]:
    """Most recent event per task code."""
    latest: dict[str, ServiceEvent] = {}
    for event in history:
        seen = latest.get(event.task_code)
        if seen is None or event.done_on > seen.done_on:
            latest[event.task_code] = event
    return latest


def unplanned_failures(history: Sequence[ServiceEvent], since: date) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for event in history:
        if event.unplanned and event.done_on >= since:
            counts[event.component] += 1
    return counts


def open_findings(history: Sequence[ServiceEvent]) -> set[str]:
    """Components whose latest visit left a finding that has not been cleared since."""
    flagged: dict[str, tuple[date, bool]] = {}
    for event in history:
        prev = flagged.get(event.component)
        if prev is None or event.done_on >= prev[0]:
            flagged[event.component] = (event.done_on, bool(event.findings))
    return {component for component, (_, has) in flagged.items() if has}


def due_reason(
    rule: TaskRule, turbine: Turbine, last: ServiceEvent | None, today: date
) -> str | None:
    if last is None:
        return "never performed"
    if rule.interval_hours is not None:
        run = turbine.operating_hours - last.hours_at_service
        if run >= rule.interval_hours:
            return f"{run} h since last ({rule.interval_hours} h interval)"
    if rule.interval_days is not None:
        age = (today - last.done_on).days
        if age >= rule.interval_days:
            return f"{age} days since last ({rule.interval_days} day interval)"
    score = turbine.condition.get(rule.component)
    if rule.condition_trigger is not None and score is not None and score <= rule.condition_trigger:
        return f"condition {score:.2f} at/below {rule.condition_trigger:.2f}"
    return None


def risk_score(
    rule: TaskRule, turbine: Turbine, failures: dict[str, int], findings: set[str]
) -> float:
    condition = turbine.condition.get(rule.component, 1.0)
    risk = (1.0 - condition) * 10.0 + failures.get(rule.component, 0) * 3.0
    if rule.component in findings:
        risk += 4.0
    return round(risk * turbine.rated_mw, 3)


class MaintenancePlanner:
    def __init__(self, rules: dict[str, list[TaskRule]], crew_hours_per_day: float = 24.0) -> None:
        self.rules = rules
        self.crew_hours_per_day = crew_hours_per_day

    def due_work(self, turbine: Turbine, today: date) -> list[WorkOrder]:
        rules = self.rules.get(turbine.model)
        if rules is None:
            log.warning("no maintenance policy for model %s", turbine.model)
            return []
        orders = self._orders_from_history(turbine, copy.deepcopy(turbine.service_log), today)
        return sorted(orders, key=lambda o: (-o.risk, o.task_code))

    def _orders_from_history(
        self, turbine: Turbine, history: list[ServiceEvent], today: date
    ) -> list[WorkOrder]:
        latest = last_service(history)
        failures = unplanned_failures(history, today - timedelta(days=365))
        findings = open_findings(history)
        orders = []
        for rule in self.rules[turbine.model]:
            reason = due_reason(rule, turbine, latest.get(rule.code), today)
            if reason is None and rule.component in findings and failures.get(rule.component):
                reason = "open finding with repeat failures"
            if reason is None:
                continue
            orders.append(
                WorkOrder(
                    turbine.turbine_id,
                    turbine.site,
                    rule.code,
                    rule.component,
                    rule.crew_hours,
                    risk_score(rule, turbine, failures, findings),
                    reason,
                )
            )
        return orders

    def plan(
        self,
        turbines: Iterable[Turbine],
        today: date,
        forecast: dict[str, list[float]],
    ) -> tuple[list[WorkOrder], list[WorkOrder]]:
        """Book due work into forecast days. Returns (scheduled, deferred)."""
        crane_codes = {r.code for rules in self.rules.values() for r in rules if r.needs_crane}
        by_site: dict[str, list[WorkOrder]] = defaultdict(list)
        for turbine in turbines:
            by_site[turbine.site].extend(self.due_work(turbine, today))

        scheduled: list[WorkOrder] = []
        deferred: list[WorkOrder] = []
        for site in sorted(by_site):
            winds = forecast.get(site, [])
            capacity = [self.crew_hours_per_day] * len(winds)
            queue = sorted(by_site[site], key=lambda o: (-o.risk, o.turbine_id, o.task_code))
            for order in queue:
                limit = CRANE_LIMIT_MS if order.task_code in crane_codes else CLIMB_LIMIT_MS
                slot = next(
                    (
                        d
                        for d, wind in enumerate(winds)
                        if wind <= limit and capacity[d] >= order.crew_hours
                    ),
                    None,
                )
                if slot is None:
                    deferred.append(order)
                    continue
                capacity[slot] -= order.crew_hours
                booked = WorkOrder(
                    order.turbine_id,
                    order.site,
                    order.task_code,
                    order.component,
                    order.crew_hours,
                    order.risk,
                    order.reason,
                    today + timedelta(days=slot),
                )
                scheduled.append(booked)
        return scheduled, deferred


def plan_summary(scheduled: Sequence[WorkOrder], deferred: Sequence[WorkOrder]) -> dict:
    hours_by_day: dict[str, float] = defaultdict(float)
    for order in scheduled:
        assert order.scheduled_for is not None
        hours_by_day[order.scheduled_for.isoformat()] += order.crew_hours
    return {
        "scheduled": len(scheduled),
        "deferred": len(deferred),
        "deferred_risk": round(sum(o.risk for o in deferred), 3),
        "hours_by_day": dict(sorted(hours_by_day.items())),
    }


def default_policy() -> list[TaskRule]:
    return [
        TaskRule("GBX-OIL", "gearbox", 8000, 365, 6.0, condition_trigger=0.55),
        TaskRule("GBX-ENDO", "gearbox", None, 730, 4.0, condition_trigger=0.4),
        TaskRule("MB-GREASE", "main_bearing", 4000, 180, 3.0),
        TaskRule("BLD-INSP", "blades", None, 365, 8.0, condition_trigger=0.6),
        TaskRule("BLD-LE", "blades", None, 1095, 16.0, needs_crane=True, condition_trigger=0.35),
        TaskRule("PITCH-BAT", "pitch", None, 730, 4.0),
        TaskRule("YAW-BRK", "yaw", 10000, 545, 5.0, condition_trigger=0.5),
        TaskRule("GEN-BRUSH", "generator", 6000, None, 3.0, condition_trigger=0.5),
        TaskRule("CONV-FILT", "converter", None, 180, 2.0),
        TaskRule("TWR-BOLT", "tower", None, 1825, 12.0),
        TaskRule("HV-INSP", "transformer", None, 365, 3.0, condition_trigger=0.45),
        TaskRule("SAFE-LADDER", "tower", None, 365, 2.0),
    ]
