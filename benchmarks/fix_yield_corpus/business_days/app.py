"""Business-day due dates for support tickets, honouring regional holiday calendars.

Holidays are loaded once at startup into module-level state; the SLA engine then
asks for due dates many times per batch.
"""

from __future__ import annotations

import datetime as dt

WEEKEND = (5, 6)
HOLIDAYS = []
REGIONS = {}
SLA_HOURS = {"P1": 4, "P2": 16, "P3": 40, "P4": 80}
WORKDAY_HOURS = 8
DAY = dt.timedelta(days=1)

FIXED_HOLIDAYS = {
    "global": [(1, 1), (12, 25), (12, 26)],
    "us": [(7, 4), (11, 11), (6, 19)],
    "uk": [(5, 1), (8, 26)],
    "de": [(10, 3), (5, 1), (12, 24), (12, 31)],
}


def reset():
    HOLIDAYS.clear()
    REGIONS.clear()


def load_calendar(lines):
    """Parse ``YYYY-MM-DD region [name]`` lines into the module calendar."""
    count = 0
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        day = dt.date.fromisoformat(parts[0])
        region = parts[1] if len(parts) > 1 else "global"
        if day not in HOLIDAYS:
            HOLIDAYS.append(day)
        REGIONS.setdefault(region, []).append(day)
        count += 1
    HOLIDAYS.sort()
    return count


def generate_calendar(first_year, last_year, regions=("global",)):
    lines = []
    for year in range(first_year, last_year + 1):
        for region in regions:
            for month, day in FIXED_HOLIDAYS.get(region, []):
                lines.append(f"{year}-{month:02d}-{day:02d} {region}")
    return lines


def is_business_day(day):
    return day.weekday() not in WEEKEND and day not in HOLIDAYS


def add_business_days(start, days):
    current = start
    remaining = days
    while remaining > 0:
        current += DAY
        if is_business_day(current):
            remaining -= 1
    return current


def business_days_between(start, end):
    if end < start:
        return -business_days_between(end, start)
    count = 0
    current = start
    while current < end:
        current += DAY
        if is_business_day(current):
            count += 1
    return count


def due_date(opened, priority):
    hours = SLA_HOURS.get(priority, SLA_HOURS["P4"])
    days = -(-hours // WORKDAY_HOURS)
    start = opened
    while not is_business_day(start):
        start += DAY
    return add_business_days(start, days)


def sla_report(tickets, today):
    """tickets: iterable of (ticket_id, opened_date, priority). Returns rows sorted by due."""
    rows = []
    for ticket_id, opened, priority in tickets:
        due = due_date(opened, priority)
        left = business_days_between(today, due)
        status = "breached" if left < 0 else ("due" if left == 0 else "ok")
        rows.append({"id": ticket_id, "due": due, "days_left": left, "status": status})
    rows.sort(key=lambda r: (r["due"], r["id"]))
    return rows
