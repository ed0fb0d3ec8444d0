"""Keeping PostgreSQL's planner statistics fresh after bulk loads.

Autovacuum analyzes a table only after a fraction of it changed, and only on its next round;
right after a file import of 100,000s of rows the planner still believes the tables are
small and picks nested loops that take a minute where a hash join takes a second (the
incident list took 48-74 s at 500k alerts before a manual ``ANALYZE``, 13.8 s after). An
import that wrote at least :data:`BULK_ROWS` rows therefore analyzes the tables it wrote.
SQLite plans well without statistics for these queries; nothing is done there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import text

from efficiency.store.db import Database

log = logging.getLogger(__name__)

#: rows written by one import from which its tables are analyzed at once
BULK_ROWS = 10_000


def analyze_after_bulk(database: Database, tables: Iterable[str], rows: int) -> bool:
    """``ANALYZE`` ``tables`` when ``rows`` makes it a bulk load on PostgreSQL; True if done."""
    if database.dialect != "postgresql" or rows < BULK_ROWS:
        return False
    names = sorted(set(tables))
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in names:
            conn.execute(text(f'ANALYZE "{name}"'))
    log.info("analyzed %s after a bulk load of %d rows", ", ".join(names), rows)
    return True
