"""The demo end to end: real HTTP services under load, real py-spy, a real SQLite file."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from sqlalchemy import select

from efficiency.demo.story import SERVICES, run_demo, start_service, stop_services
from efficiency.store.db import Database
from efficiency.store.metrics import MetricSeries

#: each service's own hot function: the batch worker's tops its profile, the HTTP services,
#: which also spend samples in socket calls, have theirs among their top three
HOT = {"checkout": "line_total", "search": "score", "storefront": "render_page",
       "thumbnailer": "new_row"}  # fmt: skip


@pytest.mark.slow
def test_demo_shows_each_services_real_hot_function(tmp_path: Path) -> None:
    out = io.StringIO()
    result = run_demo(tmp_path, seconds=4, window_seconds=2, console=Console(file=out, width=120))
    assert (tmp_path / "efficiency.db").exists()
    assert result.windows == 2 * len(SERVICES)
    assert [p.service for p in result.profiles] == sorted(SERVICES)
    for prof in result.profiles:
        # comprehension frames (Python 3.11: "new_row.<locals>.<listcomp>") belong to the
        # function that holds them
        top = [f.function.split(".")[0] for f in prof.frames]
        if prof.service == "thumbnailer":
            assert top[0] == HOT[prof.service] and prof.frames[0].share > 0.3, prof.frames[:3]
        else:
            assert HOT[prof.service] in top[:3], (prof.service, prof.frames[:3])
    # the measured request series, labelled per service and version
    assert result.metric_points > 0
    with Database(result.db_url).session() as s:
        labels = {tuple(sorted(m.labels.items())) for m in s.scalars(select(MetricSeries))}
    for service in ("storefront", "checkout", "search"):
        assert (("service", service), ("version", "1")) in labels
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
    runs (the canary's control; v2 replaces it after the hook); an instance it starts with
    start_service is listed and gets storefront's calls."""
    from efficiency.store.events import ChangeEvent

    seen: list[tuple[int, str, bool, bool]] = []

    def canary(db: Database, change_id: int, procs: dict[str, Any]) -> None:
        with db.session() as s:
            change = s.scalars(select(ChangeEvent).where(ChangeEvent.id == change_id)).one()
        extra = start_service("checkout", "2")
        try:
            served = False
            deadline = time.monotonic() + 30
            while not served and time.monotonic() < deadline:
                served = "http_requests_total{" in httpx.get(f"{extra.url}/metrics").text
                time.sleep(0.2)
        finally:
            stop_services({"extra": extra})
        seen.append((change_id, f"{change.service} v{change.version}",
                     procs["checkout"].poll() is None, served))  # fmt: skip

    out = io.StringIO()
    result = run_demo(tmp_path, seconds=2, window_seconds=2, after_deploy_seconds=2,
                      console=Console(file=out, width=160), canary=canary)  # fmt: skip
    assert seen == [(result.change_id, "checkout v2", True, True)]
    assert result.incident is not None and result.incident.incident is not None
    assert result.incident.incident["suspected_changes"][0]["id"] == result.change_id
    assert len(result.incident.pages) == 1
