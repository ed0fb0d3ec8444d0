from __future__ import annotations

import logging

import pytest
from app import FiringSchedule, Segment, track_firing


def _bisque() -> FiringSchedule:
    return FiringSchedule(
        "bisque",
        [Segment(100.0, 220.0, 30.0), Segment(150.0, 1000.0, 10.0), Segment(200.0, 600.0)],
    )


def test_knot_times_and_duration() -> None:
    sched = _bisque()
    assert sched.duration_min == pytest.approx(120.0 + 30.0 + 312.0 + 10.0 + 120.0)
    assert sched.setpoint(0) == 20.0
    assert sched.setpoint(10_000) == 600.0


def test_interpolates_ramp_and_hold() -> None:
    sched = _bisque()
    assert sched.setpoint(60.0) == pytest.approx(120.0)
    assert sched.setpoint(135.0) == pytest.approx(220.0)
    assert sched.setpoint(150.0 + 156.0) == pytest.approx(610.0)
    assert sched.setpoint(472.0 + 60.0) == pytest.approx(800.0)


def test_rejects_unsafe_targets() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        FiringSchedule("glaze", [Segment(100.0, 1400.0)])
    with pytest.raises(ValueError, match="rate"):
        FiringSchedule("glaze", [Segment(0.0, 900.0)])


def test_describe_lists_every_knot() -> None:
    text = _bisque().describe()
    assert text.splitlines()[0] == "bisque (592 min)"
    assert len(text.splitlines()) == 1 + 6


def test_track_firing_counts_overshoots() -> None:
    sched = _bisque()
    readings = [(60.0, 121.0), (135.0, 250.0), (306.0, 600.0), (592.0, 640.0)]
    log = track_firing(sched, readings)
    assert log.samples == 4
    assert log.overshoots == [135.0, 592.0]
    assert log.max_error_c == pytest.approx(40.0)


def test_debug_log_still_emitted(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="app"):
        _bisque().setpoint(60.0)
    assert any("setpoint lookup at 60.0 in knot 0" in r.getMessage() for r in caplog.records)
    assert any("#05 t=" in r.getMessage() for r in caplog.records)
