"""The demo end to end: real services, real py-spy, a real SQLite file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from efficiency.demo.story import SERVICES, run_demo

HOT = {"checkout": "line_total", "search": "score", "thumbnailer": "new_row"}


@pytest.mark.slow
def test_demo_shows_each_services_real_hot_function(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(tmp_path, seconds=4, window_seconds=2, console=Console(file=out, width=120))
    assert (tmp_path / "efficiency.db").exists()
    assert result.windows == 2 * len(SERVICES)
    assert [p.service for p in result.profiles] == sorted(SERVICES)
    for prof in result.profiles:
        top = prof.frames[0]
        # comprehension frames (Python 3.11: "new_row.<locals>.<listcomp>") belong to the
        # function that holds them
        assert top.function.split(".")[0] == HOT[prof.service], (prof.service, prof.frames[:3])
        assert top.share > 0.3
    text = out.getvalue()
    assert "thumbnailer" in text and "new_row" in text
    # the remediation step: a branch of the thumbnailer's repository with a fix and its saving
    assert result.proposals, text
    fixed = [p for p in result.proposals if p["branch"]]
    assert fixed and all(p["branch"].startswith("efficiency/python-") for p in fixed)
    assert "4. Remediate" in text and "diff --git a/thumbnailer.py" in text
    assert "estimated saving" in text


@pytest.mark.slow
def test_demo_deploy_is_found_and_blamed(tmp_path: Path) -> None:
    """checkout v2 audits every cart as JSON: the detection pass finds the JSON encoder's
    new cost in checkout and names the deploy as its suspected change."""
    out = io.StringIO()
    result = run_demo(tmp_path, seconds=12, window_seconds=2, after_deploy_seconds=10,
                      console=Console(file=out, width=160))  # fmt: skip
    assert result.windows == 11 * len(SERVICES)
    regressions = [d for d in result.detections if d["kind"] == "regression"]
    assert regressions and all(d["service"] == "checkout" for d in regressions)
    blamed = [d for d in regressions if d["suspected_change_id"] is not None]
    assert any("encoder.py" in str(d["function"]) for d in blamed), regressions
    assert "5. Detect" in out.getvalue()
