"""Silences and maintenance windows: label matchers, and when a silence holds pages back.

Pure: no database. Matchers follow Alertmanager's syntax (``pkg/labels/parse.go``):
``name=value``, ``name!=value``, ``name=~regex``, ``name!~regex``; the value may be
double-quoted (escapes ``\\"``, ``\\\\``, ``\\n``); a regex must match the whole label value
(Alertmanager anchors it as ``^(?:re)$``; here it is Python's ``re`` dialect); a label the alert
lacks is the empty string.

A silence is one-off (``starts_at <= t < ends_at``) or recurring: inside ``[starts_at,
ends_at)`` it is active in weekly windows that start at a local wall-clock time in an IANA time
zone and last ``duration_seconds`` of real time. A start that falls into a daylight-saving gap
is taken with the offset before the change (02:30 on the spring-forward night is 03:30 summer
time); an ambiguous start is its first occurrence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

OPS = ("=", "!=", "=~", "!~")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: the longest recurring window: a week (longer ones would overlap themselves)
MAX_WINDOW_SECONDS = 7 * 86_400

_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBERS = {name: i for names in (DAYS, _FULL_DAYS) for i, name in enumerate(names)}
_LABEL_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_MATCHER = re.compile(r"\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*", re.S)
_HH_MM = re.compile(r"(\d{1,2}):(\d{2})")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


# ------------------------------------------------------------------------------ matchers


@dataclass(frozen=True)
class Matcher:
    """One label matcher; ``matches`` treats a missing label as the empty string."""

    name: str
    value: str
    op: str = "="
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _LABEL_NAME.fullmatch(self.name):
            raise ValueError(f"{self.name!r} is not a valid label name")
        if self.op not in OPS:
            raise ValueError(f"{self.op!r} is not a matcher operator ({', '.join(OPS)})")
        if self.op in ("=~", "!~"):
            try:
                object.__setattr__(self, "_regex", re.compile(self.value))
            except re.error as exc:
                problem = f"{self.value!r} is not a valid regular expression: {exc}"
                raise ValueError(problem) from None

    def matches(self, labels: Mapping[str, str]) -> bool:
        value = labels.get(self.name, "")
        if self._regex is not None:
            return (self._regex.fullmatch(value) is not None) == (self.op == "=~")
        return (value == self.value) == (self.op == "=")

    def __str__(self) -> str:
        """The matcher in Alertmanager's syntax, value always quoted: parses back to itself."""
        quoted = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.name}{self.op}"{quoted}"'

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "op": self.op}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Matcher:
        try:
            return cls(str(data["name"]), str(data["value"]), str(data.get("op", "=")))
        except KeyError as exc:
            raise ValueError(f"matcher {dict(data)!r} lacks {exc.args[0]!r}") from None


def _unquote(raw: str) -> str:
    """A matcher value as Alertmanager reads it: optional surrounding double quotes, escapes
    ``\\"``, ``\\\\`` and ``\\n``; any other backslash is literal."""
    quoted = raw.startswith('"')
    body = raw[1:] if quoted else raw
    out: list[str] = []
    escaped = False
    for i, ch in enumerate(body):
        if escaped:
            out.append({"n": "\n", '"': '"', "\\": "\\"}.get(ch, "\\" + ch))
            escaped = False
        elif ch == "\\" and i < len(body) - 1:
            escaped = True
        elif ch == '"':
            if not quoted or i < len(body) - 1:
                raise ValueError("the value contains an unescaped double quote")
            quoted = False  # the closing quote
        else:
            out.append(ch)
    if quoted:
        raise ValueError("the value lacks its closing double quote")
    return "".join(out)


