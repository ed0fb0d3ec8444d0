"""Hand out street segments to plow trucks at the start of each storm shift.

Segments are scored by class (hospital access and bus routes first), how
long since they were last plowed, gradient and the current snowfall rate.
Trucks then take segments greedily in priority order: each segment goes to
the truck with the lowest deadhead-plus-load cost that still has lane-km
left in its shift.  The dispatcher turns on DEBUG when a route looks odd and
wants to see every candidate the planner considered.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

logger = logging.getLogger("plowops.dispatch")

CLASS_WEIGHT = {
    "hospital": 5.0,
    "arterial": 4.0,
    "bus": 3.5,
    "school": 3.0,
    "collector": 2.0,
    "residential": 1.0,
    "alley": 0.3,
}
DEADHEAD_KMH = 40.0
PLOW_KMH = 18.0


@dataclass(frozen=True)
class Segment:
    seg_id: str
    street: str
    cls: str
    length_km: float
    lanes: int
    grade_pct: float
    last_plowed_min: int  # minutes since storm start when it was last plowed; -1 never
    x: float
    y: float


@dataclass
class Truck:
    truck_id: str
    x: float
    y: float
    shift_lane_km: float
    used_lane_km: float = 0.0
    minutes: float = 0.0
    route: list[str] = field(default_factory=list)


def priority(seg: Segment, storm_min: int, snowfall_cm_hr: float) -> float:
    since = storm_min - seg.last_plowed_min if seg.last_plowed_min >= 0 else storm_min
    accumulated = snowfall_cm_hr * since / 60.0
    score = CLASS_WEIGHT[seg.cls] * (1.0 + accumulated / 5.0)
    if seg.grade_pct >= 6.0:
        score *= 1.5
    return round(score, 4)


def assign_shift(
    segments: list[Segment], trucks: list[Truck], storm_min: int, snowfall_cm_hr: float
) -> tuple[dict[str, list[str]], list[str]]:
    """Return truck_id -> ordered segment ids, plus the segments nobody could take."""
    ranked = sorted(segments, key=lambda s: (-priority(s, storm_min, snowfall_cm_hr), s.seg_id))
    unassigned: list[str] = []
    for seg in ranked:
        lane_km = seg.length_km * seg.lanes
        best: Truck | None = None
        best_cost = math.inf
        for truck in trucks:
            if truck.used_lane_km + lane_km > truck.shift_lane_km:
                logger.debug("%s full, cannot take %s", truck.truck_id, seg.seg_id)
                continue
            deadhead = math.hypot(seg.x - truck.x, seg.y - truck.y)
            cost = deadhead / DEADHEAD_KMH * 60.0 + lane_km / PLOW_KMH * 60.0
            logger.debug(
                f"{seg.seg_id} {seg.street!r} [{seg.cls}, {seg.lanes} lanes, {seg.grade_pct:.1f}%] "
                f"-> {truck.truck_id} at ({truck.x:.2f},{truck.y:.2f}): deadhead {deadhead:.2f} km, "  # noqa: E501
                f"cost {cost:.1f} min, load {truck.used_lane_km:.2f}/{truck.shift_lane_km:.1f}"
            )
            if cost < best_cost:
                best, best_cost = truck, cost
        if best is None:
            unassigned.append(seg.seg_id)
            continue
        best.used_lane_km += lane_km
        best.minutes += best_cost
        best.x, best.y = seg.x, seg.y
        best.route.append(seg.seg_id)
    if unassigned:
        logger.info("%d segments left for the next shift", len(unassigned))
    return {t.truck_id: list(t.route) for t in trucks}, unassigned


def shift_summary(trucks: list[Truck]) -> list[tuple[str, int, float, float]]:
    """(truck, segments, lane-km, minutes) per truck, busiest first."""
    rows = [
        (t.truck_id, len(t.route), round(t.used_lane_km, 2), round(t.minutes, 1)) for t in trucks
    ]
    return sorted(rows, key=lambda r: (-r[3], r[0]))
