"""Assign delivery jobs to the nearest available courier."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0
MAX_PICKUP_KM = 12.0
KM_PER_DEG = 111.32
VEHICLE_SPEED_KMH = {"bike": 14.0, "scooter": 28.0, "car": 35.0}


@dataclass(frozen=True)
class Courier:
    courier_id: str
    lat: float
    lon: float
    vehicle: str = "bike"
    active: bool = True


@dataclass(frozen=True)
class Job:
    job_id: str
    lat: float
    lon: float
    needs_car: bool = False


@dataclass(order=True, frozen=True)
class Candidate:
    dist_sq: float
    rank: int
    courier_id: str = field(compare=False)


@dataclass
class Assignment:
    job_id: str
    courier_id: str | None
    distance_km: float | None = None
    eta_min: float | None = None
    notes: list[str] = field(default_factory=list)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _project(lat: float, lon: float) -> tuple[float, float]:
    return lat * KM_PER_DEG, lon * KM_PER_DEG * math.cos(math.radians(lat))


class Dispatcher:
    def __init__(self, couriers: list[Courier]) -> None:
        self.couriers = [c for c in couriers if c.active]
        self._by_id = {c.courier_id: c for c in self.couriers}
        # flat-earth projection is plenty for ranking inside one city
        self._pool: list[tuple[float, float, int, str]] = []
        self._car_pool: list[tuple[float, float, int, str]] = []
        for rank, c in enumerate(self.couriers):
            y, x = _project(c.lat, c.lon)
            self._pool.append((y, x, rank, c.courier_id))
            if c.vehicle == "car":
                self._car_pool.append((y, x, rank, c.courier_id))

    def _candidates(self, job: Job) -> list[Candidate]:
        jy, jx = _project(job.lat, job.lon)
        limit = MAX_PICKUP_KM * MAX_PICKUP_KM
        pool = self._car_pool if job.needs_car else self._pool
        return [
            Candidate(d2, rank, cid)
            for y, x, rank, cid in pool
            if (d2 := (y - jy) ** 2 + (x - jx) ** 2) <= limit
        ]

    def nearest(self, job: Job) -> tuple[float, Courier] | None:
        ranked = self._candidates(job)
        if not ranked:
            return None
        # closest first; on a tie the courier earlier in the roster wins
        best = sorted(ranked)[0]
        courier = self._by_id[best.courier_id]
        return haversine_km(courier.lat, courier.lon, job.lat, job.lon), courier

    def assign(self, job: Job) -> Assignment:
        best = self.nearest(job)
        if best is None:
            logger.info("no courier within %.1f km of job %s", MAX_PICKUP_KM, job.job_id)
            return Assignment(job.job_id, None, notes=["unassigned"])
        dist, courier = best
        speed = VEHICLE_SPEED_KMH.get(courier.vehicle, VEHICLE_SPEED_KMH["bike"])
        eta = round(dist / speed * 60.0, 1)
        return Assignment(job.job_id, courier.courier_id, round(dist, 3), eta)


def dispatch_batch(couriers: list[Courier], jobs: list[Job]) -> list[Assignment]:
    dispatcher = Dispatcher(couriers)
    return [dispatcher.assign(job) for job in jobs]


def summarize(assignments: list[Assignment]) -> dict[str, float]:
    placed = [a for a in assignments if a.courier_id is not None]
    etas = [a.eta_min for a in placed if a.eta_min is not None]
    return {
        "jobs": float(len(assignments)),
        "assigned": float(len(placed)),
        "mean_eta_min": round(sum(etas) / len(etas), 2) if etas else 0.0,
    }
