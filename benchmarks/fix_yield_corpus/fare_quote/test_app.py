from __future__ import annotations

from datetime import date

import pytest
from app import BookingRequest, FareBook, NoFareError, quote_all


def make_book() -> FareBook:
    rule = {
        "base": 10_000,
        "seasons": [{"from": 6, "to": 8, "factor_pct": 150}],
        "advance_purchase": [
            {"within_days": 7, "uplift": 5_000},
            {"within_days": 14, "uplift": 2_000},
        ],
        "fees": [
            {"code": "YQ", "amount": 1_000, "per_pax": True},
            {"code": "SVC", "amount": 300, "per_pax": False},
        ],
        "bags_included": 1,
        "bag_fee": 2_500,
        "tax_pct": 10,
    }
    business = dict(rule, base=40_000, bags_included=2)
    return FareBook({"LHR-CDG": {"Y": rule, "J": business}})


def req(**kwargs: object) -> BookingRequest:
    fields: dict = dict(
        origin="LHR",
        destination="CDG",
        fare_class="Y",
        depart=date(2027, 3, 1),
        passengers=2,
    )
    fields.update(kwargs)
    return BookingRequest(**fields)


def test_off_season_quote() -> None:
    quote = make_book().quote(req())
    assert quote.base == 20_000
    assert quote.surcharges == (("YQ", 2_000), ("SVC", 300))
    assert quote.taxes == 2_000
    assert quote.total == 24_300


def test_peak_season_late_booking_and_bags() -> None:
    quote = make_book().quote(req(depart=date(2027, 7, 10), days_before_departure=10, bags=4))
    assert quote.base == (15_000 + 2_000) * 2
    assert quote.surcharges[-1] == ("BAG", 5_000)
    assert quote.taxes == 3_400


def test_unknown_route_or_class() -> None:
    book = make_book()
    with pytest.raises(NoFareError):
        book.quote(req(destination="FRA"))
    with pytest.raises(NoFareError):
        book.quote(req(fare_class="F"))


def test_cheapest_picks_lowest_total_and_skips_missing() -> None:
    quote = make_book().cheapest(req(bags=6), ("F", "J", "Y"))
    assert quote.fare_class == "Y"
    assert quote.total == 20_000 + 2_300 + 10_000 + 2_000


def test_quoting_does_not_change_rules() -> None:
    book = make_book()
    first = quote_all(book, [req(), req(depart=date(2027, 7, 1)), req()])
    assert first[0] == first[2] == 24_300
    assert quote_all(book, [req()]) == [24_300]
