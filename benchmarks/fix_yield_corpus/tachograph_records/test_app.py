from __future__ import annotations

import pytest
from app import (
    Activity,
    Download,
    DownloadError,
    SpeedSummary,
    check_hours,
    fleet_report,
    read_download,
    write_download,
)
from workload import make_input, run

T0 = 1_714_000_000


def _trace(speeds, start=T0):
    return [(start + i, kmh, 0) for i, kmh in enumerate(speeds)]


def _acts():
    return [Activity(0, "driving", 0, 360, 120), Activity(0, "break", 0, 480, 45)]


def test_round_trip_decodes_activities():
    dl = read_download(write_download("VU-1", _acts(), _trace([10, 20])))
    assert dl.registration == "VU-1"
    assert dl.version == 3
    assert dl.activities == _acts()
    assert dl.speed.samples == 2


def test_bad_magic_and_crc_rejected():
    blob = write_download("VU-1", _acts(), _trace([10, 20, 30]))
    with pytest.raises(DownloadError, match="magic"):
        read_download(b"XXXX" + blob[4:])
    with pytest.raises(DownloadError, match="CRC"):
        read_download(blob[:-1] + b"\xff")
    with pytest.raises(DownloadError):
        read_download(blob[:10])


def test_overspeed_events_and_max():
    s = read_download(write_download("V", [], _trace([80, 95, 96, 85, 91, 70]))).speed
    assert s.max_kmh == 96
    assert s.overspeed_seconds == 3
    assert s.overspeed_events == 2


def test_harsh_braking_and_gaps():
    trace = [*_trace([60, 60, 45, 44]), (T0 + 10, 20, 0), (T0 + 11, 5, 0)]
    s = read_download(write_download("V", [], trace)).speed
    assert s.harsh_brakes == [T0 + 2, T0 + 11]
    assert s.gaps == 1


def test_no_signal_samples_break_continuity():
    trace = [(T0, 60, 0), (T0 + 1, 0, 1), (T0 + 2, 40, 0)]
    s = read_download(write_download("V", [], trace)).speed
    assert s.no_signal == 1
    assert s.harsh_brakes == []
    assert s.gaps == 0


def test_continuous_driving_infringement():
    acts = [Activity(0, "driving", 0, 360, 200), Activity(0, "driving", 0, 560, 100)]
    dl = Download("V", 3, acts, SpeedSummary())
    assert [i.rule for i in check_hours(dl)] == ["continuous driving"]
    acts.insert(1, Activity(0, "break", 0, 560, 45))
    assert check_hours(dl) == []


def test_daily_limit_with_extensions():
    acts = []
    for day in range(3):
        for k in range(5):
            acts.append(Activity(0, "driving", day, 300 + k * 200, 120))
            acts.append(Activity(0, "break", day, 420 + k * 200, 60))
    infringements = check_hours(Download("V", 3, acts, SpeedSummary()), extended_days=2)
    assert [(i.day, i.rule) for i in infringements] == [(2, "daily driving")]


def test_co_driver_slot_ignored():
    acts = [Activity(1, "driving", 0, 0, 700)]
    assert check_hours(Download("V", 3, acts, SpeedSummary())) == []


def test_fleet_report_skips_damaged(caplog):
    good = write_download("VU-1", _acts(), _trace([100, 80]))
    report = fleet_report([good, good[:-1] + b"\x01"])
    assert report == {"VU-1": {"infringements": 0, "overspeed_events": 1, "harsh_brakes": 1}}
    assert "CRC" in caplog.text


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data) > 0
