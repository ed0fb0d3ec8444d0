"""Shipping quotes: each parcel is priced from its carrier's rate card (a base fee per zone,
a price per started kilogram and surcharges for handling flags), one line per charge."""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass


@dataclass(frozen=True)
class RateCard:
    carrier: str
    base_cents: dict[str, int]
    per_kg_cents: dict[str, int]
    surcharge_cents: dict[str, int]
    max_kg: int


@dataclass(frozen=True)
class Parcel:
    id: str
    carrier: str
    zone: str
    kg: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuoteLine:
    parcel: str
    carrier: str
    charge: str
    cents: int


def quote_parcel(parcel: Parcel, cards: dict[str, RateCard]) -> list[QuoteLine]:
    card = deepcopy(cards[parcel.carrier])  # never price against the shared card itself
    lines: list[QuoteLine] = []
    if parcel.kg > card.max_kg:
        return lines
    base = card.base_cents.get(parcel.zone, card.base_cents["*"])
    lines.append(QuoteLine(parcel.id, card.carrier, "base", base))
    per_kg = card.per_kg_cents.get(parcel.zone, 0)
    lines.append(QuoteLine(parcel.id, card.carrier, "weight", parcel.kg * per_kg))
    for flag in parcel.flags:
        fee = card.surcharge_cents.get(flag, 0)
        if fee > 0:
            lines.append(QuoteLine(parcel.id, card.carrier, flag, fee))
    return lines


def quote_all(parcels: Iterable[Parcel], cards: dict[str, RateCard]) -> list[QuoteLine]:
    return [line for parcel in parcels for line in quote_parcel(parcel, cards)]
