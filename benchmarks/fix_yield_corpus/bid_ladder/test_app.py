from __future__ import annotations

import pytest
from app import Bid, Lot, auction_takings, close_auction, hammer_price, settle_lot


def _lot(lot_id: str, reserve: float, *amounts: float) -> Lot:
    return Lot(lot_id, reserve, [Bid(f"b{i}", a) for i, a in enumerate(amounts)])


def test_hammer_price_is_highest_bid_regardless_of_order() -> None:
    assert hammer_price(_lot("L1", 0.0, 40.0, 125.5, 99.0, 125.0)) == 125.5
    assert hammer_price(_lot("L2", 0.0, 7.0)) == 7.0


def test_hammer_price_with_no_bids_is_zero() -> None:
    assert hammer_price(Lot("L3", 10.0)) == 0.0


def test_lot_below_reserve_is_not_sold() -> None:
    settlement = settle_lot(_lot("L4", 200.0, 150.0, 180.0))
    assert settlement.sold is False
    assert settlement.hammer == 180.0
    assert settlement.total == 0.0


def test_premium_and_total_for_sold_lot() -> None:
    settlement = settle_lot(_lot("L5", 100.0, 80.0, 160.0, 120.0))
    assert settlement.sold is True
    assert settlement.premium == 20.0
    assert settlement.total == 180.0


def test_premium_is_capped() -> None:
    settlement = settle_lot(_lot("L6", 0.0, 50_000.0))
    assert settlement.premium == 2500.0
    assert settlement.total == 52_500.0


def test_close_auction_and_takings() -> None:
    lots = [_lot("A", 10.0, 8.0, 20.0), _lot("B", 50.0, 10.0), Lot("C", 0.0)]
    results = close_auction(lots)
    assert list(results) == ["A", "B", "C"]
    assert [r.sold for r in results.values()] == [True, False, False]
    assert auction_takings(results) == pytest.approx(22.5)
