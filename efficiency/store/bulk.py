"""Bulk writes that both backends do fast: executemany inserts that skip existing keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    count: bool = False,
) -> int | None:
    """Insert ``rows``, silently keeping any row whose ``keys`` already exist.

    With ``count=True`` return how many rows were new (via ``RETURNING``, a little slower).
    """
    if not rows:
        return 0 if count else None
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    else:  # pragma: no cover - make_engine only builds the two above
        raise ValueError(f"unsupported dialect {dialect}")
    if count:
        return len(session.execute(stmt.returning(table.c[keys[0]]), list(rows)).all())
    session.execute(stmt, list(rows))
    return None


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Plain executemany insert of Core rows (no ORM bookkeeping)."""
    if rows:
        session.execute(table.insert(), list(rows))
