"""Time arithmetic inside SQL, the same on SQLite and PostgreSQL.

SQLite keeps timestamps as fixed-width UTC text and PostgreSQL as ``timestamptz``
(:mod:`efficiency.store.types`); the read side buckets and measures durations in the
database so a month of rows comes back as a few hundred aggregated ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, cast, func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def epoch(column: Any, dialect: str) -> ColumnElement[float]:
    """Unix seconds of a timestamp column (fractional on both backends)."""
    if dialect == "sqlite":
        return cast((func.julianday(column) - 2440587.5) * 86400.0, Float)
    return cast(func.extract("epoch", column), Float)


def seconds_between(start: Any, end: Any, dialect: str) -> ColumnElement[float]:
    """``end - start`` in seconds."""
    return epoch(end, dialect) - epoch(start, dialect)


def bucket(column: Any, seconds: int, dialect: str) -> ColumnElement[int]:
    """The start of the ``seconds``-long bucket a timestamp falls in, as Unix seconds (buckets
    are aligned on the Unix epoch, so a day bucket is a UTC day)."""
    if dialect == "sqlite":
        whole = cast(func.strftime("%s", column), Integer)
        return (whole // seconds) * seconds
    floored = func.floor(func.extract("epoch", column) / literal_column(str(float(seconds))))
    return cast(floored * seconds, BigInteger)


def from_epoch(value: float | int) -> datetime:
    return datetime.fromtimestamp(float(value), UTC)


def month(column: Any, dialect: str) -> ColumnElement[str]:
    """The UTC month of a timestamp as ``YYYY-MM`` text."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(func.timezone("UTC", column), "YYYY-MM")
