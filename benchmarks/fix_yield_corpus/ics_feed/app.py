"""Render a team's shift roster as an iCalendar (RFC 5545) feed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

PRODID = "-//rosterly//shift-feed 2.3//EN"
FOLD_AT = 75
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


@dataclass(frozen=True)
class Shift:
    uid: str
    summary: str
    start: datetime
    end: datetime
    location: str = ""
    notes: str = ""
    attendees: tuple[str, ...] = ()


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    return text.translate(_ESCAPES)


def _fold(line: str) -> str:
    if len(line) <= FOLD_AT:
        return line
    chunks = [line[:FOLD_AT]]
    rest = line[FOLD_AT:]
    while rest:
        chunks.append(" " + rest[: FOLD_AT - 1])
        rest = rest[FOLD_AT - 1 :]
    return "\r\n".join(chunks)


class FeedWriter:
    def __init__(self, calendar_name: str, generated: datetime) -> None:
        self.calendar_name = calendar_name
        self.generated = generated
        self.body = ""

    def emit(self, name: str, value: str) -> None:
        self.body += _fold(f"{name}:{value}") + "\r\n"

    def write_shift(self, shift: Shift) -> None:
        self.emit("BEGIN", "VEVENT")
        self.emit("UID", shift.uid)
        self.emit("DTSTAMP", _stamp(self.generated))
        self.emit("DTSTART", _stamp(shift.start))
        self.emit("DTEND", _stamp(shift.end))
        self.emit("SUMMARY", _escape(shift.summary))
        if shift.location:
            self.emit("LOCATION", _escape(shift.location))
        if shift.notes:
            self.emit("DESCRIPTION", _escape(shift.notes))
        for email in shift.attendees:
            self.emit("ATTENDEE;ROLE=REQ-PARTICIPANT", f"mailto:{email}")
        self.emit("END", "VEVENT")

    def render(self, shifts: list[Shift]) -> str:
        self.body = ""
        self.emit("BEGIN", "VCALENDAR")
        self.emit("VERSION", "2.0")
        self.emit("PRODID", PRODID)
        self.emit("X-WR-CALNAME", _escape(self.calendar_name))
        for shift in sorted(shifts, key=lambda s: (s.start, s.uid)):
            if shift.end <= shift.start:
                logger.warning("skipping shift %s: ends before it starts", shift.uid)
                continue
            self.write_shift(shift)
        self.emit("END", "VCALENDAR")
        return self.body


def build_feed(name: str, shifts: list[Shift], generated: datetime) -> str:
    return FeedWriter(name, generated).render(shifts)
