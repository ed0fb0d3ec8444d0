"""Sort inbound parcels onto depot cages by postcode area and weight band."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

logger = logging.getLogger(__name__)

DEPOTS = {
    "north": ("AB", "DD", "IV", "KW", "PH", "EH", "G"),
    "midlands": ("B", "CV", "DE", "LE", "NG", "ST", "WV"),
    "south": ("BN", "GU", "PO", "RH", "SO", "TN", "SE", "SW"),
    "west": ("BA", "BS", "EX", "GL", "PL", "TA", "TR"),
}
WEIGHT_BANDS = [(2.0, "small"), (10.0, "medium"), (30.0, "large")]
OVERSIZE = "freight"
FALLBACK_DEPOT = "midlands"
VOLUMETRIC_DIVISOR = 5000  # cm^3 per chargeable kg
AREA_TO_DEPOT = {area: depot for depot, areas in DEPOTS.items() for area in areas}


@dataclass(frozen=True)
class Parcel:
    tracking: str
    postcode: str
    weight_kg: float
    dims_cm: tuple[int, int, int]


@dataclass(frozen=True)
class CageAssignment:
    tracking: str
    depot: str
    band: str


def postcode_area(postcode: str) -> str:
    outward = postcode.strip().upper().split(" ")[0]
    return "".join(ch for ch in outward[:2] if ch.isalpha())


def depot_for(postcode: str) -> str:
    return AREA_TO_DEPOT.get(postcode_area(postcode), FALLBACK_DEPOT)


def weight_band(parcel: Parcel) -> str:
    if max(parcel.dims_cm) > 120:
        return OVERSIZE
    for limit, band in WEIGHT_BANDS:
        if parcel.weight_kg <= limit:
            return band
    return OVERSIZE


def describe(parcel: Parcel) -> str:
    length, width, height = parcel.dims_cm
    volume_l = length * width * height / 1000
    chargeable = max(parcel.weight_kg, length * width * height / VOLUMETRIC_DIVISOR)
    return (
        f"{parcel.tracking} to {parcel.postcode.strip().upper()} "
        f"{parcel.weight_kg:.2f}kg {length}x{width}x{height}cm ({volume_l:.1f} L, "
        f"chargeable {chargeable:.2f}kg)"
    )


def assign(parcel: Parcel) -> CageAssignment:
    depot = depot_for(parcel.postcode)
    band = weight_band(parcel)
    logger.debug(f"cage {depot}/{band}: {describe(parcel)}")
    return CageAssignment(parcel.tracking, depot, band)


def sort_inbound(parcels: list[Parcel]) -> tuple[list[CageAssignment], Counter[str]]:
    assignments = [assign(p) for p in parcels]
    cages = Counter(f"{a.depot}/{a.band}" for a in assignments)
    logger.debug("sorted %d parcels into %d cages", len(assignments), len(cages))
    return assignments, cages
