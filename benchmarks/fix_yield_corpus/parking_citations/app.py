"""Municipal parking citation intake.

Handheld ticket writers upload citations with a free-text violation description typed
or picked by the officer.  ``CitationProcessor`` normalises the plate, maps the
description onto the city's violation code table, applies the fine schedule (with
repeat-offender escalation) and summarises the batch for the adjudication office.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ViolationRule:
    code: str
    title: str
    fine: int
    phrases: tuple[str, ...]


VIOLATION_TABLE: tuple[ViolationRule, ...] = (
    ViolationRule("PK-101", "Fire hydrant", 115, ("hydrant", "fire plug", "within 15 ft")),
    ViolationRule("PK-102", "Disabled space", 350, ("disabled", "handicap", "accessible space")),
    ViolationRule("PK-103", "Bus stop", 260, ("bus stop", "bus zone", "transit stop")),
    ViolationRule("PK-104", "Crosswalk", 95, ("crosswalk", "cross walk", "pedestrian crossing")),
    ViolationRule("PK-105", "Double parking", 110, ("double parked", "double parking")),
    ViolationRule("PK-106", "Loading zone", 80, ("loading zone", "commercial loading", "yellow")),
    ViolationRule("PK-107", "Street cleaning", 73, ("street cleaning", "sweeping", "sweeper")),
    ViolationRule("PK-108", "Blocking driveway", 100, ("driveway", "blocking access", "curb cut")),
    ViolationRule("PK-109", "Red zone", 120, ("red zone", "red curb", "no stopping")),
    ViolationRule("PK-110", "Permit area", 68, ("permit", "residential zone", "rpp")),
    ViolationRule("PK-111", "Expired registration", 140, ("expired tags", "registration")),
    ViolationRule("PK-112", "Overtime parking", 58, ("overtime", "time limit", "2 hr", "1 hr")),
    ViolationRule("PK-113", "Expired meter", 63, ("meter", "expired time", "pay station")),
)
UNCLASSIFIED = ViolationRule("PK-199", "Other parking violation", 50, ())
STATE_CODES = frozenset(["AZ", "CA", "CO", "ID", "NV", "NM", "OR", "TX", "UT", "WA"])
REPEAT_STEPS = (1.0, 1.0, 1.5, 2.0)


class CitationError(ValueError):
    """A citation record the intake cannot accept."""


@dataclass(frozen=True)
class Citation:
    ticket_no: str
    plate: str
    state: str
    description: str
    block: str
    minute_of_day: int


@dataclass(frozen=True)
class AssessedCitation:
    ticket_no: str
    plate_key: str
    code: str
    fine: int
    offence_number: int


def normalise_plate(plate: str, state: str) -> str:
    cleaned = "".join(ch for ch in plate.upper() if ch.isalnum())
    if not 2 <= len(cleaned) <= 8:
        raise CitationError(f"bad plate {plate!r}")
    state = state.strip().upper()
    if state not in STATE_CODES:
        raise CitationError(f"unknown plate state {state!r}")
    return f"{state}:{cleaned}"


def mentions(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` as whole words, ignoring case."""
    return re.search(r"\b" + re.escape(phrase) + r"\b", text, re.IGNORECASE) is not None


def classify(description: str, table: tuple[ViolationRule, ...] = VIOLATION_TABLE) -> ViolationRule:
    text = " ".join(description.split())
    for rule in table:
        if any(mentions(text, phrase) for phrase in rule.phrases):
            return rule
    return UNCLASSIFIED


class CitationProcessor:
    def __init__(self, table: tuple[ViolationRule, ...] = VIOLATION_TABLE) -> None:
        self.table = table
        self.prior_offences: Counter[str] = Counter()
        self.rejected: list[tuple[str, str]] = []

    def assess(self, citation: Citation) -> AssessedCitation:
        if not citation.ticket_no:
            raise CitationError("missing ticket number")
        if not 0 <= citation.minute_of_day < 1440:
            raise CitationError(f"{citation.ticket_no}: bad time {citation.minute_of_day}")
        plate_key = normalise_plate(citation.plate, citation.state)
        rule = classify(citation.description, self.table)
        self.prior_offences[plate_key] += 1
        count = self.prior_offences[plate_key]
        multiplier = REPEAT_STEPS[min(count, len(REPEAT_STEPS)) - 1]
        fine = round(rule.fine * multiplier)
        if rule is UNCLASSIFIED:
            log.debug("ticket %s left unclassified: %r", citation.ticket_no, citation.description)
        return AssessedCitation(citation.ticket_no, plate_key, rule.code, fine, count)

    def process(self, batch: list[Citation]) -> list[AssessedCitation]:
        assessed = []
        for citation in batch:
            try:
                assessed.append(self.assess(citation))
            except CitationError as exc:
                self.rejected.append((citation.ticket_no, str(exc)))
        if self.rejected:
            log.warning("%d citations rejected", len(self.rejected))
        return assessed


def summarise(assessed: list[AssessedCitation]) -> dict[str, object]:
    by_code: dict[str, int] = defaultdict(int)
    revenue = 0
    for a in assessed:
        by_code[a.code] += 1
        revenue += a.fine
    repeaters = sorted({a.plate_key for a in assessed if a.offence_number >= 3})
    return {
        "count": len(assessed),
        "revenue": revenue,
        "by_code": dict(sorted(by_code.items())),
        "repeat_offenders": repeaters,
    }
