"""Check-in and boarding control for a roll-on/roll-off ferry sailing."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Lane(Enum):
    CAR = "car"
    VAN = "van"
    FREIGHT = "freight"
    FOOT = "foot"


# metres of lane each vehicle class needs, including the gap to the next vehicle
LANE_METRES = {Lane.CAR: 5.5, Lane.VAN: 7.0, Lane.FREIGHT: 17.5, Lane.FOOT: 0.0}
HAZMAT_CLASSES = {"2.1", "3", "4.1", "5.1", "8"}


@dataclass(frozen=True)
class Booking:
    ref: str
    sailing: str
    lane: Lane
    passengers: int
    plate: str = ""
    hazmat_class: str = ""


@dataclass(frozen=True)
class GateScan:
    ref: str
    plate: str
    ts: int
    passengers: int


@dataclass
class Deck:
    name: str
    lanes: int
    lane_length_m: float
    allows: frozenset[Lane]
    used_m: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.used_m = [0.0] * self.lanes

    def place(self, need_m: float) -> int | None:
        best = None
        for i, used in enumerate(self.used_m):
            if used + need_m <= self.lane_length_m and (best is None or used < self.used_m[best]):
                best = i
        if best is not None:
            self.used_m[best] += need_m
        return best


@dataclass
class BoardingResult:
    boarded: list[tuple[str, str, int]] = field(default_factory=list)  # (ref, deck, lane)
    refused: dict[str, list[str]] = field(default_factory=dict)  # reason -> refs
    passengers: int = 0

    def refuse(self, reason: str, ref: str) -> None:
        self.refused.setdefault(reason, []).append(ref)


def normalise_plate(plate: str) -> str:
    return "".join(ch for ch in plate.upper() if ch.isalnum())


def board(
    sailing: str,
    bookings: dict[str, Booking],
    scans: list[GateScan],
    decks: list[Deck],
    max_passengers: int,
    hazmat_deck: str = "",
) -> BoardingResult:
    """Process gate scans in arrival order and allocate each vehicle to a deck lane."""
    result = BoardingResult()
    checked_in: list[str] = []
    for scan in sorted(scans, key=lambda s: (s.ts, s.ref)):
        booking = bookings.get(scan.ref)
        if booking is None or booking.sailing != sailing:
            result.refuse("no booking for this sailing", scan.ref)
            continue
        if scan.ref in checked_in:
            result.refuse("already checked in", scan.ref)
            continue
        if booking.lane is not Lane.FOOT and normalise_plate(scan.plate) != normalise_plate(
            booking.plate
        ):
            result.refuse("plate mismatch", scan.ref)
            continue
        if scan.passengers > booking.passengers:
            result.refuse("more passengers than booked", scan.ref)
            continue
        if result.passengers + scan.passengers > max_passengers:
            result.refuse("passenger certificate full", scan.ref)
            continue

        if booking.lane is Lane.FOOT:
            placed = ("FOOT", -1)
        else:
            placed = None
            candidates = decks
            if booking.hazmat_class in HAZMAT_CLASSES:
                candidates = [d for d in decks if d.name == hazmat_deck]
            for deck in candidates:
                if booking.lane in deck.allows:
                    lane_no = deck.place(LANE_METRES[booking.lane])
                    if lane_no is not None:
                        placed = (deck.name, lane_no)
                        break
            if placed is None:
                result.refuse("no deck space", scan.ref)
                continue

        checked_in.append(scan.ref)
        result.passengers += scan.passengers
        result.boarded.append((scan.ref, *placed))
    return result


def loading_summary(result: BoardingResult, decks: list[Deck]) -> dict:
    per_deck: dict[str, int] = {}
    for _ref, deck, _lane in result.boarded:
        per_deck[deck] = per_deck.get(deck, 0) + 1
    return {
        "boarded": len(result.boarded),
        "passengers": result.passengers,
        "refused": {reason: len(refs) for reason, refs in sorted(result.refused.items())},
        "per_deck": dict(sorted(per_deck.items())),
        "fill": {d.name: round(sum(d.used_m) / (d.lanes * d.lane_length_m), 3) for d in decks},
    }
