"""Student housing: match room requests against the residence-hall inventory."""

from __future__ import annotations

import json
import logging
from copy import deepcopy
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class RoomRequest:
    student_id: str
    beds: int = 1
    needs: list[str] = field(default_factory=list)
    avoid_buildings: tuple[str, ...] = ()
    max_rent: float | None = None


class RoomInventory:
    """Rooms of one term, loaded from the housing office's JSON export."""

    def __init__(self, raw: str) -> None:
        payload = json.loads(raw)
        self.term: str = payload["term"]
        self._rooms: list[dict] = payload["rooms"]
        self._by_number = {room["number"]: room for room in self._rooms}

    def free_beds(self, number: str) -> int:
        room = self._by_number[number]
        return room["beds"] - len(room["occupants"])

    def matches(self, request: RoomRequest) -> list[str]:
        """Room numbers that fit ``request``, cheapest first, then by number."""
        rooms = deepcopy(self._rooms)
        fits = []
        for room in rooms:
            if room["building"] in request.avoid_buildings or room["closed"]:
                continue
            if room["beds"] - len(room["occupants"]) < request.beds:
                continue
            if request.max_rent is not None and room["rent"]["monthly"] > request.max_rent:
                continue
            if any(need not in room["amenities"] for need in request.needs):
                continue
            fits.append((room["rent"]["monthly"], room["number"]))
        fits.sort()
        return [number for _, number in fits]

    def assign(self, request: RoomRequest) -> str | None:
        candidates = self.matches(request)
        if not candidates:
            log.warning("no room for %s", request.student_id)
            return None
        number = candidates[0]
        occupants = self._by_number[number]["occupants"]
        for seat in range(request.beds):
            occupants.append(request.student_id if seat == 0 else f"{request.student_id}+{seat}")
        return number

    def snapshot(self) -> dict[str, list[str]]:
        return {room["number"]: list(room["occupants"]) for room in self._rooms}


def allocate(raw_inventory: str, requests: list[RoomRequest]) -> dict[str, str | None]:
    """Assign each request in order; later requests see earlier assignments."""
    inventory = RoomInventory(raw_inventory)
    return {request.student_id: inventory.assign(request) for request in requests}
