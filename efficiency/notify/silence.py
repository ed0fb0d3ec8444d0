"""Re-export of :mod:`efficiency.base.silence` (the old import path keeps working)."""

from efficiency.base.silence import (
    DAYS,
    MAX_WINDOW_SECONDS,
    OPS,
    Matcher,
    Recurrence,
    RecurrenceError,
    SilenceRow,
    SilenceRule,
    format_duration,
    parse_duration,
    parse_matcher,
    parse_recurrence,
    silence_reason,
)

__all__ = [
    "DAYS", "MAX_WINDOW_SECONDS", "OPS", "Matcher", "Recurrence", "RecurrenceError",
    "SilenceRow", "SilenceRule", "format_duration", "parse_duration", "parse_matcher",
    "parse_recurrence", "silence_reason",
]  # fmt: skip
