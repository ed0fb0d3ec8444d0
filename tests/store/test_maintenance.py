"""ANALYZE after bulk loads: PostgreSQL's planner statistics are fresh right after an import."""

from __future__ import annotations

from sqlalchemy import text

from efficiency.store.db import Database
from efficiency.store.maintenance import BULK_ROWS, analyze_after_bulk


def _analyzed(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(
            text("SELECT analyze_count + autoanalyze_count FROM pg_stat_user_tables "
                 "WHERE relname = 'alerts' AND schemaname = current_schema()")
        ).scalar_one()  # fmt: skip


def test_bulk_loads_are_analyzed_small_ones_and_sqlite_are_not(db: Database) -> None:
    if db.dialect == "sqlite":
        assert analyze_after_bulk(db, ["alerts"], BULK_ROWS * 10) is False
        return
    before = _analyzed(db)
    assert analyze_after_bulk(db, ["alerts"], BULK_ROWS - 1) is False
    assert analyze_after_bulk(db, ["alerts", "alerts"], BULK_ROWS) is True
    assert _analyzed(db) == before + 1
