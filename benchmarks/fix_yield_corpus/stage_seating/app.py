"""Theatre seat pricing.

Prices every seat in the house for one performance: a section base price shaped by
row and centre distance, adjusted for sightline quality, aisle and accessibility
attributes, and demand (day of week, days to curtain, how full the house already is),
then held within the seat's recent sale-price band and rounded to box-office endings.
"""

from __future__ import annotations

import copy
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

log = logging.getLogger(__name__)

PRICE_ENDINGS = (0.0, 0.5)
WEEKDAY_DEMAND = (0.85, 0.85, 0.9, 1.0, 1.15, 1.25, 1.1)  # Monday .. Sunday


@dataclass(frozen=True)
class Performance:
    code: str
    show: str
    on: date
    matinee: bool
    sold_ratio: float
    days_to_curtain: int


@dataclass(frozen=True)
class SectionRule:
    base: float
    floor: float
    ceiling: float
    row_step: float  # fraction lost per row back from the front of the section
    centre_premium: float  # fraction added at dead centre, tapering to the walls


@dataclass(frozen=True)
class SeatPrice:
    seat_id: str
    section: str
    price: float
    band: str
    notes: tuple[str, ...] = ()


class PricingError(ValueError):
    pass


def row_index(row: str) -> int:
    """Row letters A..Z then AA, BB...; 0 is the front row."""
    if not row or not row.isalpha():
        raise PricingError(f"bad row label {row!r}")
    row = row.upper()
    return (len(row) - 1) * 26 + (ord(row[0]) - ord("A"))


def centre_factor(number: int, seats_in_row: int) -> float:
    """1.0 for the middle seat of a row, 0.0 at either end."""
    if seats_in_row <= 1:
        return 1.0
    middle = (seats_in_row + 1) / 2
    return max(0.0, 1.0 - abs(number - middle) / (middle - 1 if middle > 1 else 1))


def demand_multiplier(perf: Performance) -> float:
    weekday = WEEKDAY_DEMAND[perf.on.weekday()]
    if perf.matinee:
        weekday *= 0.9
    fill = 1.0 + max(0.0, perf.sold_ratio - 0.5) * 0.8
    if perf.days_to_curtain <= 2:
        urgency = 0.9 if perf.sold_ratio < 0.6 else 1.1
    elif perf.days_to_curtain > 60:
        urgency = 0.95
    else:
        urgency = 1.0
    return weekday * fill * urgency


def round_to_ending(price: float) -> float:
    whole = math.floor(price)
    best = whole + PRICE_ENDINGS[0]
    for ending in PRICE_ENDINGS:
        for candidate in (whole + ending, whole + 1 + ending):
            if abs(candidate - price) < abs(best - price):
                best = candidate
    return round(best, 2)


def price_band(price: float, rule: SectionRule) -> str:
    span = rule.ceiling - rule.floor
    if span <= 0:
        return "B"
    position = (price - rule.floor) / span
    if position >= 0.66:
        return "A"
    if position >= 0.33:
        return "B"
    return "C"


def sightline_discount(sightline: Mapping[str, Any]) -> tuple[float, list[str]]:
    notes: list[str] = []
    discount = 0.0
    worst = max((o["severity"] for o in sightline.get("obstructions", [])), default=0.0)
    if worst >= 0.5:
        discount += 0.35
        notes.append("restricted view")
    elif worst > 0:
        discount += 0.1 * worst / 0.5
        notes.append("slightly restricted view")
    if sightline.get("angle_deg", 0) > 40:
        discount += 0.08
        notes.append("side view")
    if sightline.get("stage_distance_m", 0) > 30:
        discount += 0.05
    return min(discount, 0.5), notes


class SeatPricer:
    def __init__(self, rules: Mapping[str, SectionRule], house_cap: float = 250.0) -> None:
        self.rules = dict(rules)
        self.house_cap = house_cap

    def _row_lengths(self, seat_map: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], int]:
        lengths: dict[tuple[str, str], int] = defaultdict(int)
        for seat in seat_map:
            lengths[(seat["section"], seat["row"])] = max(
                lengths[(seat["section"], seat["row"])], seat["number"]
            )
        return lengths

    def price_seat(self, seat: Mapping[str, Any], seats_in_row: int, demand: float) -> SeatPrice:
        rule = self.rules.get(seat["section"])
        if rule is None:
            raise PricingError(f"no pricing rule for section {seat['section']}")
        notes: list[str] = []
        price = rule.base * (1 - rule.row_step * row_index(seat["row"]))
        price *= 1 + rule.centre_premium * centre_factor(seat["number"], seats_in_row)
        discount, view_notes = sightline_discount(seat["sightline"])
        price *= 1 - discount
        notes.extend(view_notes)
        attrs = seat["attributes"]
        if attrs.get("aisle"):
            price *= 1.04
            notes.append("aisle")
        if attrs.get("extra_legroom"):
            price *= 1.08
            notes.append("extra legroom")
        price *= demand
        history = seat["sale_history"]
        if history:
            recent = sum(history[-5:]) / len(history[-5:])
            price = min(max(price, recent * 0.75), recent * 1.3)
        price = min(max(price, rule.floor), rule.ceiling, self.house_cap)
        if attrs.get("wheelchair") or attrs.get("companion"):
            price = rule.floor
            notes.append("access rate")
        price = round_to_ending(price)
        return SeatPrice(seat["id"], seat["section"], price, price_band(price, rule), tuple(notes))

    def price_performance(
        self,
        perf: Performance,
        seat_map: Sequence[Mapping[str, Any]],
        unavailable: Iterable[str] = (),
    ) -> list[SeatPrice]:
        demand = demand_multiplier(perf)
        lengths = self._row_lengths(seat_map)
        skip = set(unavailable)
        prices: list[SeatPrice] = []
        for raw in seat_map:
            seat = copy.deepcopy(raw)
            if seat["id"] in skip or seat.get("killed"):
                continue
            try:
                prices.append(
                    self.price_seat(seat, lengths[(seat["section"], seat["row"])], demand)
                )
            except PricingError as exc:
                log.debug("seat %s not priced: %s", seat["id"], exc)
        return prices


def house_report(prices: Iterable[SeatPrice]) -> dict[str, Any]:
    by_section: dict[str, list[float]] = defaultdict(list)
    bands: dict[str, int] = defaultdict(int)
    for p in prices:
        by_section[p.section].append(p.price)
        bands[p.band] += 1
    return {
        "potential_gross": round(sum(sum(v) for v in by_section.values()), 2),
        "average_by_section": {s: round(sum(v) / len(v), 2) for s, v in sorted(by_section.items())},
        "bands": dict(sorted(bands.items())),
    }
