"""Decode vehicle identification numbers for a fleet-intake pipeline."""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

MANUFACTURERS = {
    "1FA": "Ford USA",
    "1FT": "Ford Truck USA",
    "1G1": "Chevrolet USA",
    "1GC": "Chevrolet Truck USA",
    "1HG": "Honda USA",
    "1N4": "Nissan USA",
    "2HG": "Honda Canada",
    "2T1": "Toyota Canada",
    "3FA": "Ford Mexico",
    "3VW": "Volkswagen Mexico",
    "4T1": "Toyota USA",
    "5YJ": "Tesla USA",
    "JHM": "Honda Japan",
    "JN1": "Nissan Japan",
    "JTD": "Toyota Japan",
    "KMH": "Hyundai Korea",
    "KNA": "Kia Korea",
    "SAJ": "Jaguar UK",
    "SAL": "Land Rover UK",
    "VF1": "Renault France",
    "VF3": "Peugeot France",
    "WAU": "Audi Germany",
    "WBA": "BMW Germany",
    "WDB": "Mercedes-Benz Germany",
    "WF0": "Ford Germany",
    "WP0": "Porsche Germany",
    "WVW": "Volkswagen Germany",
    "YV1": "Volvo Sweden",
    "ZFA": "Fiat Italy",
    "ZAR": "Alfa Romeo Italy",
}

MAX_MODEL_YEAR = 2026
YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
TRANSLITERATION = {
    c: v
    for v, letters in enumerate(["", "AJ", "BKS", "CLT", "DMU", "ENV", "FW", "GPX", "HY", "RZ"])
    for c in letters
}
WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


class Vin(NamedTuple):
    vin: str
    manufacturer: str
    model_year: int
    plant: str
    serial: str
    check_ok: bool


def _vin_pattern(manufacturers: dict[str, str]) -> re.Pattern[str]:
    known = "|".join(re.escape(code) for code in sorted(manufacturers))
    return re.compile(
        r"^(?P<wmi>" + known + r")(?P<vds>[A-HJ-NPR-Z0-9]{5})(?P<check>[0-9X])"
        r"(?P<year>[A-HJ-NPR-Y1-9])(?P<plant>[A-HJ-NPR-Z0-9])(?P<serial>[A-HJ-NPR-Z0-9]{6})$"
    )


def _char_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else TRANSLITERATION[ch]


def check_digit(vin: str) -> str:
    total = sum(_char_value(ch) * w for ch, w in zip(vin, WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def decode(raw: str) -> Vin | None:
    vin = raw.strip().upper().replace("-", "").replace(" ", "")
    match = _vin_pattern(MANUFACTURERS).match(vin)
    if match is None:
        return None
    # year codes repeat every 30 years; take the latest cycle not past MAX_MODEL_YEAR
    year = 1980 + YEAR_CODES.index(match["year"])
    while year + 30 <= MAX_MODEL_YEAR:
        year += 30
    return Vin(
        vin=vin,
        manufacturer=MANUFACTURERS[match["wmi"]],
        model_year=year,
        plant=match["plant"],
        serial=match["serial"],
        check_ok=check_digit(vin) == match["check"],
    )


def intake_report(raw_vins: list[str]) -> dict[str, object]:
    decoded: list[Vin] = []
    rejected: list[str] = []
    for raw in raw_vins:
        vin = decode(raw)
        if vin is None or not vin.check_ok:
            rejected.append(raw)
        else:
            decoded.append(vin)
    by_make = Counter(v.manufacturer for v in decoded)
    return {
        "accepted": len(decoded),
        "rejected": rejected,
        "by_manufacturer": dict(sorted(by_make.items())),
        "oldest": min((v.model_year for v in decoded), default=None),
    }
