"""Fleet fuel cards: screen a day's card transactions against limits and the blocked-site feed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

#: products each card profile may buy
PROFILE_PRODUCTS = {
    "diesel-only": ("ULSD", "DEF"),
    "gasoline": ("REG", "MID", "PREM"),
    "any-fuel": ("ULSD", "DEF", "REG", "MID", "PREM", "E85"),
}
DAILY_LITRE_LIMIT = {"diesel-only": 900.0, "gasoline": 150.0, "any-fuel": 400.0}
MAX_UNIT_PRICE = 2.60


@dataclass(frozen=True)
class Card:
    number: str
    profile: str
    vehicle: str


@dataclass(frozen=True)
class Txn:
    txn_id: str
    card: str
    site: str
    product: str
    litres: float
    amount: float


@dataclass(frozen=True)
class Flag:
    txn_id: str
    card: str
    reason: str


def parse_site_feed(text: str) -> list[str]:
    """Site ids from the network's blocked-site feed: one per line, '#' comments."""
    sites = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            sites.append(entry.upper())
    return sites


class Screener:
    def __init__(self, cards: list[Card], blocked_feed: str) -> None:
        self.cards = {c.number: c for c in cards}
        self.blocked_sites = parse_site_feed(blocked_feed)

    def _reason(self, txn: Txn, card: Card | None, litres_so_far: float) -> str | None:
        if card is None:
            return "unknown card"
        if txn.site in self.blocked_sites:
            return f"blocked site {txn.site}"
        if txn.product not in PROFILE_PRODUCTS[card.profile]:
            return f"{txn.product} not allowed on {card.profile}"
        if txn.litres > 0 and txn.amount / txn.litres > MAX_UNIT_PRICE:
            return "unit price above ceiling"
        if litres_so_far + txn.litres > DAILY_LITRE_LIMIT[card.profile]:
            return "daily litre limit"
        return None

    def screen(self, txns: list[Txn]) -> tuple[list[Flag], dict[str, float]]:
        litres: dict[str, float] = defaultdict(float)
        flags = []
        for txn in txns:
            card = self.cards.get(txn.card)
            reason = self._reason(txn, card, litres.get(txn.card, 0.0))
            if reason:
                flags.append(Flag(txn.txn_id, txn.card, reason))
            else:
                litres[txn.card] += txn.litres
        return flags, dict(litres)


def daily_report(cards: list[Card], blocked_feed: str, txns: list[Txn]) -> dict:
    flags, litres = Screener(cards, blocked_feed).screen(txns)
    by_reason: dict[str, int] = defaultdict(int)
    for flag in flags:
        by_reason[flag.reason.split(" ")[0]] += 1
    return {
        "flags": flags,
        "by_reason": dict(by_reason),
        "approved_litres": round(sum(litres.values()), 2),
        "cards_used": len(litres),
    }
