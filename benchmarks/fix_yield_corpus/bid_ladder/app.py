"""Close timed auction lots and work out what each winning bidder owes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

BUYER_PREMIUM = 0.125
MIN_INCREMENT = 0.50
SETTINGS = {
    "currency": "EUR",
    "round_to": 2,
    "premium_cap": 2500.0,
}


@dataclass(frozen=True)
class Bid:
    bidder: str
    amount: float


@dataclass
class Lot:
    lot_id: str
    reserve: float
    bids: list[Bid] = field(default_factory=list)

    @property
    def amounts(self) -> list[float]:
        return [bid.amount for bid in self.bids]


@dataclass(frozen=True)
class Settlement:
    lot_id: str
    hammer: float
    premium: float
    total: float
    sold: bool


def _premium(hammer: float) -> float:
    return min(round(hammer * BUYER_PREMIUM, SETTINGS["round_to"]), SETTINGS["premium_cap"])


def hammer_price(lot: Lot) -> float:
    """The highest amount bid on the lot, or 0.0 when nobody bid."""
    if not lot.bids:
        return 0.0
    ladder = sorted(lot.amounts)
    return ladder[-1]


def settle_lot(lot: Lot) -> Settlement:
    hammer = hammer_price(lot)
    if hammer < lot.reserve or hammer < MIN_INCREMENT:
        return Settlement(lot.lot_id, hammer, 0.0, 0.0, False)
    premium = _premium(hammer)
    total = round(hammer + premium, SETTINGS["round_to"])
    return Settlement(lot.lot_id, hammer, premium, total, True)


def close_auction(lots: list[Lot]) -> dict[str, Settlement]:
    results: dict[str, Settlement] = {}
    for lot in lots:
        results[lot.lot_id] = settle_lot(lot)
    logger.debug("closed %d lots (%s)", len(lots), SETTINGS["currency"])
    return results


def auction_takings(settlements: dict[str, Settlement]) -> float:
    return round(sum(s.total for s in settlements.values() if s.sold), SETTINGS["round_to"])
