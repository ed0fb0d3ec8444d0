import logging

import pytest
from app import Limits, Waypoint, bearing_deg, check_mission, haversine_m, lawnmower
from workload import make_input, run

HOME = Waypoint("HOME", 45.0, -122.0, 0.0, 0.0)


def test_geodesy_helpers():
    assert haversine_m(45, -122, 45.001, -122) == pytest.approx(111.19492664426889)
    assert bearing_deg(45, -122, 45, -121.99) == pytest.approx(89.99646446610188)
    assert bearing_deg(45, -122, 44.9, -122) == pytest.approx(180.0)


def test_lawnmower_pattern():
    route = lawnmower(HOME, 40, 100, 20, 60.0, 10.0)
    assert [(w.label, w.lat, w.lon) for w in route] == [
        ("L0a", 45.0, -122.0),
        ("L0b", 45.0008983, -122.0),
        ("L1a", 45.0008983, -121.9997459),
        ("L1b", 45.0, -121.9997459),
        ("L2a", 45.0, -121.9994918),
        ("L2b", 45.0008983, -121.9994918),
    ]
    assert all(w.alt_m == 60.0 and w.speed_ms == 10.0 for w in route)


def test_clean_mission():
    route = lawnmower(HOME, 40, 100, 20, 60.0, 10.0)
    assert check_mission(HOME, route) == {
        "legs": 6,
        "distance_m": 339.6,
        "flight_time_s": 34.0,
        "energy_wh": 2.45,
        "violations": [],
    }


def test_altitude_fence_and_battery_violations():
    route = [
        Waypoint("A", 45.001, -122.0, 150.0, 2.0),
        Waypoint("B", 45.02, -122.0, 100.0, 15.0),
        Waypoint("C", 45.0, -122.0, 0.0, 5.0),
    ]
    assert check_mission(HOME, route, Limits(battery_wh=5.0)) == {
        "legs": 3,
        "distance_m": 4447.8,
        "flight_time_s": 641.2,
        "energy_wh": 33.94,
        "violations": [
            "A: altitude 150 m above 120 m",
            "B: 2224 m from home, outside geofence",
            "battery reserve -578.7% below 20%",
        ],
    }


def test_climb_and_descent_rates():
    route = [
        Waypoint("UP", 45.0003, -122.0, 100.0, 10.0),
        Waypoint("DOWN", 45.0006, -122.0, 10.0, 10.0),
    ]
    result = check_mission(HOME, route)
    assert result["violations"] == [
        "UP: climb 30.0 m/s exceeds 5.0",
        "DOWN: descent 27.0 m/s exceeds 3.0",
    ]
    assert (result["distance_m"], result["flight_time_s"], result["energy_wh"]) == (66.7, 6.7, 1.58)


def test_debug_log_records_each_leg(caplog):
    route = [Waypoint("UP", 45.0003, -122.0, 100.0, 10.0)]
    with caplog.at_level(logging.DEBUG, logger="mission.check"):
        check_mission(HOME, route)
    assert [r.getMessage() for r in caplog.records] == [
        'leg 1 HOME->UP: {"battery_left_pct": 98.43, "climb_ms": 29.977, "dist_m": 33.36, "energy_wh": 1.4168, '  # noqa: E501
        '"from": ["HOME", 45.0, -122.0, 0.0], "heading": 0.0, "leg": 1, "to": ["UP", 45.0003, -122.0, 100.0]}'  # noqa: E501
    ]


def test_workload_first_mission():
    home, route, limits = make_input()[0]
    result = check_mission(home, route, limits)
    assert (result["legs"], result["distance_m"], result["energy_wh"]) == (43, 20262.1, 127.03)
    assert len(result["violations"]) == 43
    assert result["violations"][-1] == "battery reserve 15.3% below 20%"


def test_workload_checksum():
    assert run(make_input()) == 2460543.9
