import pytest
from app import (
    CATCHMENT,
    FEEDER,
    LOOKED_AFTER,
    OTHER,
    SIBLING,
    Applicant,
    School,
    allocate,
    criterion,
    distance_km,
    rank_applicants,
)

NORTH = School("N", 2, 53.85, -1.55, ("LS6|OTLEY ROAD", "LS6|HEADINGLEY LANE"), ("P1",), (100, 101))
SOUTH = School("S", 1, 53.78, -1.55, ("LS12|TONG ROAD",), ("P9",), ())


def _app(
    app_id,
    prefs,
    family=0,
    street="LS8|NOWHERE",
    primary="P0",
    lat=53.84,
    lon=-1.55,
    looked_after=False,
):
    return Applicant(app_id, family, street, primary, lat, lon, tuple(prefs), looked_after)


def test_criteria_in_priority_order():
    args = (["LS6|OTLEY ROAD"], ["P1"], [100])
    assert criterion(_app(1, "N", family=100, looked_after=True), *args) == LOOKED_AFTER
    assert criterion(_app(1, "N", family=100, street="LS6|OTLEY ROAD"), *args) == SIBLING
    assert criterion(_app(1, "N", street="LS6|OTLEY ROAD", primary="P1"), *args) == CATCHMENT
    assert criterion(_app(1, "N", primary="P1"), *args) == FEEDER
    assert criterion(_app(1, "N"), *args) == OTHER
    assert criterion(_app(1, "N", street="LS6|OTLEY"), *args) == OTHER


def test_distance():
    assert distance_km(53.8, -1.55, 53.8, -1.55) == 0.0
    assert distance_km(53.8, -1.55, 53.9, -1.55) == pytest.approx(11.12, abs=0.01)


def test_ranking_breaks_ties_on_distance():
    apps = [
        _app(1, "N", lat=53.80),
        _app(2, "N", lat=53.84),
        _app(3, "N", primary="P1"),
        _app(4, "N", family=101, lat=53.70),
    ]
    ranked = rank_applicants(NORTH, apps)
    assert [r[2] for r in ranked] == [4, 3, 2, 1]
    assert [r[0] for r in ranked] == [SIBLING, FEEDER, OTHER, OTHER]
    assert ranked[2][1] == round(distance_km(53.84, -1.55, 53.85, -1.55), 3)


def test_allocation_by_preference_rounds():
    apps = [
        _app(1, "NS", street="LS6|HEADINGLEY LANE"),
        _app(2, "N", family=100, lat=53.70),
        _app(3, "NS", lat=53.849),  # nearest, but no priority: loses N
        _app(4, "SN", primary="P9"),
        _app(5, "N"),
    ]
    out = allocate([NORTH, SOUTH], apps)
    assert out["offers"] == {1: "N", 2: "N", 4: "S"}
    assert out["unplaced"] == 2
    assert out["vacancies"] == {}
    assert out["last_offer"]["N"][0] == CATCHMENT


def test_unknown_schools_and_spare_places():
    apps = [_app(1, ["X", "S"]), _app(2, ["X"])]
    out = allocate([NORTH, SOUTH], apps)
    assert out["offers"] == {1: "S"}
    assert out["unplaced"] == 1
    assert out["vacancies"] == {"N": 2}
    assert out["last_offer"]["N"] is None
    assert allocate([NORTH], [])["offers"] == {}
