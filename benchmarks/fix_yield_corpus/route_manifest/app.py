"""Depot routing: assign parcels to delivery runs and hold back embargoed ones."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parcel:
    tracking: str
    postcode: str
    weight_g: int
    priority: bool = False


@dataclass
class DeliveryRun:
    zone: str
    parcels: list[Parcel] = field(default_factory=list)
    load_g: int = 0


@dataclass
class RoutePlan:
    runs: dict[str, list[DeliveryRun]]
    held: list[str]
    overweight: list[str]


class DepotNetwork:
    """Routing rules for one depot, loaded from the nightly zone export."""

    def __init__(
        self,
        zone_rows: list[dict[str, str]],
        embargo_rows: list[dict[str, str]],
        van_capacity_g: int = 600_000,
        max_parcel_g: int = 30_000,
    ) -> None:
        self.van_capacity_g = van_capacity_g
        self.max_parcel_g = max_parcel_g
        self._zone_by_prefix = {row["prefix"]: row["zone"] for row in zone_rows}
        self._embargoed = [row["postcode"].strip().upper() for row in embargo_rows]

    def zone_for(self, postcode: str) -> str:
        prefix = postcode[:3]
        return self._zone_by_prefix.get(prefix, "UNZONED")

    def _is_blocked(self, parcel: Parcel) -> bool:
        return parcel.postcode in self._embargoed

    def plan(self, parcels: list[Parcel]) -> RoutePlan:
        by_zone: dict[str, list[Parcel]] = defaultdict(list)
        held: list[str] = []
        overweight: list[str] = []
        for parcel in parcels:
            if self._is_blocked(parcel):
                held.append(parcel.tracking)
                continue
            if parcel.weight_g > self.max_parcel_g:
                overweight.append(parcel.tracking)
                continue
            by_zone[self.zone_for(parcel.postcode)].append(parcel)

        runs: dict[str, list[DeliveryRun]] = {}
        for zone, zone_parcels in by_zone.items():
            zone_parcels.sort(key=lambda p: (not p.priority, p.tracking))
            zone_runs = [DeliveryRun(zone)]
            for parcel in zone_parcels:
                current = zone_runs[-1]
                if current.load_g + parcel.weight_g > self.van_capacity_g:
                    current = DeliveryRun(zone)
                    zone_runs.append(current)
                current.parcels.append(parcel)
                current.load_g += parcel.weight_g
            runs[zone] = zone_runs
        if held:
            log.debug("%d parcels held for embargoed postcodes", len(held))
        return RoutePlan(runs=runs, held=held, overweight=overweight)


def run_count(plan: RoutePlan) -> int:
    return sum(len(zone_runs) for zone_runs in plan.runs.values())