def parse_matcher(text: str) -> Matcher:
    """Parse ``name=value``, ``name!=value``, ``name=~regex`` or ``name!~regex``."""
    found = _MATCHER.fullmatch(text)
    if found is None:
        raise ValueError(
            f"{text!r} is not a matcher (name=value, name!=value, name=~regex, name!~regex)"
        )
    name, op, raw = found.groups()
    try:
        return Matcher(name, _unquote(raw), op)
    except ValueError as exc:
        raise ValueError(f"matcher {text!r}: {exc}") from None


# ------------------------------------------------------------------------------ durations


def parse_duration(text: str) -> float:
    """Seconds in ``text``: plain seconds (``90``) or units (``90s``, ``15m``, ``2h``, ``1d``,
    ``1w``, ``1h30m``), as Prometheus writes them. Must be positive."""
    value = text.strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
        if _DURATION.fullmatch(value):
            parts = _DURATION_PART.findall(value)
            seconds = sum(float(n) * _UNIT_SECONDS[unit] for n, unit in parts)
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        raise ValueError(f"{text!r} is not a positive duration (90s, 15m, 2h, 1d, 1h30m)")
    return seconds


def format_duration(seconds: float) -> str:
    """``7200`` → ``2h``, ``5400`` → ``1h30m`` (whole seconds)."""
    rest, out = round(seconds), ""
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            out += f"{count}{unit}"
    return out or "0s"


# ------------------------------------------------------------------------------ recurrence


