"""Render wildlife GPS-collar fixes as a KML document for the field team.

Fixes are screened for poor satellite geometry and implausible movement,
split into segments wherever the collar went quiet for too long, and written
as one LineString placemark per segment, foldered by species.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

EARTH_RADIUS_M = 6_371_000.0
KML_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
)
KML_TAIL = "</Document>\n</kml>\n"


@dataclass(frozen=True)
class Fix:
    collar_id: str
    taken_at: datetime
    lat: float
    lon: float
    altitude: float
    hdop: float
    satellites: int


@dataclass(frozen=True)
class Animal:
    collar_id: str
    name: str
    species: str
    max_speed_kmh: float


@dataclass(frozen=True)
class ScreeningRules:
    max_hdop: float = 5.0
    min_satellites: int = 4
    max_gap: timedelta = timedelta(hours=6)


def haversine_m(a: Fix, b: Fix) -> float:
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp = p2 - p1
    dl = math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def screen(fixes: Sequence[Fix], animal: Animal, rules: ScreeningRules) -> list[Fix]:
    kept: list[Fix] = []
    for fix in sorted(fixes, key=lambda f: f.taken_at):
        if fix.hdop > rules.max_hdop or fix.satellites < rules.min_satellites:
            continue
        if not (-90 <= fix.lat <= 90 and -180 <= fix.lon <= 180):
            log.warning("collar %s reported an impossible position", fix.collar_id)
            continue
        if kept:
            hours = (fix.taken_at - kept[-1].taken_at).total_seconds() / 3600
            if hours <= 0:
                continue
            if haversine_m(kept[-1], fix) / 1000 / hours > animal.max_speed_kmh:
                continue
        kept.append(fix)
    return kept


def segments(fixes: Sequence[Fix], max_gap: timedelta) -> list[list[Fix]]:
    out: list[list[Fix]] = []
    for fix in fixes:
        if out and fix.taken_at - out[-1][-1].taken_at <= max_gap:
            out[-1].append(fix)
        else:
            out.append([fix])
    return [seg for seg in out if len(seg) >= 2]


class KmlDocument:
    def __init__(self, title: str) -> None:
        self.title = title
        self._folders: dict[str, str] = {}
        self.placemarks = 0

    def add_segment(self, folder: str, animal: Animal, index: int, seg: Sequence[Fix]) -> None:
        if folder not in self._folders:
            self._folders[folder] = ""
        start, end = seg[0].taken_at, seg[-1].taken_at
        self._folders[folder] += (
            "    <Placemark>\n"
            f"      <name>{escape(animal.name)} #{index}</name>\n"
            f"      <TimeSpan><begin>{start:%Y-%m-%dT%H:%M:%SZ}</begin>"
            f"<end>{end:%Y-%m-%dT%H:%M:%SZ}</end></TimeSpan>\n"
            "      <LineString><altitudeMode>absolute</altitudeMode><coordinates>\n"
        )
        for fix in seg:
            self._folders[folder] += f"        {fix.lon:.6f},{fix.lat:.6f},{fix.altitude:.1f}\n"
        self._folders[folder] += "      </coordinates></LineString>\n    </Placemark>\n"
        self.placemarks += 1

    def render(self) -> str:
        parts = [KML_HEAD, f"  <name>{escape(self.title)}</name>\n"]
        for folder in sorted(self._folders):
            parts.append(f"  <Folder><name>{escape(folder)}</name>\n")
            parts.append(self._folders[folder])
            parts.append("  </Folder>\n")
        parts.append(KML_TAIL)
        return "".join(parts)


def build_kml(
    title: str,
    animals: Iterable[Animal],
    fixes: Iterable[Fix],
    rules: ScreeningRules | None = None,
) -> tuple[str, dict[str, int]]:
    rules = rules or ScreeningRules()
    by_collar: dict[str, list[Fix]] = defaultdict(list)
    for fix in fixes:
        by_collar[fix.collar_id].append(fix)
    doc = KmlDocument(title)
    counts: dict[str, int] = {}
    for animal in sorted(animals, key=lambda a: a.collar_id):
        raw = by_collar.pop(animal.collar_id, [])
        kept = screen(raw, animal, rules)
        segs = segments(kept, rules.max_gap)
        for i, seg in enumerate(segs, 1):
            doc.add_segment(animal.species, animal, i, seg)
        counts[animal.collar_id] = sum(len(s) for s in segs)
    for collar_id in by_collar:
        log.warning("fixes from unregistered collar %s dropped", collar_id)
    return doc.render(), counts
