"""Silences in the store: add, list and expire them, and the rules the silence stage checks.

Validation follows Alertmanager: at least one matcher, and at least one that does not match
the empty string (a silence may not hold back every page); the end comes after the start and
is not already past. Errors are ``InputError`` naming the field.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from efficiency.base.errors import InputError
from efficiency.base.silence import (
    Matcher,
    Recurrence,
    RecurrenceError,
    SilenceRule,
    parse_matcher,
)
from efficiency.base.timeparse import EventTime, as_utc
from efficiency.base.validation import IngestModel
from efficiency.store.incidents import Silence

#: the longest ``created_by`` the column holds
CREATED_BY_MAX = 200


class RecurrenceIn(IngestModel):
    """Weekly windows: ``days`` as a list (``["mon", "tue"]``) or text (``mon-fri``, ``daily``),
    ``start`` ``HH:MM`` in ``timezone`` (IANA), each lasting ``duration_seconds``."""

    days: list[str] | str
    start: str
    duration_seconds: float
    timezone: str = "UTC"


class SilenceIn(IngestModel):
    """The body of ``POST /api/v1/silences``; matchers in Alertmanager's syntax."""

    matchers: list[str]
    starts_at: EventTime | None = None
    ends_at: EventTime | None = None
    recurrence: RecurrenceIn | None = None
    comment: str = ""
    created_by: str = ""


class UnknownSilence(InputError):
    """No silence has this id."""

    def __init__(self, silence_id: int) -> None:
        super().__init__("", f"silence {silence_id} does not exist")
        self.silence_id = silence_id


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _state(row: Silence, now: datetime) -> str:
    """active (pages held back now) | pending (not yet, or between windows) | expired."""
    if row.expired_at is not None or (row.ends_at is not None and row.ends_at <= now):
        return "expired"
    return "active" if SilenceRule.from_row(row).active_at(now) else "pending"


def silence_dict(row: Silence, now: datetime) -> dict[str, Any]:
    state = _state(row, now)
    return {
        "id": row.id,
        "matchers": [str(Matcher.from_dict(m)) for m in row.matchers],
        "starts_at": _iso(row.starts_at),
        "ends_at": _iso(row.ends_at),
        "recurrence": row.recurrence,
        "comment": row.comment,
        "created_by": row.created_by,
        "created_at": _iso(row.created_at),
        "expired_at": _iso(row.expired_at),
        "state": state,
        "active_now": state == "active",
    }


def _matchers(texts: list[str]) -> list[Matcher]:
    if not texts:
        raise InputError("matchers", "give at least one matcher, e.g. service=checkout")
    parsed = []
    for i, text in enumerate(texts):
        try:
            parsed.append(parse_matcher(text))
        except ValueError as exc:
            raise InputError(f"matchers.{i}", str(exc)) from None
    if all(m.matches({}) for m in parsed):
        raise InputError(
            "matchers", "at least one matcher must not match the empty string, "
            "or the silence would hold back every page",
        )  # fmt: skip
    return parsed


def _recurrence(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        return Recurrence.from_dict(data).as_dict()
    except RecurrenceError as exc:
        raise InputError(f"recurrence.{exc.field}", exc.message) from None


def add_silence(
    session: Session,
    matchers: list[str],
    starts_at: datetime | None,
    ends_at: datetime | None,
    recurrence: dict[str, Any] | None,
    comment: str = "",
    created_by: str = "",
    now: datetime | None = None,
) -> dict[str, Any]:
    """Store a silence: one-off (``ends_at`` required) or, with ``recurrence``, a weekly
    maintenance window between ``starts_at`` (default: now) and ``ends_at`` (None: forever)."""
    now = as_utc(now or datetime.now(UTC))
    parsed = _matchers(matchers)
    window = _recurrence(recurrence)
    start = as_utc(starts_at) if starts_at else now
    end = as_utc(ends_at) if ends_at else None
    if end is None and window is None:
        raise InputError("ends_at", "a one-off silence needs an end (or give a recurrence)")
    if end is not None and end <= start:
        raise InputError("ends_at", "must be after starts_at")
    if end is not None and end <= now:
        raise InputError("ends_at", "is in the past")
    if len(created_by) > CREATED_BY_MAX:
        raise InputError("created_by", f"is longer than {CREATED_BY_MAX} characters")
    row = Silence(
        matchers=[m.as_dict() for m in parsed],
        starts_at=start,
        ends_at=end,
        recurrence=window,
        comment=comment,
        created_by=created_by,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return silence_dict(row, now)


def list_silences(
    session: Session, now: datetime | None = None, include_expired: bool = False
) -> list[dict[str, Any]]:
    """Silences by id; without ``include_expired`` only those not expired and not ended."""
    now = as_utc(now or datetime.now(UTC))
    query = select(Silence).order_by(Silence.id)
    if not include_expired:
        query = _current(query, now)
    return [silence_dict(row, now) for row in session.scalars(query)]


def expire_silence(
    session: Session, silence_id: int, now: datetime | None = None
) -> dict[str, Any]:
    """End a silence now. Expiring an expired or ended silence changes nothing."""
    now = as_utc(now or datetime.now(UTC))
    row = session.get(Silence, silence_id)
    if row is None:
        raise UnknownSilence(silence_id)
    if _state(row, now) != "expired":
        row.expired_at = now
        session.flush()
    return silence_dict(row, now)


def active_rules(session: Session, now: datetime | None = None) -> list[SilenceRule]:
    """Every silence neither expired nor ended at ``now``, as rules; whether one is active at
    a given time (not yet started, between windows) is ``SilenceRule.active_at``'s answer."""
    now = as_utc(now or datetime.now(UTC))
    query = _current(select(Silence).order_by(Silence.id), now)
    return [SilenceRule.from_row(row) for row in session.scalars(query)]


def _current(query: Select[tuple[Silence]], now: datetime) -> Select[tuple[Silence]]:
    return query.where(
        Silence.expired_at.is_(None), or_(Silence.ends_at.is_(None), Silence.ends_at > now)
    )