class RecurrenceError(ValueError):
    """A bad recurrence; ``field`` is days, start, duration_seconds or timezone."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def _day(name: str) -> int:
    key = name.strip().lower()
    if key not in _DAY_NUMBERS:
        raise RecurrenceError("days", f"{name.strip()!r} is not a day ({', '.join(DAYS)})")
    return _DAY_NUMBERS[key]


def _parse_days(items: Sequence[str]) -> frozenset[int]:
    days: set[int] = set()
    for item in items:
        if item.strip().lower() == "daily":
            days.update(range(7))
            continue
        first, dash, last = item.partition("-")
        start = _day(first)
        end = _day(last) if dash else start
        days.update((start + k) % 7 for k in range((end - start) % 7 + 1))  # fri-mon wraps
    if not days:
        raise RecurrenceError("days", "give at least one day (mon,tue, mon-fri or daily)")
    return frozenset(days)


def _parse_start(text: str) -> time:
    found = _HH_MM.fullmatch(text.strip())
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise RecurrenceError("start", f"{text!r} is not a time of day HH:MM")
    return time(int(found[1]), int(found[2]))


def _parse_window(seconds: Any) -> timedelta:
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        value = math.nan
    if isinstance(seconds, bool) or not 0 < value <= MAX_WINDOW_SECONDS:
        raise RecurrenceError(
            "duration_seconds", f"{seconds!r} is not a number of seconds in (0, 604800]"
        )
    return timedelta(seconds=value)


def _parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise RecurrenceError("timezone", f"{name!r} is not an IANA time zone") from None


@dataclass(frozen=True)
class Recurrence:
    """Weekly windows: on each of ``days`` (0 = Monday) from local ``start`` for ``duration``."""

    days: frozenset[int]
    start: time
    duration: timedelta
    timezone: ZoneInfo

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recurrence:
        """Validate the stored (or posted) form; ``days`` is a list or ``mon-fri``-style text."""
        for key in ("days", "start", "duration_seconds"):
            if key not in data:
                raise RecurrenceError(key, "is required")
        days = data["days"]
        items = days.split(",") if isinstance(days, str) else days
        if not isinstance(items, list | tuple) or not all(isinstance(d, str) for d in items):
            raise RecurrenceError("days", "must be day names (mon,tue, mon-fri or daily)")
        return cls(
            days=_parse_days(items),
            start=_parse_start(str(data["start"])),
            duration=_parse_window(data["duration_seconds"]),
            timezone=_parse_zone(str(data.get("timezone", "UTC"))),
        )

    def as_dict(self) -> dict[str, Any]:
        seconds = self.duration.total_seconds()
        return {
            "days": [DAYS[d] for d in sorted(self.days)],
            "start": self.start.strftime("%H:%M"),
            "duration_seconds": int(seconds) if seconds.is_integer() else seconds,
            "timezone": self.timezone.key,
        }

    def covers(self, t: datetime) -> bool:
        """Whether ``t`` falls in one of the windows (which may have begun days before)."""
        t = _utc(t)
        today = t.astimezone(self.timezone).date()
        for back in range(self.duration.days + 2):
            day = today - timedelta(days=back)
            if day.weekday() not in self.days:
                continue
            begin = datetime.combine(day, self.start, tzinfo=self.timezone).astimezone(UTC)
            if begin <= t < begin + self.duration:
                return True
        return False

    def describe(self) -> str:
        days = "daily" if len(self.days) == 7 else ",".join(DAYS[d] for d in sorted(self.days))
        length = format_duration(self.duration.total_seconds())
        return f"{days} {self.start.strftime('%H:%M')} for {length} ({self.timezone.key})"


def parse_recurrence(
    days: str, start: str, duration_seconds: float, timezone: str = "UTC"
) -> dict[str, Any]:
    """The stored form of a recurrence given as text: ``days`` like ``mon,tue``, ``mon-fri``
    or ``daily``, ``start`` ``HH:MM`` local time. Raises RecurrenceError naming the field."""
    data = {"days": days, "start": start, "duration_seconds": duration_seconds,
            "timezone": timezone}  # fmt: skip
    return Recurrence.from_dict(data).as_dict()


# ------------------------------------------------------------------------------ rules


class SilenceRow(Protocol):
    """What ``SilenceRule.from_row`` reads: a ``silences`` row (``store.incidents.Silence``)."""

    id: int
    matchers: list[dict[str, str]]
    starts_at: datetime
    ends_at: datetime | None
    recurrence: dict[str, Any] | None
    comment: str
    expired_at: datetime | None


@dataclass(frozen=True)
class SilenceRule:
    """A silence as the silence stage checks it."""

    id: int
    matchers: tuple[Matcher, ...]
    starts_at: datetime
    ends_at: datetime | None = None
    recurrence: Recurrence | None = None
    comment: str = ""
    expired_at: datetime | None = None

    @classmethod
    def from_row(cls, row: SilenceRow) -> SilenceRule:
        return cls(
            id=row.id,
            matchers=tuple(Matcher.from_dict(m) for m in row.matchers),
            starts_at=_utc(row.starts_at),
            ends_at=_utc(row.ends_at) if row.ends_at else None,
            recurrence=Recurrence.from_dict(row.recurrence) if row.recurrence else None,
            comment=row.comment,
            expired_at=_utc(row.expired_at) if row.expired_at else None,
        )

    def active_at(self, t: datetime) -> bool:
        t = _utc(t)
        if t < self.starts_at:
            return False
        if any(end is not None and t >= end for end in (self.ends_at, self.expired_at)):
            return False
        return self.recurrence is None or self.recurrence.covers(t)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """All matchers match; a rule without matchers matches nothing."""
        return bool(self.matchers) and all(m.matches(labels) for m in self.matchers)

    def describe(self) -> str:
        what = self.comment or ", ".join(str(m) for m in self.matchers)
        return f"silence {self.id} ({what})"


def silence_reason(
    rules: Sequence[SilenceRule], label_sets: Sequence[Mapping[str, str]], at: datetime
) -> str | None:
    """Why an incident whose firing members carry ``label_sets`` is silenced at ``at``: each
    label set must match a rule active then. The answer names the first such rule of each
    label set (distinct, in order); None when any label set is unmatched or there are none."""
    active = [r for r in rules if r.active_at(at)]
    reasons: list[str] = []
    for labels in label_sets:
        rule = next((r for r in active if r.matches(labels)), None)
        if rule is None:
            return None
        reasons.append(rule.describe())
    return ", ".join(dict.fromkeys(reasons)) or None
