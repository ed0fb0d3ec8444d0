"""Event timestamps as users send them: RFC 3339 text or Unix seconds, always made UTC.

The rule, the same for the API, the files and the command line (docs/reliability.md):

* a number (or a numeric string) is **always Unix seconds**; there is no guessing of
  milliseconds from the size of the number, as pydantic and many parsers do above ~2e10
  (``1e11`` would silently become 1973). A number outside the accepted range is refused
  with a hint instead, so a millisecond or microsecond timestamp never lands in the wrong
  decade;
* text is RFC 3339 / ISO 8601; without an offset it is taken as UTC;
* every event time must lie in [1970-01-01, 2100-01-01) UTC. Later stages add windows and
  lookbacks to event times, so a time at the very ends of the calendar would overflow there
  (a poison record that fails every correlation pass) or in the conversion to UTC;
* Alertmanager's ``endsAt`` of a firing alert is Go's zero time, ``0001-01-01T00:00:00Z``:
  accepted there (:data:`AlertEndTime`) and meaning "no end".
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter, ValidationError

from efficiency.base.errors import InputError

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
#: Go's zero time, which Alertmanager sends as the ``endsAt`` of a firing alert
GO_ZERO = datetime(1, 1, 1, tzinfo=UTC)

_TEXT = TypeAdapter(datetime)
_RANGE = "between 1970-01-01 and 2100-01-01 UTC"


def as_utc(value: datetime) -> datetime:
    """Naive timestamps are taken as UTC; aware ones are converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _from_seconds(seconds: float, shown: str) -> datetime:
    if not math.isfinite(seconds) or not EARLIEST.timestamp() <= seconds < LATEST.timestamp():
        hint = " (milliseconds? divide by 1000)" if seconds >= LATEST.timestamp() else ""
        raise ValueError(f"{shown[:40]} is not Unix seconds {_RANGE}{hint}")
    return datetime.fromtimestamp(seconds, UTC)


def _in_range(value: datetime, shown: str) -> datetime:
    try:
        value = as_utc(value)
    except OverflowError:
        raise ValueError(f"{shown[:40]!r} is out of the range of dates") from None
    if not EARLIEST <= value < LATEST:
        raise ValueError(f"{shown[:40]!r} is not {_RANGE}")
    return value


def to_event_time(value: Any) -> datetime:
    """Validate one event time by the rule above; raises ValueError saying what is wrong."""
    if isinstance(value, bool):
        raise ValueError("must be an RFC 3339 time or Unix seconds, not true/false")
    if isinstance(value, int | float):
        return _from_seconds(float(value), repr(value))
    if isinstance(value, datetime):
        return _in_range(value, value.isoformat())
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 time or Unix seconds")
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        return _from_seconds(seconds, repr(text))
    try:
        parsed = _TEXT.validate_python(text)
    except ValidationError:
        raise ValueError(f"{text[:40]!r} is not an RFC 3339 time or Unix seconds") from None
    return _in_range(parsed, text)


def _end_time(value: Any) -> datetime:
    if isinstance(value, str) and value.strip() in ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00"):
        return GO_ZERO
    if isinstance(value, datetime) and value == GO_ZERO:
        return GO_ZERO
    return to_event_time(value)


EventTime = Annotated[datetime, BeforeValidator(to_event_time)]
#: an event time, or Go's zero time meaning "not ended" (Alertmanager's ``endsAt``)
AlertEndTime = Annotated[datetime, BeforeValidator(_end_time)]


def parse_time(text: str | float | datetime, field: str) -> datetime:
    """Parse a timestamp given on the command line or in a CSV cell."""
    try:
        return to_event_time(text.strip() if isinstance(text, str) else text)
    except ValueError as exc:
        raise InputError(field, str(exc)) from None


def check_time(value: datetime, field: str) -> datetime:
    """A time a file carries itself (pprof ``time_nanos``) under the same rule."""
    return parse_time(value, field)
