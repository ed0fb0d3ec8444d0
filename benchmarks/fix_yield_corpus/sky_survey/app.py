"""Nightly target ranking for a small-telescope sky survey.

Each candidate target is scored against the observing site's profile: the
horizon mask (trees, domes, the ridge to the east), per-filter extinction and
the sky-brightness model.  The planner returns the targets worth putting on
tonight's queue, best first.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

# Per-filter atmospheric extinction (mag / airmass) and limiting magnitude at zenith.
FILTER_TABLE: dict[str, dict[str, float]] = {
    "B": {"extinction": 0.25, "limit": 19.8, "weight": 0.9},
    "V": {"extinction": 0.15, "limit": 20.4, "weight": 1.0},
    "R": {"extinction": 0.10, "limit": 20.1, "weight": 1.0},
    "I": {"extinction": 0.07, "limit": 19.2, "weight": 0.8},
}

MAX_AIRMASS = 2.5
MOON_PENALTY_PER_DEG = 0.004


@dataclass(frozen=True)
class Target:
    name: str
    altitude_deg: float
    azimuth_deg: float
    magnitude: float
    band: str
    priority: int = 1


@dataclass
class SiteProfile:
    name: str
    latitude_deg: float
    horizon_mask: list[tuple[float, float]] = field(default_factory=list)
    filters: dict[str, dict[str, float]] = field(default_factory=dict)
    moon_separation_deg: float = 90.0

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "latitude_deg": self.latitude_deg,
            "horizon_mask": [list(p) for p in self.horizon_mask],
            "filters": {k: dict(v) for k, v in self.filters.items()},
            "moon_separation_deg": self.moon_separation_deg,
        }


class SurveyPlanner:
    def __init__(self, site: SiteProfile) -> None:
        self._site = site.as_dict()

    @property
    def site_name(self) -> str:
        return self._site["name"]

    @staticmethod
    def airmass(altitude_deg: float) -> float:
        if altitude_deg <= 0:
            return math.inf
        zenith = math.radians(90.0 - altitude_deg)
        return (
            1.0 / math.cos(zenith)
            if altitude_deg > 10
            else 1.0 / math.sin(math.radians(altitude_deg))
        )

    def _mask_altitude(self, profile: dict, azimuth_deg: float) -> float:
        mask = profile["horizon_mask"]
        if not mask:
            return 0.0
        best = mask[0]
        for az, alt in mask:
            if abs(az - azimuth_deg) < abs(best[0] - azimuth_deg):
                best = (az, alt)
        return best[1]

    def score(self, target: Target) -> float | None:
        profile = copy.deepcopy(self._site)
        if target.altitude_deg <= self._mask_altitude(profile, target.azimuth_deg):
            return None
        am = self.airmass(target.altitude_deg)
        if am > MAX_AIRMASS:
            return None
        band = profile["filters"].get(target.band)
        if band is None:
            return None
        effective_limit = band["limit"] - band["extinction"] * am
        margin = effective_limit - target.magnitude
        if margin <= 0:
            return None
        moon = max(0.0, 60.0 - profile["moon_separation_deg"]) * MOON_PENALTY_PER_DEG
        return round((margin * band["weight"] - moon) * target.priority, 4)

    def rank(self, targets: list[Target], limit: int | None = None) -> list[tuple[str, float]]:
        scored = []
        for t in targets:
            s = self.score(t)
            if s is not None and s > 0:
                scored.append((t.name, s))
        scored.sort(key=lambda item: (-item[1], item[0]))
        return scored if limit is None else scored[:limit]


def default_site() -> SiteProfile:
    mask = []
    for az in range(0, 360, 5):
        ridge = 12.0 if 60 <= az <= 120 else 0.0
        trees = 6.0 + 2.0 * math.sin(math.radians(az * 3))
        mask.append((float(az), round(max(ridge, trees), 2)))
    return SiteProfile(
        name="Hillcrest Observatory",
        latitude_deg=41.7,
        horizon_mask=mask,
        filters=FILTER_TABLE,
        moon_separation_deg=45.0,
    )
