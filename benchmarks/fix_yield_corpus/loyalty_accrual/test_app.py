from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from app import DEFAULT_PROGRAMME, PointsEngine, Purchase

TUESDAY = date(2024, 2, 6)
SATURDAY = date(2024, 2, 10)


def _p(tier: str, category: str, amount: str, day: date = TUESDAY, member: str = "m1") -> Purchase:
    return Purchase(member, tier, category, Decimal(amount), day)


def test_base_points_use_tier_and_category_rates() -> None:
    engine = PointsEngine()
    assert engine.points_for(_p("bronze", "grocery", "100.00")) == 100
    assert engine.points_for(_p("silver", "fuel", "100.00")) == 62  # 62.5 rounded down
    assert engine.points_for(_p("gold", "gift_cards", "500.00")) == 0
    assert engine.points_for(_p("bronze", "garden", "10.99")) == 10  # unknown category -> 1.0


def test_weekend_dining_bonus_only_for_listed_tiers() -> None:
    engine = PointsEngine()
    assert engine.points_for(_p("silver", "dining", "40", SATURDAY)) == 115  # 40*(1.875+1)
    assert engine.points_for(_p("silver", "dining", "40", TUESDAY)) == 75
    assert engine.points_for(_p("bronze", "dining", "40", SATURDAY)) == 60


def test_dated_promotion_window_is_inclusive() -> None:
    engine = PointsEngine()
    assert engine.points_for(_p("bronze", "travel", "10", date(2024, 2, 29))) == 30
    assert engine.points_for(_p("bronze", "travel", "10", date(2024, 3, 1))) == 35
    assert engine.points_for(_p("bronze", "travel", "10", date(2024, 5, 31))) == 35
    assert engine.points_for(_p("bronze", "travel", "10", date(2024, 6, 1))) == 30


def test_unknown_tier_raises() -> None:
    with pytest.raises(KeyError):
        PointsEngine().points_for(_p("diamond", "grocery", "10"))


def test_accrue_applies_tier_cap_per_member() -> None:
    engine = PointsEngine()
    purchases = [
        _p("bronze", "travel", "1000", member="a"),
        _p("bronze", "travel", "1000", member="a"),
        _p("platinum", "travel", "1000", member="b"),
        _p("platinum", "travel", "1000", member="b"),
        _p("bronze", "grocery", "12.50", member="c"),
    ]
    assert engine.accrue(purchases) == {"a": 5000, "b": 12000, "c": 12}


def test_programme_is_not_modified_and_custom_programme_is_used() -> None:
    snapshot = copy.deepcopy(DEFAULT_PROGRAMME)
    PointsEngine().accrue(
        [_p("platinum", "electronics", "99.99"), _p("gold", "dining", "5", SATURDAY)]
    )
    assert snapshot == DEFAULT_PROGRAMME
    custom = copy.deepcopy(DEFAULT_PROGRAMME)
    custom["base_rate"] = "2.0"
    custom["promotions"] = []
    assert PointsEngine(custom).points_for(_p("platinum", "electronics", "10")) == 80
    assert PointsEngine().points_for(_p("platinum", "electronics", "10")) == 50
