"""Bulk writes that both backends do fast.

``insert_ignore`` is the general tool (Core executemany, ``ON CONFLICT DO NOTHING``).
``insert_tuples`` is the hot-path one for profile rows: plain tuples in table-column order,
handed to the driver without per-row SQLAlchemy work — ``executemany`` on SQLite, and on
PostgreSQL one ``INSERT … SELECT FROM unnest(arrays)`` (or ``COPY`` when no conflict is
possible) instead of one statement per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_PG_DIALECT = postgresql.dialect()


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


def insert_tuples(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    ignore_conflicts: bool,
) -> None:
    """Insert tuples of ``columns`` values, as fast as the driver allows.

    Only for columns of plain types (integers, floats, text): values go to the driver as
    they are, without SQLAlchemy's type processing.
    """
    if not rows:
        return
    conn = session.connection()
    names = ", ".join(f'"{table.c[c].name}"' for c in columns)
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        conn.exec_driver_sql(sql, list(rows))
        return
    driver = conn.connection.driver_connection
    if driver is None:  # pragma: no cover - a live session always has one
        raise RuntimeError("no database connection")
    with driver.cursor() as cur:
        if not ignore_conflicts:
            with cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        casts = ", ".join(f"%s::{table.c[c].type.compile(dialect=_PG_DIALECT)}[]" for c in columns)
        arrays = [list(col) for col in zip(*rows, strict=True)]
        cur.execute(
            f'INSERT INTO "{table.name}" ({names}) SELECT * FROM unnest({casts}) '
            "ON CONFLICT DO NOTHING",
            arrays,
        )
