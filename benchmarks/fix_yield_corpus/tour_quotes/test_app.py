import copy

import pytest
from app import BASE_PRICING, Booking, TourOperator, quote_all


def test_base_quote_with_children_extras_and_season():
    op = TourOperator("Alpine")
    total, line = op.quote(Booking("Glacier walk", 100.0, 7, 2, 1, ("guide", "lunch")))
    # (125 + 63) * 2.6 = 488.8 -> no discount -> rounded to 0.5
    assert total == 489.0
    assert line == "Alpine: Glacier walk (high, 2+1, -0%) 489.00 EUR"


def test_group_discount_picks_the_largest_tier_reached():
    op = TourOperator("Alpine")
    assert [op.discount_pct(n) for n in (7, 8, 11, 12, 19, 20, 50)] == [0, 5, 5, 8, 8, 12, 12]
    total, _ = op.quote(Booking("City", 20.0, 2, 10))
    assert total == 161.5  # 20 * 0.85 * 10 = 170, -5% = 161.5


def test_overrides_replace_whole_sections():
    op = TourOperator(
        "Nordic",
        {"currency": "NOK", "rounding": 10.0, "group_discounts": [{"min_size": 2, "pct": 50}]},
    )
    total, line = op.quote(Booking("Fjord", 1000.0, 4, 2, extras=("transfer", "spa")))
    assert total == 1030.0  # (1000 + 30) * 2 * 0.5
    assert line.endswith("-50%) 1030.00 NOK")


def test_overrides_never_leak_into_base_or_other_operators():
    before = copy.deepcopy(BASE_PRICING)
    a = TourOperator("A", {"currency": "USD", "extras": {"guide": 1.0}})
    b = TourOperator("B")
    a.quote(Booking("t", 50.0, 8, 3, extras=("guide",)))
    lines = quote_all(b, [Booking("t", 50.0, 8, 3, extras=("guide",))])
    assert before == BASE_PRICING
    assert lines == ["B: t (high, 3+0, -0%) 322.50 EUR"]
    assert a.pricing["extras"] == {"guide": 1.0}
    assert b.pricing["extras"]["guide"] == 45.0


def test_bad_month_is_rejected():
    with pytest.raises(ValueError):
        TourOperator("A").quote(Booking("t", 10.0, 13, 1))
