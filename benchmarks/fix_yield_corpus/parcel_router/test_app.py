from __future__ import annotations

import logging

import pytest
from app import Parcel, assign, depot_for, describe, postcode_area, sort_inbound, weight_band


def test_postcode_area() -> None:
    assert postcode_area(" eh1 1yz") == "EH"
    assert postcode_area("G12 8QQ") == "G"
    assert postcode_area("B3 2PT") == "B"


def test_depot_for_and_fallback() -> None:
    assert depot_for("EH1 1YZ") == "north"
    assert depot_for("sw1a 1aa") == "south"
    assert depot_for("BS8 1TH") == "west"
    assert depot_for("ZE1 0AA") == "midlands"


def test_weight_band_edges_and_oversize() -> None:
    assert weight_band(Parcel("t", "B1", 2.0, (10, 10, 10))) == "small"
    assert weight_band(Parcel("t", "B1", 2.01, (10, 10, 10))) == "medium"
    assert weight_band(Parcel("t", "B1", 30.0, (10, 10, 10))) == "large"
    assert weight_band(Parcel("t", "B1", 30.5, (10, 10, 10))) == "freight"
    assert weight_band(Parcel("t", "B1", 1.0, (121, 10, 10))) == "freight"


def test_describe() -> None:
    bulky = describe(Parcel("TRK2", "B1 1AA", 2.0, (100, 50, 40)))
    assert bulky.endswith("(200.0 L, chargeable 40.00kg)")
    text = describe(Parcel("TRK1", " pl1 2aa", 3.5, (20, 10, 5)))
    assert text == "TRK1 to PL1 2AA 3.50kg 20x10x5cm (1.0 L, chargeable 3.50kg)"


def test_assign_logs_description_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    parcel = Parcel("TRK9", "TR1 1AA", 12.0, (40, 30, 20))
    with caplog.at_level(logging.DEBUG, logger="app"):
        result = assign(parcel)
    assert (result.depot, result.band) == ("west", "large")
    assert (
        "cage west/large: TRK9 to TR1 1AA 12.00kg 40x30x20cm (24.0 L, chargeable 12.00kg)"
        in caplog.messages
    )


def test_sort_inbound_counts_cages() -> None:
    parcels = [
        Parcel("a", "EH1 1YZ", 1.0, (10, 10, 10)),
        Parcel("b", "EH2 2AB", 1.5, (10, 10, 10)),
        Parcel("c", "SO14 3AB", 50.0, (10, 10, 10)),
    ]
    assignments, cages = sort_inbound(parcels)
    assert [a.tracking for a in assignments] == ["a", "b", "c"]
    assert cages == {"north/small": 2, "south/freight": 1}
