from __future__ import annotations

import logging

import pytest
from app import CART_LIMITS, OrderLine, plan_waves, wave_manifest


def _line(order: str, sku: str, bin_code: str, qty: int = 1, w: float = 0.5) -> OrderLine:
    return OrderLine(order, sku, bin_code, qty, w)


def test_waves_follow_zone_order_and_bin_order() -> None:
    lines = [
        _line("o1", "s1", "C-02-1"),
        _line("o2", "s2", "A-10-1"),
        _line("o3", "s3", "A-02-3"),
        _line("o4", "s4", "COLD-01-1"),
        _line("o5", "s5", "X-01-1"),
    ]
    waves = plan_waves(lines)
    assert [(w.wave_id, w.zone) for w in waves] == [
        ("W0001", "A"),
        ("W0002", "C"),
        ("W0003", "COLD"),
        ("W0004", "X"),
    ]
    assert [ln.bin_code for ln in waves[0].lines] == ["A-02-3", "A-10-1"]


def test_cart_limits_split_waves() -> None:
    lines = [_line(f"o{i}", f"s{i}", f"B-{i:02d}-1", qty=25, w=0.1) for i in range(5)]
    waves = plan_waves(lines)
    assert [w.units for w in waves] == [50, 50, 25]
    heavy = [_line(f"h{i}", f"s{i}", f"A-{i:02d}-1", qty=2, w=10.0) for i in range(4)]
    assert [w.weight_kg for w in plan_waves(heavy)] == [40.0, 40.0]
    for w in plan_waves(lines + heavy):
        assert w.units <= CART_LIMITS["max_units"]
        assert w.weight_kg <= CART_LIMITS["max_weight_kg"]


def test_oversized_line_is_skipped_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    lines = [_line("o1", "big", "A-01-1", qty=61), _line("o2", "ok", "A-02-1")]
    with caplog.at_level(logging.WARNING, logger="app"):
        waves = plan_waves(lines)
    assert [ln.sku for w in waves for ln in w.lines] == ["ok"]
    assert "line o1/big too large for one cart" in caplog.text


def test_debug_log_shows_running_wave_summary(caplog: pytest.LogCaptureFixture) -> None:
    lines = [_line("o1", "s1", "A-01-1", qty=2, w=0.25), _line("o2", "s2", "A-03-2", qty=1)]
    with caplog.at_level(logging.DEBUG, logger="app"):
        plan_waves(lines)
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert messages == [
        "added s1 to wave: W0001[A] 2u 0.5kg: A-01-1x2",
        "added s2 to wave: W0001[A] 3u 1.0kg: A-01-1x2, A-03-2x1",
    ]


def test_no_debug_output_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="app"):
        plan_waves([_line("o1", "s1", "A-01-1")])
    assert caplog.records == []


def test_manifest_lists_distinct_sorted_orders() -> None:
    lines = [
        _line("o9", "s1", "D-01-1", qty=3, w=0.2),
        _line("o2", "s2", "D-02-1", qty=1, w=1.5),
        _line("o9", "s3", "D-03-1", qty=2, w=0.2),
    ]
    assert wave_manifest(plan_waves(lines)) == [
        {"wave": "W0001", "zone": "D", "units": 6, "weight_kg": 2.5, "orders": ["o2", "o9"]}
    ]
