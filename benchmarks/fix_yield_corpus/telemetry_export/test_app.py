from __future__ import annotations

from app import LineProtocolExporter, Reading, export_batch


def test_single_point_line() -> None:
    text, stats = export_batch([Reading("d1", "north", "temp", 21.5, 1000)])
    assert text == "iot_temp,device=d1,site=north value=21.5 1000\n"
    assert stats.points == 1


def test_integer_values_and_labels_sorted() -> None:
    reading = Reading("d2", "s", "co2", 412.0, 5, labels=(("zone", "b"), ("fw", "1.2")))
    text, _ = export_batch([reading], prefix="plant")
    assert text == "plant_co2,device=d2,site=s,fw=1.2,zone=b value=412i 5\n"


def test_tag_escaping() -> None:
    text, _ = export_batch([Reading("a,b", "main hall", "rh", 0.5, 1)])
    assert text == "iot_rh,device=a\\,b,site=main\\ hall value=0.5 1\n"


def test_nan_and_inf_skipped_and_counted() -> None:
    readings = [
        Reading("d", "s", "t", float("nan"), 1),
        Reading("d", "s", "t", float("inf"), 2),
        Reading("d", "s", "t", 3.0, 3),
        Reading("d", "s", "h", 1.25, 4),
    ]
    text, stats = export_batch(readings)
    assert text.splitlines() == [
        "iot_t,device=d,site=s value=3i 3",
        "iot_h,device=d,site=s value=1.25 4",
    ]
    assert stats.skipped == 2
    assert stats.by_metric == {"t": 1, "h": 1}


def test_flush_resets_and_nanosecond_precision() -> None:
    exporter = LineProtocolExporter(precision_ms=False)
    exporter.add(Reading("d", "s", "t", 1.5, 2))
    assert exporter.flush() == "iot_t,device=d,site=s value=1.5 2000000\n"
    assert exporter.flush() == ""
    exporter.add(Reading("d", "s", "t", 2.5, 3))
    assert exporter.flush().endswith("value=2.5 3000000\n")
