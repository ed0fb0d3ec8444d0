"""Fare engine: price booking requests against per-route fare rules."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import date


class NoFareError(LookupError):
    pass


@dataclass(frozen=True)
class BookingRequest:
    origin: str
    destination: str
    fare_class: str
    depart: date
    passengers: int
    bags: int = 0
    days_before_departure: int = 30


@dataclass(frozen=True)
class Quote:
    route: str
    fare_class: str
    base: int
    surcharges: tuple[tuple[str, int], ...]
    taxes: int

    @property
    def total(self) -> int:
        return self.base + sum(amount for _, amount in self.surcharges) + self.taxes


class FareBook:
    """Fare rules as published by revenue management; amounts are in cents."""

    def __init__(self, rules: dict[str, dict[str, dict]]) -> None:
        self._rules = rules

    def _rule_for(self, route: str, fare_class: str) -> dict:
        try:
            return copy.deepcopy(self._rules[route][fare_class])
        except KeyError:
            raise NoFareError(f"no {fare_class} fare on {route}") from None

    def quote(self, req: BookingRequest) -> Quote:
        route = f"{req.origin}-{req.destination}"
        rule = self._rule_for(route, req.fare_class)
        per_pax = rule["base"]
        for band in rule["seasons"]:
            if band["from"] <= req.depart.month <= band["to"]:
                per_pax = per_pax * band["factor_pct"] // 100
                break
        for step in rule["advance_purchase"]:
            if req.days_before_departure < step["within_days"]:
                per_pax += step["uplift"]
                break
        base = per_pax * req.passengers
        surcharges: list[tuple[str, int]] = []
        for fee in rule["fees"]:
            amount = fee["amount"] * (req.passengers if fee["per_pax"] else 1)
            surcharges.append((fee["code"], amount))
        extra_bags = max(0, req.bags - rule["bags_included"] * req.passengers)
        if extra_bags:
            surcharges.append(("BAG", extra_bags * rule["bag_fee"]))
        taxes = (base * rule["tax_pct"] + 50) // 100
        return Quote(route, req.fare_class, base, tuple(surcharges), taxes)

    def cheapest(self, req: BookingRequest, classes: tuple[str, ...]) -> Quote:
        quotes = []
        for fare_class in classes:
            try:
                quotes.append(self.quote(replace(req, fare_class=fare_class)))
            except NoFareError:
                continue
        if not quotes:
            raise NoFareError(f"no fare on {req.origin}-{req.destination}")
        return min(quotes, key=lambda q: q.total)


def quote_all(book: FareBook, requests: list[BookingRequest]) -> list[int]:
    return [book.quote(req).total for req in requests]
