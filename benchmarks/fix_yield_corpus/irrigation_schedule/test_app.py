import copy

import pytest
from app import CROP_PROFILES, Plot, Watering, build_schedule, crop_profile, total_litres


def test_unknown_crop_falls_back_to_default_profile():
    assert crop_profile("Quinoa") == CROP_PROFILES["default"]
    assert crop_profile("TOMATO")["window"] == {"start_hour": 4, "end_hour": 7}


def test_single_plot_litres_minutes_and_window():
    plot = Plot("p1", "tomato", "flowering", "sand", 100.0, rain_mm=2.0)
    # 9.0 * 1.4 - 2.0 = 10.6 mm over 100 m2
    assert build_schedule([plot], flow_lpm=40.0) == [Watering("p1", 4, 1060.0, 27)]


def test_minutes_capped_by_window_and_rain_skips():
    big = Plot("big", "lettuce", "vegetative", "loam", 10000.0)
    wet = Plot("wet", "maize", "ripening", "clay", 50.0, rain_mm=5.0)
    done = Plot("done", "maize", "harvested", "loam", 50.0)
    bolted = Plot("bolt", "lettuce", "bolted", "loam", 50.0)
    assert build_schedule([big, wet, done, bolted], flow_lpm=10.0) == [
        Watering("big", 6, 45000.0, 120)
    ]


def test_order_and_unknown_stage_and_soil():
    plots = [
        Plot("b", "maize", "vegetative", "loam", 20.0),
        Plot("a", "okra", "tasseling", "peat", 20.0),
        Plot("c", "tomato", "seedling", "clay", 20.0),
    ]
    sched = build_schedule(plots)
    assert [w.plot_id for w in sched] == ["c", "a", "b"]
    assert [w.litres for w in sched] == [75.0, 120.0, 130.0]
    assert total_litres(sched) == 325.0


def test_profiles_are_never_changed():
    before = copy.deepcopy(CROP_PROFILES)
    plots = [
        Plot(f"p{i}", crop, "flowering", "silt", 30.0, rain_mm=1.0)
        for i, crop in enumerate(["tomato", "maize", "lettuce", "kale"])
    ]
    build_schedule(plots)
    build_schedule(plots, flow_lpm=3.0)
    assert before == CROP_PROFILES


@pytest.mark.parametrize("flow", [1.0, 40.0, 500.0])
def test_minutes_positive_and_bounded(flow):
    plots = [Plot(str(i), "maize", "flowering", "sand", 5.0 + i) for i in range(20)]
    for w in build_schedule(plots, flow_lpm=flow):
        assert 1 <= w.minutes <= 240
