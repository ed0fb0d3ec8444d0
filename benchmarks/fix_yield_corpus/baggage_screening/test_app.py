from __future__ import annotations

import pytest
from app import (
    Bag,
    BaggageScreener,
    Item,
    Placement,
    Verdict,
    flight_summary,
    normalise_un,
    screen_items,
)


def _bag(items: list[Item], placement: Placement = Placement.HOLD, weight: float = 20.0) -> Bag:
    return Bag("TAG1", "P1", placement, weight, tuple(items))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("UN 1266", "UN1266"), ("un1950", "UN1950"), ("336", "UN0336"), ("", None), (None, None)],
)
def test_normalise_un(raw: str | None, expected: str | None) -> None:
    assert normalise_un(raw) == expected


def test_everyday_items_clear() -> None:
    verdict, findings = screen_items(_bag([Item("shirt"), Item("book")]))
    assert verdict is Verdict.CLEARED
    assert findings == []


def test_forbidden_item_rejects_bag() -> None:
    verdict, findings = screen_items(_bag([Item("fireworks", "UN0336", 300), Item("shirt")]))
    assert verdict is Verdict.REJECTED
    assert any("UN0336 forbidden" in f for f in findings)


def test_camping_gas_forbidden_but_perfume_allowed() -> None:
    assert screen_items(_bag([Item("gas", "UN2000", 450)]))[0] is Verdict.REJECTED
    assert screen_items(_bag([Item("perfume", "UN1266", 100, True)]))[0] is Verdict.CLEARED


def test_power_bank_must_be_in_cabin() -> None:
    hold = screen_items(_bag([Item("power bank", "UN3480", 1)]))
    cabin = screen_items(_bag([Item("power bank", "UN3480", 1)], Placement.CABIN))
    assert hold[0] is Verdict.REMOVE_ITEMS
    assert cabin[0] is Verdict.CLEARED


def test_quantity_limit_and_cabin_liquids() -> None:
    items = [Item("whisky", "UN1170", 700, True), Item("whisky", "UN1170", 700, True)]
    verdict, findings = screen_items(_bag(items))
    assert verdict is Verdict.REMOVE_ITEMS
    assert "UN1170: 1400 exceeds limit of 1000" in findings
    verdict, findings = screen_items(_bag([Item("perfume", "UN1266", 150, True)], Placement.CABIN))
    assert verdict is Verdict.REMOVE_ITEMS


def test_fees_for_weight_and_extra_pieces() -> None:
    screener = BaggageScreener()
    bags = [
        Bag("A", "P1", Placement.HOLD, 25.0, ()),
        Bag("B", "P1", Placement.HOLD, 33.0, ()),
        Bag("C", "P1", Placement.CABIN, 9.0, ()),
    ]
    res = screener.screen_passenger("P1", "Y", bags)
    # A: 2 kg over 23 -> 25.0; B: heavy 150 + 10 kg * 12.5 + extra piece 75
    assert [b.excess_fee for b in res.bags] == [25.0, 350.0, 0.0]
    assert res.total_fees == 375.0
    assert res.may_board


def test_flight_summary_counts() -> None:
    bags = [
        Bag("A", "P1", Placement.HOLD, 20.0, (Item("shirt"),)),
        Bag("B", "P2", Placement.HOLD, 20.0, (Item("flare", "UN0404", 10),)),
        Bag("C", "P3", Placement.HOLD, 20.0, (Item("lighter", "UN1057", 1),)),
    ]
    results = BaggageScreener().screen_flight({"P1": "Y", "P2": "J"}, bags)
    summary = flight_summary(results)
    assert summary["bags"] == 3.0
    assert summary["cleared"] == 1.0
    assert summary["rejected"] == 1.0
    assert summary["remove_items"] == 1.0
    assert summary["passengers_held"] == 1.0
    assert not results["P2"].may_board
