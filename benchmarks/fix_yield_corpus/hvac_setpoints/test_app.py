import logging

import pytest
from app import Command, Zone, compress, day_plan, outdoor_reset, preheat_slots, zone_setpoints

ZONE = Zone("F1-Z03", 1, 32, 72, True, (20.0, 19.8, 19.3))
NORTH = Zone("F2-Z01", 2, 30, 70, False, (21.0,))
FORECAST = [float(s % 20 - 5) for s in range(96)]


def test_outdoor_reset():
    assert [outdoor_reset(t) for t in (-3.0, 0.0, 7.5, 14.9, 15.0, 30.0)] == [
        0.0,
        0.0,
        -0.5,
        -0.99,
        -1.0,
        -1.0,
    ]


def test_preheat_slots():
    assert preheat_slots(ZONE, 3.0) == 5
    assert preheat_slots(ZONE, 6.0) == 3
    assert preheat_slots(NORTH, 3.0) == 4


def test_zone_setpoints_modes():
    assert zone_setpoints(ZONE, 10, 3.0) == Command("F1-Z03", 10, 16.0, 29.0, "unocc")
    assert zone_setpoints(ZONE, 30, 3.0) == Command("F1-Z03", 30, 20.8, 24.0, "preheat")
    assert zone_setpoints(ZONE, 50, 12.0) == Command("F1-Z03", 50, 20.2, 24.5, "occ")
    assert zone_setpoints(NORTH, 50, 12.0) == Command("F2-Z01", 50, 20.2, 24.0, "occ")
    assert zone_setpoints(ZONE, 72, 3.0).mode == "unocc"


def test_day_plan_shape():
    plan = day_plan([ZONE, NORTH], FORECAST)
    assert len(plan) == 192
    assert plan[96] == Command("F2-Z01", 0, 16.0, 29.0, "unocc")


def test_day_plan_rejects_short_forecast():
    with pytest.raises(ValueError, match="need 96 forecast slots, got 95"):
        day_plan([ZONE], FORECAST[:95])


def test_compress_keeps_changes_only():
    out = compress(day_plan([ZONE], FORECAST))
    steps = out["F1-Z03"]
    assert len(steps) == 37
    assert steps[:3] == [
        (0, 16.0, 29.0, "unocc"),
        (27, 20.87, 24.0, "preheat"),
        (28, 20.8, 24.0, "preheat"),
    ]
    assert steps[-2:] == [(71, 20.6, 24.0, "occ"), (72, 16.0, 29.0, "unocc")]
    assert (48, 20.8, 24.5, "occ") in steps


def test_compress_warm_day():
    out = compress(day_plan([NORTH], [20.0] * 96))
    assert out == {
        "F2-Z01": [
            (0, 16.0, 29.0, "unocc"),
            (28, 20.0, 24.0, "preheat"),
            (30, 20.0, 24.0, "occ"),
            (70, 16.0, 29.0, "unocc"),
        ]
    }


def test_debug_trace_message(caplog):
    with caplog.at_level(logging.DEBUG, logger="app"):
        zone_setpoints(ZONE, 30, 3.0)
    assert caplog.messages == [
        "zone=F1-Z03 floor=1 slot=30 outdoor=3.0 recent=[20.0, 19.8, 19.3] window=27-72 "
        "-> heat=20.80 cool=24.00 mode=preheat"
    ]
