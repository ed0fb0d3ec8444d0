"""Shipping quotes: for each parcel, the cheapest carrier serving its zone (ties go to the
carrier listed first)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def quote(parcel: Mapping[str, Any], carrier: Mapping[str, Any]) -> int:
    return carrier["base_cents"] + carrier["per_kg_cents"] * parcel["kg"]


def cheapest(
    parcels: Iterable[Mapping[str, Any]], carriers: Sequence[Mapping[str, Any]]
) -> dict[str, tuple[str, int] | None]:
    """Per parcel id, ``(carrier name, price in cents)`` of the cheapest carrier, or None."""
    best: dict[str, tuple[str, int] | None] = {}
    for parcel in parcels:
        offers = [
            (carrier["name"], quote(parcel, carrier))
            for carrier in carriers
            if parcel["zone"] in carrier["zones"]
        ]
        best[parcel["id"]] = sorted(offers, key=lambda offer: offer[1])[0] if offers else None
    return best
