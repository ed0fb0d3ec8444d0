"""Find open appointment slots for a clinic from its weekly rota and existing bookings."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Booking:
    clinician: str
    start: datetime
    minutes: int


@dataclass(frozen=True)
class SlotRequest:
    specialty: str
    day: date
    minutes: int


class ClinicRota:
    """Weekly rota of a clinic plus the bookings made against it.

    The rota maps each clinician to ``{"specialties": [...], "days": {"mon": [[start, end], ...]}}``
    with times written as ``"HH:MM"``.
    """

    def __init__(self, rota: dict[str, dict], slot_step: int = 15) -> None:
        self._rota = rota
        self.slot_step = slot_step
        self._booked: dict[tuple[str, date], list[tuple[int, int]]] = {}

    def book(self, bookings: Iterable[Booking]) -> None:
        for b in bookings:
            start = b.start.hour * 60 + b.start.minute
            self._booked.setdefault((b.clinician, b.start.date()), []).append(
                (start, start + b.minutes)
            )

    def rota(self) -> dict[str, dict]:
        # Callers get their own copy so the shared rota can't be mutated by accident.
        return copy.deepcopy(self._rota)

    def _free(self, clinician: str, day: date, lo: int, hi: int) -> bool:
        for b_lo, b_hi in self._booked.get((clinician, day), ()):
            if b_lo < hi and lo < b_hi:
                return False
        return True

    def open_slots(self, req: SlotRequest, limit: int = 5) -> list[tuple[str, datetime]]:
        weekday = WEEKDAYS[req.day.weekday()]
        found: list[tuple[str, datetime]] = []
        for clinician, entry in sorted(self.rota().items()):
            if req.specialty not in entry["specialties"]:
                continue
            for window_start, window_end in entry["days"].get(weekday, []):
                lo = _minutes(window_start)
                end = _minutes(window_end)
                while lo + req.minutes <= end:
                    if self._free(clinician, req.day, lo, lo + req.minutes):
                        found.append(
                            (clinician, datetime.combine(req.day, time()) + timedelta(minutes=lo))
                        )
                        break
                    lo += self.slot_step
        found.sort(key=lambda cs: (cs[1], cs[0]))
        return found[:limit]


def _minutes(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


def answer_requests(
    rota: dict[str, dict], bookings: list[Booking], requests: list[SlotRequest]
) -> list[list[tuple[str, datetime]]]:
    clinic = ClinicRota(rota)
    clinic.book(bookings)
    return [clinic.open_slots(r) for r in requests]
