"""Keyset pages of incidents and detections on both backends: every row exactly once,
newest first, members read in bulk (the API and CLI sides: tests/ingest/test_api_paging.py,
tests/test_cli_paging.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from efficiency.store.db import Database
from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incident_queries import detections_page, incidents_page, list_incidents
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
)
from efficiency.store.paging import CursorError

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def fill(db: Database, n: int, status: str = "open", start: datetime = T0) -> None:
    """``n`` incidents, three sharing each opening time (ties broken by id), each with two
    alerts, one detection and one suspected change."""
    tag = f"{status}{start:%j}"
    with db.session() as s:
        change = ChangeEvent(service="svc", kind="deploy", at=start, version=tag, received_at=T0)
        s.add(change)
        for i in range(n):
            at = start + timedelta(minutes=i // 3)
            inc = Incident(key=f"k{tag}{i}", status=status, severity="critical", title=f"#{i}",
                           services=["svc"], opened_at=at, updated_at=at)  # fmt: skip
            alerts = [
                Alert(fingerprint=f"{tag}{i}-{j}", starts_at=at + timedelta(seconds=j),
                      status="firing", labels={}, annotations={}, first_seen_at=at,
                      last_seen_at=at)
                for j in (1, 0)
            ]  # fmt: skip
            det = Detection(key=f"d{tag}{i}", kind="regression", onset_at=at, detected_at=at,
                            detector="t")  # fmt: skip
            s.add_all([inc, *alerts, det])
            s.flush()
            s.add_all([IncidentAlert(incident_id=inc.id, alert_id=a.id) for a in alerts])
            s.add(IncidentDetection(incident_id=inc.id, detection_id=det.id))
            s.add(IncidentChange(incident_id=inc.id, change_id=change.id, score=0.5))


def test_pages_cover_every_incident_once_newest_first(db: Database) -> None:
    fill(db, 25)
    fill(db, 4, status="resolved")
    seen: list[dict] = []
    cursor = None
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with db.session() as s:
        while True:
            page, cursor = incidents_page(s, "open", 10, cursor)
            seen.extend(page)
            if cursor is None:
                break
    assert len(statements) <= 3 * 4 + 2  # four queries a page, never per incident
    assert [i["title"] for i in seen] == [f"#{i}" for i in reversed(range(25))]
    first = seen[-1]
    assert first["alert_fingerprints"] == ["open0600-0", "open0600-1"]  # by start time
    assert (
        len(first["detection_ids"]) == 1 and first["suspected_changes"][0]["version"] == "open060"
    )
    with db.session() as s:
        assert len(list_incidents(s, "all")) == 29
        everything, following = incidents_page(s, "all", 1000)
        assert following is None and len(everything) == 29
        detections, following = detections_page(s, "regression", 28)
        assert len(detections) == 28 and following is not None
        assert len(detections_page(s, "regression", 28, following)[0]) == 1


def test_new_incidents_never_shift_a_page(sqlite_db: Database) -> None:
    fill(sqlite_db, 6)
    with sqlite_db.session() as s:
        first, cursor = incidents_page(s, "open", 3)
    fill(sqlite_db, 3, start=T0 + timedelta(days=1))  # newer than every row handed out
    with sqlite_db.session() as s:
        rest, following = incidents_page(s, "open", 100, cursor)
    assert [i["title"] for i in first + rest] == ["#5", "#4", "#3", "#2", "#1", "#0"]
    assert following is None


def test_bad_cursors_and_limits_are_refused(sqlite_db: Database) -> None:
    with sqlite_db.session() as s:
        for bad in ("", "x", "WzEsMl0", "WyJub3QgYSB0aW1lIiwxXQ", "eyJ4IjoxfQ"):
            with pytest.raises(CursorError):
                incidents_page(s, "open", 10, bad)
        with pytest.raises(CursorError):
            incidents_page(s, "open", 0)
