"""Incoming-loan registry for a museum's exhibitions department.

Each loan agreement lists the lent objects with their dimensions, agreed
value and environmental requirements.  Curators ask which loans a gallery
can host (light, humidity, temperature) and how much wall and floor they need.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Gallery:
    name: str
    max_lux: int
    rh_range: tuple[float, float]
    temp_range: tuple[float, float]
    wall_cm: float
    floor_m2: float


class UnknownLoan(KeyError):
    pass


class LoanRegistry:
    HANGING_GAP_CM = 60  # space either side of a hung work

    def __init__(self) -> None:
        self._loans: dict[str, dict] = {}

    def register(self, loan: dict) -> None:
        if not loan.get("objects"):
            raise ValueError(f"loan {loan.get('id')} lists no objects")
        for obj in loan["objects"]:
            low, high = obj["requirements"]["rh"]
            if low > high:
                raise ValueError(f"{obj['accession']}: bad humidity range")
        self._loans[loan["id"]] = loan

    def get(self, loan_id: str) -> dict:
        """A copy of the loan record; callers may annotate it freely."""
        try:
            return copy.deepcopy(self._loans[loan_id])
        except KeyError:
            raise UnknownLoan(loan_id) from None

    def ids(self) -> list[str]:
        return sorted(self._loans)

    def insured_value(self, loan_id: str) -> int:
        return sum(obj["value"] for obj in self.get(loan_id)["objects"])

    def space_needed(self, loan_id: str) -> tuple[float, float]:
        """(wall centimetres, floor square metres) for the loan's objects."""
        wall = 0.0
        floor = 0.0
        for obj in self.get(loan_id)["objects"]:
            dims = obj["dims_cm"]
            if obj["display"] == "wall":
                wall += dims["w"] + 2 * self.HANGING_GAP_CM
            else:
                # plinth or case: footprint plus a 1 m viewing margin all round
                floor += (dims["w"] / 100 + 2) * (dims["d"] / 100 + 2)
        return wall, round(floor, 2)

    def conflicts(self, loan_id: str, gallery: Gallery) -> list[str]:
        problems = []
        for obj in self.get(loan_id)["objects"]:
            req = obj["requirements"]
            acc = obj["accession"]
            if gallery.max_lux > req["lux"]:
                problems.append(f"{acc}: light {gallery.max_lux} lux > {req['lux']}")
            if gallery.rh_range[0] < req["rh"][0] or gallery.rh_range[1] > req["rh"][1]:
                problems.append(f"{acc}: humidity outside {req['rh'][0]}-{req['rh'][1]}%")
            if gallery.temp_range[0] < req["temp"][0] or gallery.temp_range[1] > req["temp"][1]:
                problems.append(f"{acc}: temperature outside agreed range")
        return problems


def plan_gallery(registry: LoanRegistry, gallery: Gallery, wanted: list[str]) -> dict:
    """Greedily accept wanted loans in order while they fit the room."""
    accepted, refused = [], {}
    wall_left, floor_left = gallery.wall_cm, gallery.floor_m2
    value = 0
    for loan_id in wanted:
        try:
            problems = registry.conflicts(loan_id, gallery)
        except UnknownLoan:
            refused[loan_id] = ["unknown loan"]
            continue
        if problems:
            refused[loan_id] = problems
            continue
        wall, floor = registry.space_needed(loan_id)
        if wall > wall_left or floor > floor_left:
            refused[loan_id] = ["not enough space"]
            continue
        wall_left -= wall
        floor_left -= floor
        value += registry.insured_value(loan_id)
        accepted.append(loan_id)
    return {
        "gallery": gallery.name,
        "accepted": accepted,
        "refused": refused,
        "wall_left_cm": round(wall_left, 1),
        "floor_left_m2": round(floor_left, 2),
        "insured_value": value,
    }
