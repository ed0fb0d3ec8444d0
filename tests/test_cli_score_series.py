"""`efficiency score-series` on a NAB file and on a series with a known step; bad files exit 2
naming the line and column, and write nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from tests.test_cli import run


def test_nab_file_gets_a_score_per_row(tmp_path: Path, datasets: Path) -> None:
    source = datasets / "nab" / "data" / "realKnownCause" / "rogue_agent_key_hold.csv"
    out = tmp_path / "scored.csv"
    result = run(tmp_path, "score-series", str(source), "--detector", "anomaly", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    original = list(csv.DictReader(source.open()))
    assert len(rows) == len(original)
    assert [r["timestamp"] for r in rows[:3]] == [r["timestamp"] for r in original[:3]]
    scores = np.array([float(r["score"]) for r in rows])
    assert ((scores >= 0) & (scores <= 1)).all()
    assert {r["is_anomaly"] for r in rows} <= {"0", "1"}
    assert "anomalous point(s)" in result.stderr


def test_changepoint_marks_the_step(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = np.r_[rng.normal(10, 0.5, 80), rng.normal(14, 0.5, 80)]
    source = tmp_path / "step.csv"
    source.write_text("value\n" + "\n".join(f"{v:.4f}" for v in values) + "\n")
    result = run(tmp_path, "score-series", str(source), "--detector", "changepoint", "-o", "-")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    marked = [i for i, r in enumerate(rows) if r["change_point"] == "1"]
    assert len(marked) == 1 and abs(marked[0] - 80) <= 2


def test_bad_series_files_exit_2_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    cases = {
        "timestamp,reading\n2026-01-01,1\n": "no 'value' column",
        "timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T00:05:00Z,lots\n": "line 3: value",
        "timestamp,value\nyesterday-ish,1\n": "line 2: timestamp",
        "value\n1\nnan\n": "line 3: value",
        "value\n": "no data rows",
        "": "empty file",
    }
    for text, message in cases.items():
        source = tmp_path / "bad.csv"
        source.write_text(text)
        result = run(tmp_path, "score-series", str(source), "-o", str(out))
        assert result.returncode == 2, (text, result.stdout)
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert not out.exists()
    missing = run(tmp_path, "score-series", str(tmp_path / "nope.csv"), "-o", str(out))
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_changepoint_defaults_ignore_a_small_shift_unless_configured(tmp_path: Path) -> None:
    """The CLI's changepoint defaults (``detect.changepoint_*``, chosen on SAP HANA's
    development split) keep a shift of 1.5 noise deviations out; a config asking for every
    change that pays its penalty (the class defaults) reports it."""
    rng = np.random.default_rng(1)
    values = np.r_[rng.normal(10, 0.5, 200), rng.normal(10.75, 0.5, 200)]
    source = tmp_path / "small.csv"
    source.write_text("value\n" + "\n".join(f"{v:.4f}" for v in values) + "\n")
    args = ("score-series", str(source), "--detector", "changepoint", "-o", "-")
    quiet = run(tmp_path, *args)
    assert quiet.returncode == 0, quiet.stderr
    assert "0 change point(s)" in quiet.stderr
    config = tmp_path / "loose.toml"
    config.write_text(
        "[detect]\nchangepoint_penalty_factor = 3.0\nchangepoint_min_shift = 0.0\n"
        "changepoint_min_explained = 0.005\n"
    )
    loose = run(tmp_path, "--config", str(config), *args)
    assert loose.returncode == 0, loose.stderr
    marked = [i for i, r in enumerate(csv.DictReader(loose.stdout.splitlines()))
              if r["change_point"] == "1"]  # fmt: skip
    assert len(marked) == 1 and abs(marked[0] - 200) <= 3
