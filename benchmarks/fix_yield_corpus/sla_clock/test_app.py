from datetime import date

from app import (
    HOLIDAYS,
    Priority,
    Ticket,
    add_business_days,
    breach_report,
    company_holidays,
    due_date,
    is_business_day,
)


def test_known_holidays_and_observed_dates():
    assert date(2025, 11, 27) in HOLIDAYS and date(2025, 11, 28) in HOLIDAYS
    assert date(2021, 7, 5) in HOLIDAYS  # July 4th on a Sunday
    assert date(2022, 12, 23) in HOLIDAYS  # Christmas Eve on a Saturday
    assert date(2025, 5, 26) in HOLIDAYS
    year = company_holidays(range(2025, 2026))
    assert year == sorted(year) and len(year) == 12
    assert year[0] == date(2025, 1, 1) and year[-1] == date(2025, 12, 31)


def test_is_business_day():
    assert is_business_day(date(2025, 3, 3))
    assert not is_business_day(date(2025, 3, 1))
    assert not is_business_day(date(2025, 1, 20))


def test_add_business_days_skips_weekend_and_holidays():
    assert add_business_days(date(2025, 11, 25), 2) == date(2025, 12, 1)
    assert add_business_days(date(2025, 12, 20), 0) == date(2025, 12, 22)
    assert add_business_days(date(2025, 3, 7), 1) == date(2025, 3, 10)


def test_due_date_uses_priority_and_pauses():
    t = Ticket("SUP-1", date(2025, 3, 3), Priority.NORMAL)
    assert due_date(t) == date(2025, 3, 10)
    assert due_date(Ticket("SUP-2", date(2025, 3, 3), Priority.NORMAL, paused_days=2)) == date(
        2025, 3, 12
    )


def test_breach_report_buckets_in_order():
    tickets = [
        Ticket("A", date(2025, 2, 3), Priority.URGENT),
        Ticket("B", date(2025, 3, 3), Priority.NORMAL),
        Ticket("C", date(2025, 3, 7), Priority.HIGH),
        Ticket("D", date(2025, 1, 2), Priority.LOW),
    ]
    report = breach_report(tickets, date(2025, 3, 10))
    assert report == {"breached": ["A", "D"], "due_today": ["B"], "ok": ["C"]}
