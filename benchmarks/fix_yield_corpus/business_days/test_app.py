import datetime as dt

import app
import pytest


@pytest.fixture(autouse=True)
def calendar():
    app.reset()
    app.load_calendar(
        [
            "# company calendar",
            "2024-12-25 global Christmas",
            "2024-12-26 global",
            "2025-01-01 global New Year",
            "2024-11-28 us Thanksgiving  # moved",
            "",
        ]
    )
    yield
    app.reset()


def test_load_calendar_counts_and_regions():
    app.reset()
    n = app.load_calendar(["2024-01-01 global", "2024-01-01 us", "2024-07-04"])
    assert n == 3
    assert app.REGIONS["global"] == [dt.date(2024, 1, 1), dt.date(2024, 7, 4)]
    assert app.REGIONS["us"] == [dt.date(2024, 1, 1)]


def test_is_business_day():
    assert app.is_business_day(dt.date(2024, 12, 24))
    assert not app.is_business_day(dt.date(2024, 12, 25))
    assert not app.is_business_day(dt.date(2024, 12, 28))  # Saturday
    assert not app.is_business_day(dt.date(2024, 11, 28))


def test_add_business_days_skips_holidays_and_weekends():
    assert app.add_business_days(dt.date(2024, 12, 23), 1) == dt.date(2024, 12, 24)
    assert app.add_business_days(dt.date(2024, 12, 24), 1) == dt.date(2024, 12, 27)
    assert app.add_business_days(dt.date(2024, 12, 27), 3) == dt.date(2025, 1, 2)
    assert app.add_business_days(dt.date(2024, 12, 27), 0) == dt.date(2024, 12, 27)


def test_business_days_between_is_signed():
    a, b = dt.date(2024, 12, 20), dt.date(2025, 1, 3)
    assert app.business_days_between(a, b) == 7
    assert app.business_days_between(b, a) == -7
    assert app.business_days_between(a, a) == 0


def test_due_date_rolls_weekend_open_forward():
    # opened Saturday before Christmas week, P2 = 2 business days
    assert app.due_date(dt.date(2024, 12, 21), "P2") == dt.date(2024, 12, 27)
    assert app.due_date(dt.date(2024, 12, 23), "P1") == dt.date(2024, 12, 24)
    assert app.due_date(dt.date(2024, 12, 23), "P9") == app.due_date(dt.date(2024, 12, 23), "P4")


def test_generate_calendar_lines():
    lines = app.generate_calendar(2030, 2031, ("global", "uk"))
    assert lines[:3] == ["2030-01-01 global", "2030-12-25 global", "2030-12-26 global"]
    assert len(lines) == 10
    assert "2031-08-26 uk" in lines


def test_sla_report_sorted_with_status():
    tickets = [
        ("T-2", dt.date(2024, 12, 23), "P3"),
        ("T-1", dt.date(2024, 12, 16), "P1"),
        ("T-3", dt.date(2024, 12, 20), "P2"),
    ]
    rows = app.sla_report(tickets, dt.date(2024, 12, 24))
    assert [r["id"] for r in rows] == ["T-1", "T-3", "T-2"]
    assert [r["status"] for r in rows] == ["breached", "due", "ok"]
    assert rows[0]["days_left"] == -5
    assert rows[2]["due"] == dt.date(2025, 1, 2)
