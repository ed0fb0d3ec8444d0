from __future__ import annotations

from datetime import date

import pytest
from app import (
    Performance,
    PricingError,
    SeatPricer,
    SectionRule,
    centre_factor,
    demand_multiplier,
    house_report,
    round_to_ending,
    row_index,
    sightline_discount,
)

RULE = SectionRule(base=100.0, floor=30.0, ceiling=180.0, row_step=0.05, centre_premium=0.2)
# 2025-09-04 is a Thursday: weekday factor 1.0
NEUTRAL = Performance("P1", "Hamlet", date(2025, 9, 4), False, 0.4, 20)


def _seat(seat_id="STA-A1", row="A", number=1, **overrides):
    seat = {
        "id": seat_id,
        "section": "stalls",
        "row": row,
        "number": number,
        "attributes": {},
        "sightline": {"stage_distance_m": 10.0, "angle_deg": 0.0, "obstructions": []},
        "sale_history": [],
    }
    seat.update(overrides)
    return seat


@pytest.fixture
def pricer() -> SeatPricer:
    return SeatPricer({"stalls": RULE})


def test_row_and_centre_helpers():
    assert row_index("A") == 0
    assert row_index("c") == 2
    assert row_index("AA") == 26
    with pytest.raises(PricingError):
        row_index("1")
    assert centre_factor(5, 9) == 1.0
    assert centre_factor(1, 9) == 0.0
    assert centre_factor(1, 1) == 1.0


def test_demand_multiplier():
    assert demand_multiplier(NEUTRAL) == pytest.approx(1.0)
    saturday = Performance("P2", "Hamlet", date(2025, 9, 6), True, 0.9, 1)
    assert demand_multiplier(saturday) == pytest.approx(1.25 * 0.9 * 1.32 * 1.1)


def test_rounding_and_sightline():
    assert round_to_ending(42.74) == 42.5
    assert round_to_ending(42.76) == 43.0
    assert round_to_ending(42.1) == 42.0
    discount, notes = sightline_discount(
        {"angle_deg": 45, "obstructions": [{"what": "pillar", "severity": 0.6}]}
    )
    assert discount == pytest.approx(0.43)
    assert notes == ["restricted view", "side view"]


def test_price_centre_front_seat(pricer):
    seats = [_seat(f"STA-A{n}", number=n) for n in range(1, 6)]
    prices = {p.seat_id: p for p in pricer.price_performance(NEUTRAL, seats)}
    assert prices["STA-A3"].price == 120.0
    assert prices["STA-A1"].price == 100.0
    assert prices["STA-A3"].band == "B"


def test_attributes_history_and_access(pricer):
    seats = [
        _seat("STA-C1", row="C", number=1, attributes={"aisle": True}),
        _seat("STA-C2", row="C", number=2, sale_history=[50.0, 60.0]),
        _seat("STA-C3", row="C", number=3, attributes={"wheelchair": True}),
    ]
    prices = {p.seat_id: p for p in pricer.price_performance(NEUTRAL, seats)}
    assert prices["STA-C1"].price == 93.5
    assert "aisle" in prices["STA-C1"].notes
    assert prices["STA-C2"].price == 71.5
    assert prices["STA-C3"].price == 30.0
    assert prices["STA-C3"].notes[-1] == "access rate"


def test_skips_held_killed_and_unknown_sections(pricer):
    seats = [
        _seat("STA-A1", number=1),
        _seat("STA-A2", number=2, killed=True),
        _seat("STA-A3", number=3),
        _seat("BOX-A1", number=1, section="boxes"),
    ]
    prices = pricer.price_performance(NEUTRAL, seats, unavailable=["STA-A3"])
    assert [p.seat_id for p in prices] == ["STA-A1"]


def test_price_clamped_to_ceiling_and_house_cap():
    rule = SectionRule(base=300.0, floor=50.0, ceiling=400.0, row_step=0.0, centre_premium=0.0)
    pricer = SeatPricer({"stalls": rule}, house_cap=250.0)
    [price] = pricer.price_performance(NEUTRAL, [_seat()])
    assert price.price == 250.0


def test_seat_map_unchanged_and_repeatable(pricer):
    seats = [_seat("STA-B2", row="B", number=2, sale_history=[80.0]) for _ in range(1)]
    snapshot = repr(seats)
    first = pricer.price_performance(NEUTRAL, seats)
    second = pricer.price_performance(NEUTRAL, seats)
    assert first == second
    assert repr(seats) == snapshot


def test_house_report(pricer):
    seats = [_seat(f"STA-A{n}", number=n) for n in range(1, 4)]
    report = house_report(pricer.price_performance(NEUTRAL, seats))
    assert report["potential_gross"] == 320.0
    assert report["average_by_section"] == {"stalls": pytest.approx(106.67)}
    assert sum(report["bands"].values()) == 3
