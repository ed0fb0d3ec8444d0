"""Pre-flight checks for survey-drone missions: leg distances, climb rates, geofence, battery."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass

log = logging.getLogger("mission.check")

EARTH_RADIUS_M = 6_371_000.0


@dataclass(frozen=True)
class Waypoint:
    label: str
    lat: float
    lon: float
    alt_m: float  # above takeoff
    speed_ms: float  # commanded ground speed to reach this point


@dataclass(frozen=True)
class Limits:
    max_alt_m: float = 120.0
    max_climb_ms: float = 5.0
    max_descent_ms: float = 3.0
    fence_radius_m: float = 1500.0
    battery_wh: float = 90.0
    cruise_w: float = 180.0
    climb_w_per_ms: float = 45.0
    reserve_pct: float = 20.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def check_mission(home: Waypoint, route: list[Waypoint], limits: Limits = Limits()) -> dict:
    """Walk the route leg by leg; returns totals plus a list of violations."""
    violations: list[str] = []
    energy_wh = 0.0
    total_m = 0.0
    total_s = 0.0
    prev = home
    for idx, wp in enumerate(route, start=1):
        dist = haversine_m(prev.lat, prev.lon, wp.lat, wp.lon)
        heading = bearing_deg(prev.lat, prev.lon, wp.lat, wp.lon)
        duration = dist / wp.speed_ms if wp.speed_ms > 0 else 0.0
        dz = wp.alt_m - prev.alt_m
        rate = dz / duration if duration else 0.0
        energy = limits.cruise_w * duration / 3600.0 + max(dz, 0.0) * limits.climb_w_per_ms / 3600.0
        energy_wh += energy
        total_m += dist
        total_s += duration
        from_home = haversine_m(home.lat, home.lon, wp.lat, wp.lon)
        leg = {
            "leg": idx,
            "from": [prev.label, prev.lat, prev.lon, prev.alt_m],
            "to": [wp.label, wp.lat, wp.lon, wp.alt_m],
            "dist_m": round(dist, 2),
            "heading": round(heading, 1),
            "climb_ms": round(rate, 3),
            "energy_wh": round(energy, 4),
            "battery_left_pct": round(100.0 * (1 - energy_wh / limits.battery_wh), 2),
        }
        log.debug(f"leg {idx} {prev.label}->{wp.label}: {json.dumps(leg, sort_keys=True)}")

        if wp.alt_m > limits.max_alt_m:
            violations.append(
                f"{wp.label}: altitude {wp.alt_m:.0f} m above {limits.max_alt_m:.0f} m"
            )
        if rate > limits.max_climb_ms:
            violations.append(f"{wp.label}: climb {rate:.1f} m/s exceeds {limits.max_climb_ms:.1f}")
        if -rate > limits.max_descent_ms:
            violations.append(
                f"{wp.label}: descent {-rate:.1f} m/s exceeds {limits.max_descent_ms:.1f}"
            )
        if from_home > limits.fence_radius_m:
            violations.append(f"{wp.label}: {from_home:.0f} m from home, outside geofence")
        prev = wp

    remaining_pct = 100.0 * (1 - energy_wh / limits.battery_wh)
    if remaining_pct < limits.reserve_pct:
        violations.append(f"battery reserve {remaining_pct:.1f}% below {limits.reserve_pct:.0f}%")
    return {
        "legs": len(route),
        "distance_m": round(total_m, 1),
        "flight_time_s": round(total_s, 1),
        "energy_wh": round(energy_wh, 2),
        "violations": violations,
    }


def lawnmower(
    home: Waypoint, width_m: float, height_m: float, spacing_m: float, alt_m: float, speed_ms: float
) -> list[Waypoint]:
    """Boustrophedon survey pattern north-east of ``home``."""
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = 111_320.0 * math.cos(math.radians(home.lat))
    route = []
    lanes = int(width_m // spacing_m) + 1
    for lane in range(lanes):
        east = lane * spacing_m / m_per_deg_lon
        ends = (0.0, height_m) if lane % 2 == 0 else (height_m, 0.0)
        for j, north in enumerate(ends):
            route.append(
                Waypoint(
                    f"L{lane}{'ab'[j]}",
                    round(home.lat + north / m_per_deg_lat, 7),
                    round(home.lon + east, 7),
                    alt_m,
                    speed_ms,
                )
            )
    return route
