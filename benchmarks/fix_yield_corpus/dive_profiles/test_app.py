import copy

from app import (
    LIMITS,
    NDL_TABLES,
    DiveLog,
    DiveReport,
    ambient_bar,
    check_dive,
    check_logbook,
    ndl_minutes,
)

GOOD = [(0, 0.0), (60, 9.0), (120, 15.0), (600, 15.0), (720, 5.0), (900, 5.0), (960, 0.0)]


def log(level="AOW", gas="air", samples=GOOD, start_bar=200.0, sac=15.0, diver="Ama"):
    return DiveLog(diver, level, gas, 12.0, start_bar, sac, list(samples))


def test_ambient_bar():
    assert ambient_bar(0) == 1.013
    assert abs(ambient_bar(30) - 4.013) < 1e-12


def test_ndl_lookup():
    assert ndl_minutes(NDL_TABLES["air"], 9.5) == 219
    assert ndl_minutes(NDL_TABLES["air"], 18.0) == 56
    assert ndl_minutes(NDL_TABLES["air"], 18.1) == 45
    assert ndl_minutes(NDL_TABLES["ean36"], 29.0) == 0


def test_clean_dive_report():
    report = check_dive(log())
    assert report == DiveReport("Ama", 15.0, 10.9, 16.0, 158.0, [])


def test_depth_and_gas_violations_for_open_water():
    samples = [(0, 0.0), (120, 22.0), (600, 22.0), (780, 5.0), (960, 5.0), (1020, 0.0)]
    report = check_dive(log(level="OW", gas="ean32", samples=samples))
    assert report.flags == [
        "gas ean32 not permitted for OW",
        "depth 22.0 m beyond 18 m",
    ]
    assert report.max_depth == 22.0
    assert report.minutes == 17.0


def test_ppo2_limits():
    samples = [(0, 0.0), (120, 34.0), (300, 34.0), (480, 10.0), (540, 5.0), (720, 5.0), (780, 0.0)]
    working = check_dive(log(level="DL", gas="ean32", samples=samples))
    assert working == DiveReport("Ama", 34.0, 17.5, 13.0, 155.2, ["ppO2 1.41 beyond working limit"])
    samples = [(0, 0.0), (120, 36.0), (240, 36.0), (420, 10.0), (480, 5.0), (660, 5.0), (720, 0.0)]
    contingency = check_dive(log(level="DL", gas="ean36", samples=samples))
    assert contingency.flags == [
        "ppO2 1.66 beyond contingency",
        "square profile 12 min over NDL 0 min",
    ]


def test_fast_ascent_short_stop_and_low_gas():
    samples = [
        (0, 0.0),
        (60, 20.0),
        (1500, 20.0),
        (1560, 8.0),
        (1620, 5.0),
        (1680, 5.0),
        (1700, 0.0),
    ]
    report = check_dive(log(level="AOW", samples=samples, start_bar=150.0, sac=20.0))
    assert report == DiveReport(
        "Ama",
        20.0,
        18.2,
        28.3,
        16.1,
        [
            "2 fast ascent interval(s)",
            "safety stop short (120 s)",
            "surfaced with 16 bar",
        ],
    )


def test_square_profile_over_ndl():
    samples = [
        (0, 0.0),
        (60, 25.0),
        (1800, 25.0),
        (1980, 8.0),
        (2040, 5.0),
        (2220, 5.0),
        (2280, 0.0),
    ]
    report = check_dive(log(level="DL", samples=samples, sac=10.0))
    assert report == DiveReport(
        "Ama", 25.0, 21.3, 38.0, 100.3, ["square profile 38 min over NDL 29 min"]
    )


def test_limits_table_left_untouched():
    before = copy.deepcopy(LIMITS)
    check_logbook([log(), log(level="OW", gas="ean36")])
    assert before == LIMITS


def test_check_logbook_groups_by_diver_in_order():
    logs = [log(diver="Bex"), log(diver="Ama", level="OW"), log(diver="Bex", gas="ean32")]
    result = check_logbook(logs)
    assert list(result) == ["Bex", "Ama"]
    assert [r.end_bar for r in result["Bex"]] == [158.0, 158.0]
    assert result["Ama"][0].flags == []
