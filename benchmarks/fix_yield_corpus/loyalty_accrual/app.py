"""Loyalty programme: work out points earned for each purchase."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal

logger = logging.getLogger(__name__)

DEFAULT_PROGRAMME = {
    "base_rate": "1.0",  # points per currency unit
    "tiers": {
        "bronze": {"multiplier": "1.0", "cap": 5000},
        "silver": {"multiplier": "1.25", "cap": 8000},
        "gold": {"multiplier": "1.5", "cap": 12000},
        "platinum": {"multiplier": "2.0", "cap": None},
    },
    "categories": {
        "grocery": "1.0",
        "fuel": "0.5",
        "electronics": "2.0",
        "travel": "3.0",
        "dining": "1.5",
        "pharmacy": "1.0",
        "gift_cards": "0.0",
    },
    "promotions": [
        {
            "name": "double-dining-weekend",
            "category": "dining",
            "bonus": "1.0",
            "weekdays": [5, 6],
            "tiers": ["silver", "gold", "platinum"],
        },
        {
            "name": "spring-travel",
            "category": "travel",
            "bonus": "0.5",
            "start": "2024-03-01",
            "end": "2024-05-31",
            "tiers": None,
        },
        {
            "name": "platinum-electronics",
            "category": "electronics",
            "bonus": "1.0",
            "weekdays": None,
            "tiers": ["platinum"],
        },
    ],
}


@dataclass(frozen=True)
class Purchase:
    member_id: str
    tier: str
    category: str
    amount: Decimal
    day: date


def _promo_applies(promo: dict, purchase: Purchase) -> bool:
    if promo["category"] != purchase.category:
        return False
    if promo.get("tiers") and purchase.tier not in promo["tiers"]:
        return False
    if promo.get("weekdays") and purchase.day.weekday() not in promo["weekdays"]:
        return False
    start = date.fromisoformat(promo["start"]) if "start" in promo else date.min
    end = date.fromisoformat(promo["end"]) if "end" in promo else date.max
    return start <= purchase.day <= end


class PointsEngine:
    def __init__(self, programme: dict | None = None) -> None:
        self.programme = programme if programme is not None else DEFAULT_PROGRAMME

    def points_for(self, purchase: Purchase) -> int:
        # work on a private copy so a bad promo can never leak into the shared config
        rules = copy.deepcopy(self.programme)
        tier = rules["tiers"].get(purchase.tier)
        if tier is None:
            raise KeyError(f"unknown tier {purchase.tier!r}")
        rate = Decimal(rules["base_rate"]) * Decimal(tier["multiplier"])
        rate *= Decimal(rules["categories"].get(purchase.category, "1.0"))
        for promo in rules["promotions"]:
            if _promo_applies(promo, purchase):
                rate += Decimal(promo["bonus"])
        return int((purchase.amount * rate).quantize(Decimal("1"), rounding=ROUND_DOWN))

    def accrue(self, purchases: list[Purchase]) -> dict[str, int]:
        balances: dict[str, int] = {}
        for p in purchases:
            earned = self.points_for(p)
            cap = self.programme["tiers"][p.tier]["cap"]
            total = balances.get(p.member_id, 0) + earned
            if cap is not None and total > cap:
                logger.info("member %s hit %s cap of %d", p.member_id, p.tier, cap)
                total = cap
            balances[p.member_id] = total
        return balances
