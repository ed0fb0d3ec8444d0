from __future__ import annotations

import pytest
from app import Courier, Dispatcher, Job, dispatch_batch, haversine_km, summarize

BASE_LAT, BASE_LON = 52.52, 13.40


def test_picks_the_closest_courier() -> None:
    couriers = [
        Courier("far", BASE_LAT + 0.03, BASE_LON),
        Courier("near", BASE_LAT + 0.001, BASE_LON),
        Courier("mid", BASE_LAT + 0.01, BASE_LON),
    ]
    [a] = dispatch_batch(couriers, [Job("j1", BASE_LAT, BASE_LON)])
    assert a.courier_id == "near"
    assert a.distance_km == pytest.approx(0.111, abs=0.002)


def test_tie_goes_to_earlier_courier_in_roster() -> None:
    couriers = [
        Courier("east", BASE_LAT, BASE_LON + 0.02),
        Courier("north", BASE_LAT + 0.01, BASE_LON),
        Courier("west", BASE_LAT, BASE_LON - 0.03),
        Courier("north_dup", BASE_LAT + 0.01, BASE_LON),
    ]
    job = Job("j1", BASE_LAT, BASE_LON)
    assert Dispatcher(couriers).assign(job).courier_id == "north"
    assert Dispatcher(couriers[::-1]).assign(job).courier_id == "north_dup"


def test_car_jobs_only_go_to_cars_and_inactive_are_skipped() -> None:
    couriers = [
        Courier("bike1", BASE_LAT, BASE_LON, vehicle="bike"),
        Courier("car_off", BASE_LAT + 0.001, BASE_LON, vehicle="car", active=False),
        Courier("car1", BASE_LAT + 0.02, BASE_LON, vehicle="car"),
    ]
    jobs = [Job("big", BASE_LAT, BASE_LON, needs_car=True), Job("small", BASE_LAT, BASE_LON)]
    big, small = dispatch_batch(couriers, jobs)
    assert big.courier_id == "car1"
    assert small.courier_id == "bike1"


def test_out_of_range_job_is_unassigned() -> None:
    couriers = [Courier("c1", BASE_LAT + 0.5, BASE_LON)]
    [a] = dispatch_batch(couriers, [Job("j1", BASE_LAT, BASE_LON)])
    assert a.courier_id is None
    assert a.notes == ["unassigned"]


def test_eta_uses_vehicle_speed() -> None:
    lat2 = BASE_LAT + 0.05
    couriers = [Courier("s1", lat2, BASE_LON, vehicle="scooter")]
    [a] = dispatch_batch(couriers, [Job("j1", BASE_LAT, BASE_LON)])
    dist = haversine_km(lat2, BASE_LON, BASE_LAT, BASE_LON)
    assert a.eta_min == round(dist / 28.0 * 60.0, 1)


def test_summary_counts_and_mean_eta() -> None:
    couriers = [Courier("c1", BASE_LAT + 0.02, BASE_LON), Courier("c2", BASE_LAT - 0.04, BASE_LON)]
    jobs = [Job("a", BASE_LAT, BASE_LON), Job("b", BASE_LAT - 0.04, BASE_LON), Job("x", 48.1, 11.5)]
    result = dispatch_batch(couriers, jobs)
    assert [a.courier_id for a in result] == ["c1", "c2", None]
    stats = summarize(result)
    assert stats["jobs"] == 3.0 and stats["assigned"] == 2.0
    assert stats["mean_eta_min"] == round((result[0].eta_min + result[1].eta_min) / 2, 2)
