from __future__ import annotations

from decimal import Decimal

from app import VENUE_CONFIG, Seat, SeatPricer, price_seat_map


def test_base_price_includes_booking_fee() -> None:
    assert SeatPricer().price(Seat("A", 3, 12)) == Decimal("91.50")
    assert SeatPricer().price(Seat("C", 30, 1)) == Decimal("66.50")


def test_modifiers_and_demand_multiply() -> None:
    pricer = SeatPricer(demand=1.2)
    seat = Seat("D", 5, 1, frozenset({"aisle", "restricted_view", "unknown"}))
    # 52 * 1.2 * 1.05 * 0.70 + 2.50
    assert pricer.price(seat) == Decimal("48.36")


def test_unmatched_seats_are_skipped() -> None:
    prices = price_seat_map([Seat("C", 2, 1), Seat("C", 12, 1), Seat("Z", 1, 1), Seat("F", 20, 9)])
    assert prices == {"C12-1": Decimal("66.50"), "F20-9": Decimal("33.50")}


def test_tier_boundaries() -> None:
    pricer = SeatPricer()
    assert pricer.tier_for(Seat("B", 8, 1))["name"] == "stalls-front"
    assert pricer.tier_for(Seat("B", 9, 1))["name"] == "stalls-rear"
    assert pricer.tier_for(Seat("D", 13, 1)) is None


def test_settings_cannot_corrupt_shared_config() -> None:
    pricer = SeatPricer()
    pricer.settings["tiers"][0]["base"] = "0.00"
    pricer.settings["modifiers"]["aisle"] = "9"
    assert VENUE_CONFIG["tiers"][0]["base"] == "89.00"
    assert pricer.price(Seat("A", 1, 1, frozenset({"aisle"}))) == Decimal("95.95")


def test_custom_config() -> None:
    config = {
        "booking_fee": "0",
        "tiers": [{"name": "pit", "sections": ["P"], "rows": [1, 1], "base": "10"}],
        "modifiers": {},
    }
    assert price_seat_map([Seat("P", 1, 4)], SeatPricer(config)) == {"P1-4": Decimal("10.00")}
