"""The demo end to end: real services, real py-spy, a real SQLite file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

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
    # no deploy, no incident; the savings report is written all the same
    assert result.incident is None and result.change_id is None
    assert result.report_path == tmp_path / "savings.html"
    assert "python-" in result.report_path.read_text()
    assert "5. Report" in text


@pytest.mark.slow
def test_demo_runs_a_canary_step_right_after_the_deploy(tmp_path: Path) -> None:
    """The canary hook: called once, with the stored deploy's id, while checkout v1 still
    runs (the canary's control; v2 replaces it after the hook)."""
    from sqlalchemy import select

    from efficiency.store.db import Database
    from efficiency.store.events import ChangeEvent

    seen: list[tuple[int, str, bool]] = []

    def canary(db: Database, change_id: int, procs: dict[str, Any]) -> None:
        with db.session() as s:
            change = s.scalars(select(ChangeEvent).where(ChangeEvent.id == change_id)).one()
            seen.append((change_id, f"{change.service} v{change.version}",
                         procs["checkout"].poll() is None))  # fmt: skip

    out = io.StringIO()
    result = run_demo(tmp_path, seconds=2, window_seconds=2, after_deploy_seconds=2,
                      console=Console(file=out, width=160), canary=canary)  # fmt: skip
    assert seen == [(result.change_id, "checkout v2", True)]
    assert result.incident is not None and result.incident.incident is not None
    assert result.incident.incident["suspected_changes"][0]["id"] == result.change_id
    assert len(result.incident.pages) == 1
