import pytest
from app import encode_frame, iter_frames, report, service_epochs, summarise


def _s(level, flag=0, wave=40, res=0):
    return (level, res, wave, flag)


def test_frame_round_trip():
    samples = [(1200, 14, 80, 0), (-35, -220, 0, 0), (5000, 3, 65535, 2)]
    buf = encode_frame("PLYM", 1000, 60, samples)
    (frame,) = list(iter_frames(buf))
    assert frame.station == "PLYM"
    assert frame.start_epoch == 1000 and frame.interval_s == 60
    assert frame.samples == samples


def test_summary_skips_flagged_samples_and_finds_surges():
    buf = encode_frame("DOVR", 0, 30, [_s(7000), _s(7200, wave=310), _s(9000, flag=1), _s(6900)])
    buf += encode_frame("DOVR", 600, 30, [_s(7150)])
    s = summarise(buf)["DOVR"]
    assert s.good == 4 and s.rejected == 1 and s.serviced == 0
    assert s.low_mm == 6900 and s.high_mm == 7200
    assert s.max_wave_cm == 310
    assert s.surge_epochs == [30, 600]
    assert s.mean_mm == pytest.approx((7000 + 7200 + 6900 + 7150) / 4)


def test_service_windows_drop_samples():
    assert service_epochs([(95, 150)], 30) == [90, 120, 150]
    buf = encode_frame("PLYM", 0, 30, [_s(6000), _s(9000), _s(100), _s(200), _s(5000)])
    (row,) = report(buf, service_epochs([(30, 90)], 30))
    assert row["serviced"] == 3 and row["rejected"] == 0
    assert row["range_mm"] == (5000, 6000)
    assert row["surges"] == 1 and row["first_surge"] == 0


def test_unknown_station_uses_default_threshold():
    buf = encode_frame("WHBY", 50, 10, [_s(6100), _s(5900)])
    (row,) = report(buf)
    assert row["station"] == "WHBY"
    assert row["surges"] == 1 and row["first_surge"] == 50
    assert row["range_mm"] == (5900, 6100)


def test_report_sorted_by_station_and_truncation_detected():
    buf = encode_frame("PLYM", 0, 30, [_s(1)]) + encode_frame("ABDN", 0, 30, [_s(2)])
    assert [r["station"] for r in report(buf)] == ["ABDN", "PLYM"]
    with pytest.raises(ValueError):
        list(iter_frames(encode_frame("BRST", 0, 30, [_s(1), _s(2)])[:-2]))
