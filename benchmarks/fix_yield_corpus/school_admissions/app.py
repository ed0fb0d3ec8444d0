"""Secondary-school admissions: allocate places by oversubscription criteria.

Each school publishes its criteria in priority order: looked-after children, siblings
already on roll, children living in the catchment area, children from feeder primary
schools, then everyone else; ties are broken on straight-line distance.  Applicants list
up to three schools; places are offered preference by preference.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

log = logging.getLogger(__name__)

LOOKED_AFTER, SIBLING, CATCHMENT, FEEDER, OTHER = range(5)


@dataclass(frozen=True)
class School:
    code: str
    seats: int
    lat: float
    lon: float
    catchment_streets: tuple[str, ...]  # "POSTCODE-DISTRICT|STREET"
    feeder_schools: tuple[str, ...]
    families_on_roll: tuple[int, ...]  # family ids of current pupils


@dataclass(frozen=True)
class Applicant:
    app_id: int
    family_id: int
    street_key: str
    primary_school: str
    lat: float
    lon: float
    preferences: tuple[str, ...]
    looked_after: bool = False


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular approximation: accurate to metres at borough scale."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def criterion(
    app: Applicant, catchment: list[str], feeders: list[str], sibling_families: list[int]
) -> int:
    if app.looked_after:
        return LOOKED_AFTER
    if app.family_id in sibling_families:
        return SIBLING
    if app.street_key in catchment:
        return CATCHMENT
    if app.primary_school in feeders:
        return FEEDER
    return OTHER


def rank_applicants(school: School, applicants: list[Applicant]) -> list[tuple[int, float, int]]:
    """(criterion, distance, applicant id) for each applicant, best first."""
    catchment = list(school.catchment_streets)
    feeders = list(school.feeder_schools)
    siblings = list(school.families_on_roll)
    ranked = []
    for app in applicants:
        crit = criterion(app, catchment, feeders, siblings)
        dist = round(distance_km(app.lat, app.lon, school.lat, school.lon), 3)
        ranked.append((crit, dist, app.app_id))
    ranked.sort()
    return ranked


def allocate(schools: list[School], applicants: list[Applicant]) -> dict:
    """Offer places preference by preference; returns offers and per-school summaries."""
    by_code = {s.code: s for s in schools}
    remaining = {s.code: s.seats for s in schools}
    offers: dict[int, str] = {}
    last_offer: dict[str, tuple[int, float] | None] = {s.code: None for s in schools}
    rounds = max((len(a.preferences) for a in applicants), default=0)
    for round_no in range(rounds):
        wanting: dict[str, list[Applicant]] = {}
        for app in applicants:
            if app.app_id in offers or round_no >= len(app.preferences):
                continue
            code = app.preferences[round_no]
            if code in by_code:
                wanting.setdefault(code, []).append(app)
        for code, group in wanting.items():
            if remaining[code] == 0:
                continue
            for crit, dist, app_id in rank_applicants(by_code[code], group)[: remaining[code]]:
                offers[app_id] = code
                last_offer[code] = (crit, dist)
                remaining[code] -= 1
    unplaced = sum(1 for a in applicants if a.app_id not in offers)
    if unplaced:
        log.info("%d of %d applicants without an offer", unplaced, len(applicants))
    return {
        "offers": offers,
        "unplaced": unplaced,
        "vacancies": {code: n for code, n in sorted(remaining.items()) if n},
        "last_offer": last_offer,
    }
