from __future__ import annotations

import logging

import pytest
from app import (
    Batch,
    BatchError,
    HopAddition,
    MashStep,
    Reading,
    abv,
    estimate_ibu,
    render_cellar_book,
    validate,
)
from workload import make_input, run


def _batch(no="B1", fg=1.012, readings=None):
    return Batch(
        no,
        "Pale Ale",
        100.0,
        1.050,
        fg,
        [MashStep("single infusion", 66.0, 60)],
        [HopAddition("Cascade", 50, 6.0, 60), HopAddition("Citra", 40, 12.0, 0)],
        readings
        if readings is not None
        else [Reading(0, 8, 1.050, 19.0), Reading(3, 8, 1.020, 19.5, "dry hop in")],
    )


def test_abv_formula():
    assert abv(1.050, 1.010) == pytest.approx(5.25)


def test_whirlpool_hops_add_no_ibu():
    assert estimate_ibu(HopAddition("Citra", 40, 12.0, 0), 100.0, 1.050) == 0.0
    assert estimate_ibu(HopAddition("Cascade", 50, 6.0, 60), 100.0, 1.050) > 5


def test_validate_rejects_bad_targets():
    with pytest.raises(BatchError):
        validate(_batch(fg=1.060))
    bad = _batch()
    bad.mash = []
    with pytest.raises(BatchError):
        validate(bad)


def test_sheet_contains_sections_and_values():
    text = render_cellar_book([_batch()], "2024-W01")
    assert "BATCH B1 - PALE ALE" in text
    assert "Mash schedule" in text
    assert "single infusion" in text
    assert "whirlpool" in text
    assert "SG 1.020" in text
    assert "dry hop in" in text
    assert text.endswith("1 of 1 batches rendered\n")


def test_lines_are_truncated_to_width():
    text = render_cellar_book([_batch()], "2024-W01")
    assert all(len(line) <= 72 for line in text.splitlines())


def test_gravity_drop_column():
    text = render_cellar_book([_batch()], "w")
    day3 = next(line for line in text.splitlines() if line.startswith("d03"))
    assert "+30.0" in day3


def test_finished_high_warning():
    text = render_cellar_book([_batch()], "w")
    assert "finished high: 1.020" in text
    ok = _batch(readings=[Reading(0, 8, 1.050, 19.0), Reading(9, 8, 1.013, 18.0)])
    assert "finished high" not in render_cellar_book([ok], "w")


def test_empty_readings():
    assert "(no readings)" in render_cellar_book([_batch(readings=[])], "w")


def test_bad_batch_is_skipped(caplog):
    with caplog.at_level(logging.WARNING):
        text = render_cellar_book([_batch("B1"), _batch("B2", fg=1.3)], "w")
    assert "[batch skipped: B2" in text
    assert "1 of 2 batches rendered" in text
    assert "B2" in caplog.text


def test_workload_is_deterministic():
    data = make_input()
    assert run(data) == run(data) > 100_000
