"""Compute support-ticket SLA due dates in business days, skipping weekends and holidays."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

logger = logging.getLogger(__name__)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def company_holidays(years: range) -> list[date]:
    days: list[date] = []
    for y in years:
        days += [_observed(date(y, 1, 1)), _nth_weekday(y, 1, 0, 3), _nth_weekday(y, 2, 0, 3)]
        days += [_last_weekday(y, 5, 0), _observed(date(y, 6, 19)), _observed(date(y, 7, 4))]
        days += [
            _nth_weekday(y, 9, 0, 1),
            _nth_weekday(y, 11, 3, 4),
            _nth_weekday(y, 11, 3, 4) + timedelta(days=1),
        ]
        days += [_observed(date(y, 12, 24)), _observed(date(y, 12, 25)), _observed(date(y, 12, 31))]
    return sorted(set(days))


HOLIDAYS = company_holidays(range(2015, 2036))


class Priority(Enum):
    URGENT = 1
    HIGH = 2
    NORMAL = 5
    LOW = 10


@dataclass(frozen=True)
class Ticket:
    key: str
    opened: date
    priority: Priority
    paused_days: int = 0


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def add_business_days(start: date, days: int) -> date:
    current = start
    while not is_business_day(current):
        current += timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def due_date(ticket: Ticket) -> date:
    return add_business_days(ticket.opened, ticket.priority.value + ticket.paused_days)


def breach_report(tickets: list[Ticket], today: date) -> dict[str, list[str]]:
    report: dict[str, list[str]] = {"breached": [], "due_today": [], "ok": []}
    for ticket in tickets:
        due = due_date(ticket)
        bucket = "breached" if due < today else "due_today" if due == today else "ok"
        report[bucket].append(ticket.key)
    logger.info("sla report for %s: %d breached", today, len(report["breached"]))
    return report
