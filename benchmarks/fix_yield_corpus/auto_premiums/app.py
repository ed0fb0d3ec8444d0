"""Personal-auto premium rating.

A ``RatingEngine`` holds the filed rate book (territory base rates, driver age bands,
vehicle symbol relativities, coverage factors and discounts) and prices quote requests
one at a time.  Each quote is built from a handful of independent look-ups that are
multiplied together and rounded the way the filing says.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Driver:
    age: int
    years_licensed: int
    at_fault_claims: int
    violations: int


@dataclass(frozen=True)
class QuoteRequest:
    quote_id: str
    territory: str
    vehicle_symbol: int
    coverages: tuple[str, ...]
    drivers: tuple[Driver, ...]
    annual_miles: int
    multi_policy: bool = False
    paid_in_full: bool = False


def build_rate_book(territories: dict[str, float]) -> dict:
    """Assemble the rate book in the shape it is filed: nested tables keyed by coverage."""
    coverages = {"BI": 1.00, "PD": 0.62, "COLL": 1.35, "COMP": 0.48, "UM": 0.21, "MED": 0.09}
    book: dict = {"version": "2024-07", "coverages": {}, "discounts": {}, "miles": []}
    for cov, weight in coverages.items():
        young = 1.1 if cov in ("COLL", "BI") else 1
        book["coverages"][cov] = {
            "base": {terr: round(rate * weight, 2) for terr, rate in territories.items()},
            "age_bands": [
                {"min": lo, "max": hi, "factor": round(f * young, 3)}
                for lo, hi, f in (
                    (16, 18, 2.45),
                    (19, 21, 1.9),
                    (22, 24, 1.45),
                    (25, 29, 1.12),
                    (30, 49, 1.0),
                    (50, 64, 0.93),
                    (65, 74, 1.02),
                    (75, 120, 1.25),
                )
            ],
            "symbols": [
                {"symbol": s, "factor": round(0.72 + 0.045 * s * (1.3 if cov == "COLL" else 1), 3)}
                for s in range(1, 28)
            ],
            "claims_surcharge": [1.0, 1.28, 1.6, 2.1],
            "violation_surcharge": [1.0, 1.1, 1.24, 1.45, 1.7],
        }
    book["discounts"] = {
        "multi_policy": {"rate": 0.12, "applies_to": ["BI", "PD", "COLL", "COMP"]},
        "paid_in_full": {"rate": 0.05, "applies_to": list(coverages)},
        "experienced": {"rate": 0.04, "min_years": 10, "applies_to": ["BI", "PD"]},
    }
    book["miles"] = [
        {"upto": 5_000, "factor": 0.85},
        {"upto": 10_000, "factor": 0.94},
        {"upto": 15_000, "factor": 1.0},
        {"upto": 20_000, "factor": 1.08},
        {"upto": 10**9, "factor": 1.17},
    ]
    book["minimum_premium"] = 35.0
    return book


def _band_factor(bands: list[dict], age: int) -> float:
    for band in bands:
        if band["min"] <= age <= band["max"]:
            return band["factor"]
    raise ValueError(f"no age band for driver aged {age}")


def _driver_factor(table: dict, drivers: tuple[Driver, ...]) -> float:
    """Rate on the worst driver, as the filing requires."""
    worst = 0.0
    for d in drivers:
        f = _band_factor(table["age_bands"], d.age)
        f *= table["claims_surcharge"][min(d.at_fault_claims, 3)]
        f *= table["violation_surcharge"][min(d.violations, 4)]
        worst = max(worst, f)
    return worst


def _symbol_factor(table: dict, symbol: int) -> float:
    for row in table["symbols"]:
        if row["symbol"] == symbol:
            return row["factor"]
    raise ValueError(f"unknown vehicle symbol {symbol}")


def _mileage_factor(book: dict, miles: int) -> float:
    for row in book["miles"]:
        if miles <= row["upto"]:
            return row["factor"]
    return book["miles"][-1]["factor"]


def _discount(book: dict, req: QuoteRequest, cov: str) -> float:
    credit = 0.0
    rules = book["discounts"]
    if req.multi_policy and cov in rules["multi_policy"]["applies_to"]:
        credit += rules["multi_policy"]["rate"]
    if req.paid_in_full and cov in rules["paid_in_full"]["applies_to"]:
        credit += rules["paid_in_full"]["rate"]
    exp = rules["experienced"]
    if cov in exp["applies_to"] and all(d.years_licensed >= exp["min_years"] for d in req.drivers):
        credit += exp["rate"]
    return 1.0 - credit


class RatingEngine:
    def __init__(self, rate_book: dict) -> None:
        self.rate_book = rate_book

    def quote(self, req: QuoteRequest) -> dict:
        if not req.drivers:
            raise ValueError(f"{req.quote_id}: a quote needs at least one driver")
        book = copy.deepcopy(self.rate_book)
        miles = _mileage_factor(book, req.annual_miles)
        lines = {}
        for cov in req.coverages:
            table = book["coverages"][cov]
            base = table["base"][req.territory]
            premium = (
                base
                * _driver_factor(table, req.drivers)
                * _symbol_factor(table, req.vehicle_symbol)
                * miles
                * _discount(book, req, cov)
            )
            lines[cov] = round(premium, 2)
        total = round(max(sum(lines.values()), book["minimum_premium"]), 2)
        return {
            "quote_id": req.quote_id,
            "version": book["version"],
            "lines": lines,
            "total": total,
        }

    def quote_many(self, requests: list[QuoteRequest]) -> list[dict]:
        quotes = []
        declined = 0
        for req in requests:
            try:
                quotes.append(self.quote(req))
            except (KeyError, ValueError):
                declined += 1
        if declined:
            log.info("declined %d of %d quote requests", declined, len(requests))
        return quotes
