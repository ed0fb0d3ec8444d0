"""Dock door scheduling: book inbound trailers onto receiving doors in fifteen-minute slots."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

SLOT_MINUTES = 15
DAY_SLOTS = 24 * 60 // SLOT_MINUTES
#: minutes to unload one pallet, by how the load is stacked
UNLOAD_RATE = {"floor": 2.5, "palletized": 0.75, "slip-sheet": 1.25}
REEFER_DOORS = frozenset({"D1", "D2"})


@dataclass
class Appointment:
    ref: str
    carrier: str
    arrival_minute: int
    pallets: int
    load_type: str
    reefer: bool = False
    lines: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Booking:
    ref: str
    door: str
    start_slot: int
    slots: int


def slots_needed(appt: Appointment) -> int:
    minutes = 20 + appt.pallets * UNLOAD_RATE[appt.load_type]
    return max(1, -(-int(minutes) // SLOT_MINUTES))


def manifest_text(appt: Appointment) -> str:
    lines = "; ".join(f"{sku} x{qty}" for sku, qty in sorted(appt.lines))
    kind = "reefer" if appt.reefer else "dry"
    return f"{appt.ref} [{appt.carrier}, {kind}, {appt.pallets} plt {appt.load_type}] {lines}"


class DockPlan:
    def __init__(self, doors: list[str]) -> None:
        self.busy: dict[str, list[bool]] = {door: [False] * DAY_SLOTS for door in doors}
        self.bookings: list[Booking] = []
        self.refused: list[str] = []

    def _fits(self, door: str, start: int, length: int) -> bool:
        row = self.busy[door]
        return start + length <= DAY_SLOTS and not any(row[start : start + length])

    def _candidates(self, appt: Appointment) -> list[str]:
        if appt.reefer:
            return sorted(REEFER_DOORS & self.busy.keys())
        return sorted(d for d in self.busy if d not in REEFER_DOORS) + sorted(REEFER_DOORS)

    def book(self, appt: Appointment) -> Booking | None:
        length = slots_needed(appt)
        earliest = -(-appt.arrival_minute // SLOT_MINUTES)
        doors = self._candidates(appt)
        log.debug("booking %s for %d slots", manifest_text(appt), length)
        for start in range(earliest, DAY_SLOTS):
            for door in doors:
                if self._fits(door, start, length):
                    row = self.busy[door]
                    row[start : start + length] = [True] * length
                    booking = Booking(appt.ref, door, start, length)
                    self.bookings.append(booking)
                    return booking
        self.refused.append(appt.ref)
        return None


def plan_day(appointments: list[Appointment], doors: list[str]) -> dict:
    """Book first-come by arrival; report door use and refused trailers."""
    plan = DockPlan(doors)
    for appt in sorted(appointments, key=lambda a: (a.arrival_minute, a.ref)):
        plan.book(appt)
    used = {door: sum(row) for door, row in plan.busy.items()}
    waits = [
        b.start_slot * SLOT_MINUTES - a.arrival_minute
        for b, a in zip(plan.bookings, _by_ref(appointments, plan.bookings), strict=True)
    ]
    return {
        "bookings": plan.bookings,
        "refused": plan.refused,
        "slots_used": used,
        "mean_wait": round(sum(waits) / len(waits), 1) if waits else 0.0,
    }


def _by_ref(appointments: list[Appointment], bookings: list[Booking]) -> list[Appointment]:
    index = {a.ref: a for a in appointments}
    return [index[b.ref] for b in bookings]
