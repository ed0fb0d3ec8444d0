"""Price guided-tour bookings for operators that tweak a shared base tariff."""

from __future__ import annotations

import copy as cp
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

BASE_PRICING: dict[str, Any] = {
    "currency": "EUR",
    "seasons": {
        "low": {"months": [1, 2, 3, 11], "multiplier": 0.85},
        "shoulder": {"months": [4, 5, 10, 12], "multiplier": 1.0},
        "high": {"months": [6, 7, 8, 9], "multiplier": 1.25},
    },
    "extras": {"guide": 45.0, "lunch": 18.0, "transfer": 30.0, "insurance": 12.5},
    "group_discounts": [
        {"min_size": 20, "pct": 12},
        {"min_size": 8, "pct": 5},
        {"min_size": 12, "pct": 8},
    ],
    "child_share": 0.6,
    "rounding": 0.5,
}


@dataclass(frozen=True)
class Booking:
    tour: str
    base_price: float
    month: int
    adults: int
    children: int = 0
    extras: tuple[str, ...] = ()


def season_for(month: int, seasons: dict[str, dict]) -> tuple[str, float]:
    for name, season in seasons.items():
        if month in season["months"]:
            return name, season["multiplier"]
    raise ValueError(f"month out of range: {month}")


def round_to(amount: float, step: float) -> float:
    return round(round(amount / step) * step, 2)


class TourOperator:
    def __init__(self, name: str, overrides: dict[str, Any] | None = None) -> None:
        self.name = name
        self.overrides = overrides or {}

    @property
    def pricing(self) -> dict[str, Any]:
        """The base tariff with this operator's overrides applied on top."""
        merged = cp.deepcopy(BASE_PRICING)
        merged.update(self.overrides)
        return merged

    def discount_pct(self, group_size: int) -> int:
        tiers = sorted(self.pricing["group_discounts"], key=lambda t: t["min_size"], reverse=True)
        for tier in tiers:
            if group_size >= tier["min_size"]:
                return tier["pct"]
        return 0

    def quote(self, booking: Booking) -> tuple[float, str]:
        pricing = self.pricing
        season, multiplier = season_for(booking.month, pricing["seasons"])
        heads = booking.adults + booking.children * pricing["child_share"]
        per_head = booking.base_price * multiplier
        per_head += sum(pricing["extras"].get(extra, 0.0) for extra in booking.extras)
        subtotal = per_head * heads
        pct = self.discount_pct(booking.adults + booking.children)
        total = round_to(subtotal * (100 - pct) / 100, pricing["rounding"])
        line = (
            f"{self.name}: {booking.tour} ({season}, {booking.adults}+{booking.children}"
            f", -{pct}%) {total:.2f} {self.pricing['currency']}"
        )
        return total, line


def quote_all(operator: TourOperator, bookings: list[Booking]) -> list[str]:
    lines = [operator.quote(booking)[1] for booking in bookings]
    logger.debug("%s quoted %d bookings", operator.name, len(lines))
    return lines
