"""Re-export of :mod:`efficiency.base.timeparse` (the old import path keeps working)."""

from efficiency.base.timeparse import (
    EARLIEST,
    GO_ZERO,
    LATEST,
    AlertEndTime,
    EventTime,
    as_utc,
    check_time,
    parse_time,
    to_event_time,
)

__all__ = [
    "EARLIEST", "GO_ZERO", "LATEST", "AlertEndTime", "EventTime", "as_utc", "check_time",
    "parse_time", "to_event_time",
]  # fmt: skip
