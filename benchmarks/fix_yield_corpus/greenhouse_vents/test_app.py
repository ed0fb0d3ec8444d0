import logging

import pytest
from app import Decision, Reading, VentController, vent_changes


def make_controller():
    return VentController({"north": 22.0, "south": 25.0})


def test_cool_zone_keeps_vents_closed():
    ctl = make_controller()
    d = ctl.step(Reading("north", 0, 18.0, 60.0, 10000.0))
    assert d == Decision("north", 0, 0, False)


def test_hot_zone_opens_vents_fully():
    ctl = make_controller()
    d = ctl.step(Reading("south", 0, 31.0, 50.0, 10000.0))
    assert d.vent_pct == 100


def test_humidity_adds_ventilation():
    ctl = make_controller()
    dry = ctl.step(Reading("north", 0, 22.5, 50.0, 0.0))
    ctl2 = make_controller()
    wet = ctl2.step(Reading("north", 0, 22.5, 90.0, 0.0))
    assert dry.vent_pct == 10
    assert wet.vent_pct == 25


def test_smoothing_dampens_spike():
    ctl = make_controller()
    ctl.step(Reading("north", 0, 22.0, 60.0, 0.0))
    d = ctl.step(Reading("north", 1, 32.0, 60.0, 0.0))
    assert ctl.zones["north"].smoothed_c == pytest.approx(25.0)
    assert d.vent_pct == 75


def test_shade_only_when_bright_and_warm():
    ctl = make_controller()
    assert ctl.step(Reading("south", 0, 27.0, 50.0, 70000.0)).shade is True
    ctl2 = make_controller()
    assert ctl2.step(Reading("south", 0, 20.0, 50.0, 70000.0)).shade is False


def test_unknown_zone_raises():
    with pytest.raises(KeyError):
        make_controller().step(Reading("east", 0, 20.0, 50.0, 0.0))


def test_run_logs_summary_and_debug_detail(caplog):
    ctl = make_controller()
    readings = [Reading("north", m, 20.0 + 3 * m, 60.0, 0.0) for m in range(4)]
    with caplog.at_level(logging.DEBUG, logger="greenhouse.vents"):
        decisions = ctl.run(readings)
    assert len(decisions) == 4
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(debug) == 4
    assert debug[0].startswith("minute 0: zone=north target=22.0 vent=0%")
    info = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert info == ["processed 4 readings, vents open in 2"]


def test_vent_changes_counts_transitions():
    decisions = [
        Decision("a", 0, 0, False),
        Decision("a", 1, 10, False),
        Decision("b", 1, 0, False),
        Decision("a", 2, 10, False),
        Decision("a", 3, 0, False),
    ]
    assert vent_changes(decisions) == {"a": 2, "b": 0}


def test_history_is_bounded():
    ctl = make_controller()
    ctl.run([Reading("north", m, 21.0, 60.0, 0.0) for m in range(300)])
    assert len(ctl.zones["north"].history) == 240
