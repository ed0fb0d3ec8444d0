"""Screen passenger baggage against the carrier's dangerous-goods and weight rules."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from enum import Enum

log = logging.getLogger(__name__)

# UN numbers that are forbidden in passenger baggage altogether, taken from the
# ranges in the carrier's dangerous-goods manual (explosives, toxic and flammable
# gases, pyrophorics, oxidisers, organic peroxides, toxic and infectious substances,
# radioactive material).
FORBIDDEN_UN_NUMBERS: list[str] = [
    f"UN{n:04d}"
    for n in (
        *range(4, 510),
        *range(1001, 1050),
        *range(1093, 1265, 2),
        *range(1360, 1400),
        *range(1415, 1510),
        *range(1541, 1700),
        *range(1722, 1810, 3),
        *range(1990, 2030),
        *range(2040, 2200),
        *range(2810, 2815),
        *range(2908, 2920),
        *range(3071, 3150, 2),
        *range(3373, 3380),
    )
]

# Allowed in the cabin only, never in the hold, with a per-passenger quantity cap.
CABIN_ONLY_LIMITS: dict[str, int] = {
    "UN3480": 2,  # spare lithium ion batteries
    "UN3090": 2,  # spare lithium metal batteries
    "UN1057": 1,  # lighters
}

# Allowed in either cabin or hold, capped by total net quantity (ml or g).
QUANTITY_LIMITS: dict[str, int] = {
    "UN1266": 2000,  # perfumery products
    "UN1950": 2000,  # aerosols, toiletries
    "UN1170": 1000,  # ethanol solutions (alcoholic beverages 24-70%)
    "UN3481": 5000,  # lithium ion batteries packed in equipment
    "UN1845": 2500,  # dry ice for perishables
    "UN2037": 500,  # gas cartridges, small (hair curlers)
}

CABIN_LIQUID_LIMIT_ML = 100


class Placement(Enum):
    CABIN = "cabin"
    HOLD = "hold"


class Verdict(Enum):
    CLEARED = "cleared"
    REMOVE_ITEMS = "remove_items"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Item:
    description: str
    un_number: str | None = None
    quantity: int = 0  # ml or g for dangerous goods
    is_liquid: bool = False


@dataclass(frozen=True)
class Bag:
    tag: str
    passenger_id: str
    placement: Placement
    weight_kg: float
    items: tuple[Item, ...]


@dataclass(frozen=True)
class CabinClassAllowance:
    pieces: int
    max_piece_kg: float
    heavy_piece_limit_kg: float = 32.0


ALLOWANCES: dict[str, CabinClassAllowance] = {
    "Y": CabinClassAllowance(pieces=1, max_piece_kg=23.0),
    "W": CabinClassAllowance(pieces=2, max_piece_kg=23.0),
    "J": CabinClassAllowance(pieces=2, max_piece_kg=32.0),
    "F": CabinClassAllowance(pieces=3, max_piece_kg=32.0),
}


@dataclass
class BagResult:
    tag: str
    verdict: Verdict
    findings: list[str] = field(default_factory=list)
    excess_fee: float = 0.0


@dataclass
class PassengerResult:
    passenger_id: str
    bags: list[BagResult]

    @property
    def total_fees(self) -> float:
        return round(sum(b.excess_fee for b in self.bags), 2)

    @property
    def may_board(self) -> bool:
        return all(b.verdict is not Verdict.REJECTED for b in self.bags)


@dataclass(frozen=True)
class FeeSchedule:
    overweight_per_kg: float = 12.5
    extra_piece: float = 75.0
    heavy_surcharge: float = 150.0


def normalise_un(code: str | None) -> str | None:
    """Accept 'UN 1266', 'un1266' or '1266' and return the canonical 'UN1266'."""
    if not code:
        return None
    digits = "".join(ch for ch in code if ch.isdigit())
    if not digits:
        return None
    return f"UN{int(digits):04d}"


def screen_items(bag: Bag) -> tuple[Verdict, list[str]]:
    """Check every item in the bag against the dangerous-goods lists."""
    findings: list[str] = []
    verdict = Verdict.CLEARED
    totals: Counter[str] = Counter()
    for item in bag.items:
        un = normalise_un(item.un_number)
        too_much_liquid = item.is_liquid and item.quantity > CABIN_LIQUID_LIMIT_ML
        if bag.placement is Placement.CABIN and too_much_liquid:
            findings.append(f"{item.description}: liquid over {CABIN_LIQUID_LIMIT_ML} ml")
            verdict = _worst(verdict, Verdict.REMOVE_ITEMS)
        if un is None:
            continue
        if un in FORBIDDEN_UN_NUMBERS:
            findings.append(f"{item.description}: {un} forbidden in baggage")
            verdict = Verdict.REJECTED
            continue
        if un in CABIN_ONLY_LIMITS:
            if bag.placement is Placement.HOLD:
                findings.append(f"{item.description}: {un} must travel in the cabin")
                verdict = _worst(verdict, Verdict.REMOVE_ITEMS)
                continue
            totals[un] += 1
            continue
        totals[un] += item.quantity
    for un, amount in totals.items():
        limit = CABIN_ONLY_LIMITS.get(un, QUANTITY_LIMITS.get(un))
        if limit is not None and amount > limit:
            findings.append(f"{un}: {amount} exceeds limit of {limit}")
            verdict = _worst(verdict, Verdict.REMOVE_ITEMS)
    return verdict, findings


def _worst(a: Verdict, b: Verdict) -> Verdict:
    order = [Verdict.CLEARED, Verdict.REMOVE_ITEMS, Verdict.REJECTED]
    return a if order.index(a) >= order.index(b) else b


class BaggageScreener:
    """Screen all bags of a flight, passenger by passenger."""

    def __init__(self, fees: FeeSchedule | None = None) -> None:
        self.fees = fees or FeeSchedule()
        self.stats: Counter[str] = Counter()

    def weight_fee(self, bag: Bag, allowance: CabinClassAllowance) -> tuple[float, list[str]]:
        if bag.placement is Placement.CABIN:
            return 0.0, []
        notes: list[str] = []
        fee = 0.0
        if bag.weight_kg > allowance.heavy_piece_limit_kg:
            notes.append(f"piece over {allowance.heavy_piece_limit_kg:g} kg")
            fee += self.fees.heavy_surcharge
        if bag.weight_kg > allowance.max_piece_kg:
            excess = bag.weight_kg - allowance.max_piece_kg
            fee += round(excess * self.fees.overweight_per_kg, 2)
        return fee, notes

    def screen_passenger(self, passenger_id: str, cabin: str, bags: list[Bag]) -> PassengerResult:
        allowance = ALLOWANCES.get(cabin, ALLOWANCES["Y"])
        results: list[BagResult] = []
        hold_pieces = 0
        for bag in bags:
            verdict, findings = screen_items(bag)
            fee, notes = self.weight_fee(bag, allowance)
            findings.extend(notes)
            if bag.placement is Placement.HOLD:
                hold_pieces += 1
                if hold_pieces > allowance.pieces:
                    fee += self.fees.extra_piece
            results.append(BagResult(bag.tag, verdict, findings, round(fee, 2)))
            self.stats[verdict.value] += 1
        return PassengerResult(passenger_id, results)

    def screen_flight(
        self, manifest: dict[str, str], bags: list[Bag]
    ) -> dict[str, PassengerResult]:
        by_passenger: dict[str, list[Bag]] = {}
        for bag in bags:
            by_passenger.setdefault(bag.passenger_id, []).append(bag)
        results: dict[str, PassengerResult] = {}
        for passenger_id, own in by_passenger.items():
            cabin = manifest.get(passenger_id)
            if cabin is None:
                log.warning("bags for %s who is not on the manifest", passenger_id)
                cabin = "Y"
            results[passenger_id] = self.screen_passenger(passenger_id, cabin, own)
        return results


def flight_summary(results: dict[str, PassengerResult]) -> dict[str, float]:
    verdicts: Counter[str] = Counter()
    fees = 0.0
    offloads = 0
    for res in results.values():
        for bag in res.bags:
            verdicts[bag.verdict.value] += 1
        fees += res.total_fees
        if not res.may_board:
            offloads += 1
    return {
        "bags": float(sum(verdicts.values())),
        "cleared": float(verdicts[Verdict.CLEARED.value]),
        "remove_items": float(verdicts[Verdict.REMOVE_ITEMS.value]),
        "rejected": float(verdicts[Verdict.REJECTED.value]),
        "passengers_held": float(offloads),
        "fees": round(fees, 2),
    }
