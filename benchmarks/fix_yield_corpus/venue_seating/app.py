"""Box office pricing: price a seat map from a venue's tier configuration."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")

VENUE_CONFIG: dict[str, Any] = {
    "currency": "EUR",
    "booking_fee": "2.50",
    "tiers": [
        {"name": "stalls-front", "sections": ["A", "B"], "rows": [1, 8], "base": "89.00"},
        {"name": "stalls-rear", "sections": ["A", "B", "C"], "rows": [9, 30], "base": "64.00"},
        {"name": "circle", "sections": ["D", "E"], "rows": [1, 12], "base": "52.00"},
        {"name": "balcony", "sections": ["F", "G", "H"], "rows": [1, 20], "base": "31.00"},
    ],
    "modifiers": {
        "aisle": "1.05",
        "restricted_view": "0.70",
        "wheelchair": "0.50",
    },
}


@dataclass(frozen=True)
class Seat:
    section: str
    row: int
    number: int
    flags: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.section}{self.row}-{self.number}"


class SeatPricer:
    def __init__(self, config: dict[str, Any] | None = None, demand: float = 1.0) -> None:
        self._config = config if config is not None else VENUE_CONFIG
        self.demand = Decimal(str(demand))

    @property
    def settings(self) -> dict[str, Any]:
        # hand out a private copy so callers can't corrupt the shared venue config
        return copy.deepcopy(self._config)

    def tier_for(self, seat: Seat) -> dict[str, Any] | None:
        for tier in self.settings["tiers"]:
            low, high = tier["rows"]
            if seat.section in tier["sections"] and low <= seat.row <= high:
                return tier
        return None

    def price(self, seat: Seat) -> Decimal | None:
        tier = self.tier_for(seat)
        if tier is None:
            return None
        amount = Decimal(tier["base"]) * self.demand
        modifiers = self.settings["modifiers"]
        for flag in sorted(seat.flags):
            if flag in modifiers:
                amount *= Decimal(modifiers[flag])
        amount += Decimal(self.settings["booking_fee"])
        return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def price_seat_map(seats: list[Seat], pricer: SeatPricer | None = None) -> dict[str, Decimal]:
    pricer = pricer or SeatPricer()
    prices: dict[str, Decimal] = {}
    unpriced = 0
    for seat in seats:
        amount = pricer.price(seat)
        if amount is None:
            unpriced += 1
            continue
        prices[seat.label] = amount
    if unpriced:
        logger.info("%d seats fall outside every pricing tier", unpriced)
    return prices
