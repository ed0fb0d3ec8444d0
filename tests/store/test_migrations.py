"""The Alembic migrations build exactly the schema the models declare, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from efficiency.store.db import Database
from efficiency.store.migrate import current_revision, head_revision
from efficiency.store.schema import metadata


def test_upgrade_reaches_head_and_matches_the_models(db: Database) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                metadata)  # fmt: skip
    assert diff == []


def test_upgrade_twice_is_a_no_op(db: Database) -> None:
    db.upgrade()
    db.upgrade()
    tables = set(inspect(db.engine).get_table_names())
    core = {"frames", "stacks", "profile_windows", "profile_samples", "metric_series",
            "metric_points", "alerts", "alert_events", "change_events", "detections",
            "incidents", "incident_alerts", "incident_detections", "incident_changes", "pages",
            "hotspots", "proposals", "savings", "watermarks", "ingest_batches"}  # fmt: skip
    assert core <= tables


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
