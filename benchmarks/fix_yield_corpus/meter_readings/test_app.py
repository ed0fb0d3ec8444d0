from __future__ import annotations

import pytest
from app import BadRead, MeterSeries, bill_line, bill_run, interval_usage, load_series, parse_read


def _read(meter: str, slot: int, register: int, quality: str = "A") -> str:
    return f"{meter},2026-01-01T{slot // 2:02d}:{30 * (slot % 2):02d},{register},{quality}"


def test_parse_read_fields() -> None:
    assert parse_read("MPAN-00042,2026-03-01T10:30,123456,E\n") == ("MPAN-00042", 123456, "E")


@pytest.mark.parametrize(
    "line",
    [
        "MPAN-00042,2026-03-01T10:30,123456,X",  # unknown quality flag
        "MPAN-0042,2026-03-01T10:30,123456,A",  # short meter id
        "MPAN-00042,2026-03-01T10:30,-5,A",  # negative register
        "MPAN-00042,2026-03-01T10:30,123456,AE",  # flag must be a single code
        "",
    ],
)
def test_parse_read_rejects_bad_lines(line: str) -> None:
    with pytest.raises(BadRead):
        parse_read(line)


def test_load_series_rejects_foreign_meter() -> None:
    with pytest.raises(BadRead):
        load_series("MPAN-00001", 1, [_read("MPAN-00001", 0, 5), _read("MPAN-00002", 1, 9)])


def test_interval_usage_applies_ct_ratio_in_order() -> None:
    series = MeterSeries("m1", 2, [1000, 1500, 1500, 4000])
    assert interval_usage(series) == [1.0, 0.0, 5.0]


def test_bill_line_totals() -> None:
    regs = [i * 500 for i in range(49)]  # 48 intervals of 0.5 kWh
    line = bill_line(MeterSeries("m3", 1, regs))
    assert line.kwh == 24.0
    assert line.peak_kw == 1.0
    assert line.days == 1
    assert line.amount == pytest.approx(0.53 + 24 * 0.245 + 4.10)
    empty = bill_line(MeterSeries("m5", 1, [7]))
    assert (empty.kwh, empty.peak_kw, empty.days, empty.amount) == (0.0, 0.0, 0, 0.0)


def test_bill_run_from_export_keeps_meter_order() -> None:
    exports = {
        f"MPAN-0000{i}": (
            1,
            [_read(f"MPAN-0000{i}", 0, 0), _read(f"MPAN-0000{i}", 1, 1000 * i, "S")],
        )
        for i in (3, 1, 2)
    }
    bills = bill_run(exports)
    assert [b.meter_id for b in bills] == ["MPAN-00003", "MPAN-00001", "MPAN-00002"]
    assert [b.kwh for b in bills] == [3.0, 1.0, 2.0]
