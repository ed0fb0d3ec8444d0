"""Rate freight shipments against a carrier tariff book and pick the cheapest lane."""

from __future__ import annotations

import copy
import logging
import math
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shipment:
    ref: str
    mode: str
    origin: str
    dest: str
    weight_kg: float
    volume_m3: float = 0.0
    hazardous: bool = False


@dataclass(frozen=True)
class Quote:
    ref: str
    carrier: str
    charge: float
    breakdown: str


def describe_charges(priced: dict) -> str:
    parts = [f"base {priced['base']:.2f}"]
    parts += [f"{name} {amount:.2f}" for name, amount in sorted(priced["surcharges"].items())]
    return f"{priced['carrier']} [{len(priced['surcharges'])} surcharges]: " + ", ".join(parts)


class TariffBook:
    RULES: list[dict] = [
        {
            "carrier": "RoadRunner",
            "mode": "road",
            "origins": ["DE", "NL", "BE", "FR"],
            "dests": ["DE", "NL", "BE", "FR", "PL"],
            "per_kg": 0.18,
            "minimum": 45.0,
            "max_kg": 24000,
            "surcharges": {"toll": 12.0, "fuel": 0.11},
            "hazmat": {"allowed": True, "fee": 80.0},
        },
        {
            "carrier": "EuroHaul",
            "mode": "road",
            "origins": ["DE", "PL", "CZ", "AT"],
            "dests": ["DE", "PL", "CZ", "AT", "HU", "FR"],
            "per_kg": 0.15,
            "minimum": 60.0,
            "max_kg": 20000,
            "surcharges": {"toll": 18.0, "fuel": 0.14, "border": 25.0},
            "hazmat": {"allowed": False, "fee": 0.0},
        },
        {
            "carrier": "CityVan",
            "mode": "road",
            "origins": ["DE", "NL"],
            "dests": ["DE", "NL"],
            "per_kg": 0.40,
            "minimum": 20.0,
            "max_kg": 1200,
            "surcharges": {"fuel": 0.09},
            "hazmat": {"allowed": False, "fee": 0.0},
        },
        {
            "carrier": "SkyCargo",
            "mode": "air",
            "origins": ["DE", "FR", "NL", "US", "CN"],
            "dests": ["DE", "FR", "NL", "US", "CN", "JP"],
            "per_kg": 2.9,
            "minimum": 120.0,
            "max_kg": 5000,
            "surcharges": {"security": 35.0, "fuel": 0.22, "screening": 15.0},
            "hazmat": {"allowed": True, "fee": 250.0},
        },
    ]

    def __init__(self, volumetric_kg_per_m3: float = 250.0) -> None:
        self.volumetric = volumetric_kg_per_m3

    def chargeable_kg(self, shipment: Shipment) -> float:
        return max(shipment.weight_kg, math.ceil(shipment.volume_m3 * self.volumetric))

    def rate(self, shipment: Shipment) -> Quote | None:
        lanes = [copy.deepcopy(rule) for rule in self.RULES if rule["mode"] == shipment.mode]
        kg = self.chargeable_kg(shipment)
        best: Quote | None = None
        for lane in lanes:
            if shipment.origin not in lane["origins"] or shipment.dest not in lane["dests"]:
                continue
            if kg > lane["max_kg"] or (shipment.hazardous and not lane["hazmat"]["allowed"]):
                continue
            base = max(lane["minimum"], kg * lane["per_kg"])
            fuel = round(base * lane["surcharges"].get("fuel", 0.0), 2)
            surcharges = {**lane["surcharges"], "fuel": fuel}
            if shipment.hazardous:
                surcharges["hazmat"] = lane["hazmat"]["fee"]
            priced = {**lane, "base": round(base, 2), "surcharges": surcharges}
            charge = round(priced["base"] + sum(surcharges.values()), 2)
            if best is None or charge < best.charge:
                best = Quote(shipment.ref, lane["carrier"], charge, describe_charges(priced))
        return best

    def rate_all(self, shipments: list[Shipment]) -> dict[str, Quote | None]:
        quotes = {shipment.ref: self.rate(shipment) for shipment in shipments}
        logger.debug("rated %d shipments", len(quotes))
        return quotes
