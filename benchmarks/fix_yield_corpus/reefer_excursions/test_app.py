import logging

import pytest
from app import ExcursionMonitor, Reading, mean_kinetic_temperature, voyage_report

T0 = 1_700_000_000


def _series(cid, temps, setpoint=4.0, step=300, **flags):
    return [Reading(cid, T0 + i * step, t, t + 1.0, setpoint, **flags) for i, t in enumerate(temps)]


def test_mean_kinetic_temperature():
    assert mean_kinetic_temperature([5.0, 5.0, 5.0]) == pytest.approx(5.0)
    mkt = mean_kinetic_temperature([2.0, 8.0])
    assert 5.0 < mkt < 8.0  # weighted toward the warmer reading
    with pytest.raises(ValueError):
        mean_kinetic_temperature([])


def test_high_excursion_detected_with_smoothing():
    temps = [4.0] * 5 + [9.0] * 8 + [4.0] * 10
    rep = ExcursionMonitor(smoothing=1).analyse("C1", _series("C1", temps))
    (exc,) = rep.excursions
    assert exc.kind == "high" and exc.peak_c == 9.0
    assert (exc.start, exc.end) == (T0 + 5 * 300, T0 + 12 * 300) and exc.minutes == 35
    assert rep.compromised and rep.readings == 23
    smoothed = ExcursionMonitor(smoothing=5).analyse("C1", _series("C1", temps)).excursions
    assert (
        len(smoothed) == 1
        and smoothed[0].start > exc.start
        and smoothed[0].peak_c == pytest.approx(9.0)
    )


def test_short_and_low_excursions():
    short = [4.0] * 3 + [9.0] * 2 + [4.0] * 3  # 5 minutes: below the 10-minute floor
    assert ExcursionMonitor(smoothing=1).analyse("C", _series("C", short)).excursions == []
    low = [4.0] * 2 + [0.5, 0.0, 0.8, 1.0] + [4.0] * 2
    (exc,) = ExcursionMonitor(smoothing=1).analyse("C", _series("C", low)).excursions
    assert exc.kind == "low" and exc.peak_c == 0.0 and exc.minutes == 15
    rep = ExcursionMonitor(smoothing=1).analyse("C", _series("C", low))
    assert not rep.compromised


def test_door_open_and_power_gaps():
    rows = _series("D", [4.0, 4.1, 4.2])
    rows.append(Reading("D", T0 + 900, 20.0, 21.0, 4.0, door_open=True))
    rows.append(Reading("D", T0 + 3000, 4.0, 5.0, 4.0))  # 35-minute gap
    rows.append(Reading("D", T0 + 3300, 4.0, 5.0, 4.0, power_ok=False))
    rep = ExcursionMonitor().analyse("D", list(reversed(rows)))
    assert rep.readings == 6 and rep.door_events == 1 and rep.power_gaps == 2
    assert rep.excursions == []
    assert rep.mkt_c == pytest.approx(mean_kinetic_temperature([4.0, 4.1, 4.2, 4.0, 4.0]), abs=0.01)


def test_voyage_report_groups_and_sorts(caplog):
    rows = _series("B2", [-18.0] * 4, setpoint=-18.0) + _series("A1", [4.0] * 3)
    rows += [Reading("C3", T0, 30.0, 30.0, 4.0, door_open=True)]
    with caplog.at_level(logging.DEBUG, logger="reefer.excursions"):
        reports = voyage_report(rows)
    assert [r.container for r in reports] == ["A1", "B2", "C3"]
    assert reports[1].mkt_c == -18.0 and reports[2].mkt_c is None
    assert any("B2" in m and "window=[-18.00" in m for m in caplog.messages)


def test_debug_trace_format(caplog):
    with caplog.at_level(logging.DEBUG, logger="reefer.excursions"):
        ExcursionMonitor(smoothing=2).analyse("Z9", _series("Z9", [4.0, 5.0]))
    trace = [m for m in caplog.messages if m.startswith("Z9 ")]
    assert trace[1] == (
        "Z9 2023-11-14T22:18:20Z supply=5.00 return=6.00 set=4.0 "
        "smoothed=4.500 dev=+0.500 window=[4.00, 5.00]"
    )
