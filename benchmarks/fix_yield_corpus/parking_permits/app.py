"""Turn a day of ANPR camera sightings into residents'-parking penalty notices.

A vehicle seen in a controlled zone needs a permit for that zone valid on the
day of the sighting, unless it is a council fleet vehicle or is still inside
the free observation window that starts at its first sighting in the zone.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

log = logging.getLogger(__name__)

PLATE_RE = re.compile(r"^[A-Z0-9]{2,8}$")
OBSERVATION_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Permit:
    plate: str
    zone: str
    valid_from: date
    valid_to: date
    kind: str = "resident"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True)
class Sighting:
    camera_id: str
    zone: str
    plate: str
    seen_at: datetime
    confidence: float


@dataclass(frozen=True)
class PenaltyNotice:
    plate: str
    zone: str
    first_seen: datetime
    issued_for: datetime
    camera_id: str
    fee_pence: int


@dataclass(frozen=True)
class ZoneRules:
    code: str
    fee_pence: int
    hours: tuple[int, int] = (8, 18)

    def in_force(self, when: datetime) -> bool:
        start, end = self.hours
        return when.weekday() < 6 and start <= when.hour < end


def normalise_plate(raw: str) -> str | None:
    plate = re.sub(r"[\s\-]", "", raw.upper())
    plate = plate.replace("O", "0") if plate[:2].isdigit() else plate
    return plate if PLATE_RE.match(plate) else None


def roster_for(day: date, permits: Iterable[Permit]) -> dict[str, tuple[str, ...]]:
    """Plates holding a valid permit on ``day``, per zone."""
    by_zone: dict[str, list[str]] = defaultdict(list)
    for permit in permits:
        if permit.covers(day):
            plate = normalise_plate(permit.plate)
            if plate is None:
                log.warning("permit with unreadable plate %r ignored", permit.plate)
                continue
            by_zone[permit.zone].append(plate)
    return {zone: tuple(plates) for zone, plates in by_zone.items()}


class Enforcer:
    def __init__(
        self,
        zones: Sequence[ZoneRules],
        permits: Sequence[Permit],
        fleet_plates: Sequence[str],
        min_confidence: float = 0.85,
    ) -> None:
        self.zones = {z.code: z for z in zones}
        self.permits = list(permits)
        self.fleet = frozenset(p for p in map(normalise_plate, fleet_plates) if p)
        self.min_confidence = min_confidence
        self.discarded = 0

    def _usable(self, sighting: Sighting) -> str | None:
        if sighting.confidence < self.min_confidence:
            return None
        if sighting.zone not in self.zones:
            log.debug("camera %s reports unknown zone %s", sighting.camera_id, sighting.zone)
            return None
        return normalise_plate(sighting.plate)

    def process_day(self, day: date, sightings: Iterable[Sighting]) -> list[PenaltyNotice]:
        roster = roster_for(day, self.permits)
        first_seen: dict[tuple[str, str], datetime] = {}
        ticketed: set[tuple[str, str]] = set()
        notices = []
        for s in sorted(sightings, key=lambda s: s.seen_at):
            if s.seen_at.date() != day:
                continue
            plate = self._usable(s)
            if plate is None:
                self.discarded += 1
                continue
            rules = self.zones[s.zone]
            if not rules.in_force(s.seen_at):
                continue
            if plate in self.fleet or plate in roster.get(s.zone, ()):
                continue
            key = (plate, s.zone)
            start = first_seen.setdefault(key, s.seen_at)
            if s.seen_at - start < OBSERVATION_WINDOW or key in ticketed:
                continue
            ticketed.add(key)
            notices.append(
                PenaltyNotice(plate, s.zone, start, s.seen_at, s.camera_id, rules.fee_pence)
            )
        log.info("%s: %d notices, %d sightings discarded", day, len(notices), self.discarded)
        return notices


def revenue_by_zone(notices: Iterable[PenaltyNotice]) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for n in notices:
        totals[n.zone] += n.fee_pence
    return dict(sorted(totals.items()))
