import math

import pytest
from app import SiteProfile, SurveyPlanner, Target, default_site


@pytest.fixture
def planner() -> SurveyPlanner:
    return SurveyPlanner(default_site())


def test_airmass_zenith_and_horizon():
    assert SurveyPlanner.airmass(90.0) == pytest.approx(1.0)
    assert SurveyPlanner.airmass(30.0) == pytest.approx(2.0)
    assert SurveyPlanner.airmass(0.0) == math.inf


def test_target_below_ridge_is_rejected(planner):
    t = Target("low-east", altitude_deg=10.0, azimuth_deg=90.0, magnitude=12.0, band="V")
    assert planner.score(t) is None


def test_unknown_band_and_too_faint(planner):
    assert planner.score(Target("x", 60.0, 200.0, 12.0, "H")) is None
    assert planner.score(Target("y", 60.0, 200.0, 22.0, "V")) is None


def test_score_value(planner):
    t = Target("m13", altitude_deg=60.0, azimuth_deg=200.0, magnitude=14.0, band="V", priority=2)
    am = SurveyPlanner.airmass(60.0)
    expected = round(((20.4 - 0.15 * am - 14.0) * 1.0 - 15.0 * 0.004) * 2, 4)
    assert planner.score(t) == expected


def test_rank_orders_by_score_then_name(planner):
    targets = [
        Target("b", 70.0, 200.0, 15.0, "R"),
        Target("a", 70.0, 200.0, 15.0, "R"),
        Target("c", 70.0, 200.0, 12.0, "R"),
        Target("d", 5.0, 200.0, 12.0, "R"),
    ]
    names = [n for n, _ in planner.rank(targets)]
    assert names == ["c", "a", "b"]


def test_rank_limit(planner):
    targets = [Target(f"t{i}", 50.0 + i, 180.0, 13.0 + i * 0.1, "V") for i in range(10)]
    assert len(planner.rank(targets, limit=3)) == 3


def test_scoring_does_not_mutate_site(planner):
    before = planner._site["horizon_mask"][:5]
    planner.rank([Target("z", 45.0, 10.0, 13.0, "B")])
    assert planner._site["horizon_mask"][:5] == before
    assert planner.site_name == "Hillcrest Observatory"


def test_empty_mask_site():
    site = SiteProfile(
        "flat",
        0.0,
        horizon_mask=[],
        filters={"V": {"extinction": 0.1, "limit": 20.0, "weight": 1.0}},
    )
    p = SurveyPlanner(site)
    assert p.score(Target("q", 5.0, 0.0, 10.0, "V")) is None  # airmass > 2.5
    assert p.score(Target("r", 45.0, 0.0, 10.0, "V")) is not None
