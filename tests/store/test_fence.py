"""The commit-order fence on a real PostgreSQL server: a row whose transaction is still open
holds back the horizon readers follow, so an id taken early and committed late is never
skipped; on SQLite there is no horizon to hold back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from efficiency.correlate import CorrelationRules
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.ingest.changes import ChangeIn, store_changes
from efficiency.stages.correlate import CorrelateStage
from efficiency.store.db import Database
from efficiency.store.fence import FenceBusy, committed_horizon
from efficiency.store.incidents import IncidentAlert
from tests.conftest import postgres_database

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def pg() -> Iterator[Database]:
    yield from postgres_database()


def webhook(n: int) -> AlertmanagerWebhook:
    return AlertmanagerWebhook.model_validate({
        "version": "4", "status": "firing", "receiver": "efficiency",
        "alerts": [{"status": "firing", "startsAt": "2026-03-02T09:00:00Z",
                    "labels": {"alertname": f"A{n}", "service": "checkout",
                               "severity": "critical"}}],
    })  # fmt: skip


def linked(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(func.distinct(IncidentAlert.alert_id)))) or 0)


@pytest.mark.postgres
def test_an_event_committed_after_a_later_one_is_still_correlated(pg: Database) -> None:
    stage = CorrelateStage(pg, CorrelationRules())
    stage.fence_wait_seconds = 0.5
    early = pg.sessions()
    early.begin()
    store_alerts(early, [webhook(1)], now=T0)  # takes the smaller event id, commits last
    try:
        with pg.session() as s:
            store_alerts(s, [webhook(2)], now=T0)  # a second writer is not held up
        report = stage.run(T0)  # the first writer is in flight: read nothing, skip nothing
        assert (report.alerts, linked(pg)) == (0, 0)
        early.commit()
    finally:
        early.close()
    report = stage.run(T0)
    assert (report.alerts, linked(pg)) == (2, 2)


@pytest.mark.postgres
def test_the_horizon_waits_for_every_fenced_writer(pg: Database) -> None:
    assert committed_horizon(pg.engine) == {"alert_events": 0, "detections": 0,
                                            "change_events": 0}  # fmt: skip
    writer = pg.sessions()
    writer.begin()
    change = ChangeIn.model_validate({"service": "checkout", "at": "2026-03-02T09:00:00Z"})
    store_changes(writer, [change], now=T0)
    try:
        with pytest.raises(FenceBusy, match=r"over 0\.2 s"):
            committed_horizon(pg.engine, wait_seconds=0.2)
        writer.commit()
    finally:
        writer.close()
    assert committed_horizon(pg.engine)["change_events"] == 1


@pytest.mark.postgres
def test_stores_in_other_schemas_do_not_wait_for_each_other(pg: Database) -> None:
    other = next(gen := postgres_database())
    writer = pg.sessions()
    writer.begin()
    store_alerts(writer, [webhook(1)], now=T0)
    try:
        assert committed_horizon(other.engine, wait_seconds=0.2)["alert_events"] == 0
    finally:
        writer.rollback()
        writer.close()
        gen.close()


def test_sqlite_has_no_horizon(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'e.db'}")
    db.upgrade()
    try:
        assert committed_horizon(db.engine) is None
        with db.session() as s:
            store_alerts(s, [webhook(1)], now=T0)
        assert CorrelateStage(db, CorrelationRules()).run(T0).alerts == 1
    finally:
        db.dispose()
