"""Event timestamps as users send them: RFC 3339 text or Unix seconds, always made UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator

from efficiency.ingest.errors import InputError


def as_utc(value: datetime) -> datetime:
    """Naive timestamps are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


EventTime = Annotated[datetime, AfterValidator(as_utc)]


def parse_time(text: str | float | int, field: str) -> datetime:
    """Parse a timestamp given on the command line or in a CSV cell."""
    value = str(text).strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (ValueError, OverflowError, OSError):
            raise InputError(field, f"{value[:40]!r} is out of the range of Unix times") from None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise InputError(field, f"{value[:40]!r} is not an RFC 3339 time or Unix seconds") from None
