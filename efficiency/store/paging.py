"""Keyset (cursor) paging for every list, newest first.

A list is ordered by ``(time column, id)`` descending; a page is the first ``limit`` rows
after the cursor, and the cursor of the next page is the ``(time, id)`` of the last row,
opaque to the client (URL-safe base64 of a small JSON array). Unlike ``OFFSET``, the cost of
a page does not grow with how deep it is, and rows inserted meanwhile never shift a page or
show up twice: new rows are newer than every cursor already handed out.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlalchemy.orm import InstrumentedAttribute

#: rows per page when the caller does not say, and the most one page may ask for
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: largest id a cursor or a path may name (64-bit signed, the id columns' type)
MAX_ID = 2**63 - 1


class CursorError(ValueError):
    """A cursor that this server did not hand out (or that was altered)."""


def encode_cursor(at: datetime, row_id: int) -> str:
    raw = json.dumps([at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        at_text, row_id = json.loads(raw)
        at = datetime.fromisoformat(at_text)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, RecursionError):
        raise CursorError("not a cursor this server handed out") from None
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 < row_id <= MAX_ID:
        raise CursorError("not a cursor this server handed out")
    if at.tzinfo is None:
        raise CursorError("not a cursor this server handed out")
    return at, row_id


def after_cursor(
    time_col: InstrumentedAttribute[Any], id_col: InstrumentedAttribute[Any], cursor: str | None
) -> Any:
    """The WHERE clause of the rows after ``cursor`` in ``(time, id)`` descending order;
    None for the first page."""
    if cursor is None:
        return None
    at, row_id = decode_cursor(cursor)
    return or_(time_col < at, and_(time_col == at, id_col < row_id))


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise CursorError(f"limit must be between 1 and {MAX_LIMIT}")
    return limit
