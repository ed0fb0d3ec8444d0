"""Timesheet import: classify weekly time entries by charge code and roll them up for payroll."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

#: charge-code shapes accepted by the cost ledger, checked in order (first match wins)
CHARGE_CODE_RULES: list[tuple[str, str]] = [
    (r"CAP-(\d{4})-([A-Z])$", "capital"),
    (r"MNT-(\d{4})-([A-Z])$", "maintenance"),
    (r"OPS-([A-Z]{2,4})$", "operations"),
    (r"OH-([A-Z]{3})$", "overhead"),
    (r"TRN-(\d{2})$", "training"),
    (r"(PTO|SICK|HOL)$", "leave"),
]
BILLABLE = frozenset({"capital", "maintenance"})
WEEKLY_STRAIGHT_TIME = 40.0


@dataclass(frozen=True)
class Entry:
    employee: str
    day: int
    code: str
    hours: float


@dataclass
class EmployeeWeek:
    employee: str
    hours_by_bucket: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    projects: set[str] = field(default_factory=set)

    @property
    def worked(self) -> float:
        return sum(h for b, h in self.hours_by_bucket.items() if b != "leave")

    @property
    def overtime(self) -> float:
        return round(max(0.0, self.worked - WEEKLY_STRAIGHT_TIME), 2)


class CodeError(ValueError):
    pass


def classify_code(code: str) -> tuple[str, tuple[str, ...]]:
    """The bucket of a charge code and the parts its rule captures."""
    normalized = code.strip().upper()
    for pattern, bucket in CHARGE_CODE_RULES:
        found = re.match(pattern, normalized)
        if found:
            return bucket, found.groups()
    raise CodeError(f"unrecognised charge code {code!r}")


def import_week(entries: list[Entry]) -> dict:
    """Roll entries up per employee; bad codes and over-long days are rejected."""
    weeks: dict[str, EmployeeWeek] = {}
    day_totals: dict[tuple[str, int], float] = defaultdict(float)
    rejected: list[tuple[Entry, str]] = []
    for entry in entries:
        try:
            bucket, parts = classify_code(entry.code)
        except CodeError as exc:
            rejected.append((entry, str(exc)))
            continue
        key = (entry.employee, entry.day)
        if day_totals[key] + entry.hours > 16.0:
            rejected.append((entry, "more than 16 hours in a day"))
            continue
        day_totals[key] += entry.hours
        week = weeks.get(entry.employee)
        if week is None:
            week = weeks[entry.employee] = EmployeeWeek(entry.employee)
        week.hours_by_bucket[bucket] += entry.hours
        if bucket in BILLABLE:
            week.projects.add(parts[0])
    billable = sum(h for w in weeks.values() for b, h in w.hours_by_bucket.items() if b in BILLABLE)
    return {
        "employees": len(weeks),
        "billable_hours": round(billable, 2),
        "overtime": {e: w.overtime for e, w in sorted(weeks.items()) if w.overtime},
        "projects": sorted({p for w in weeks.values() for p in w.projects}),
        "rejected": rejected,
    }
