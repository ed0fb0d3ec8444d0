"""Quote print-shop jobs (flyers, booklets, posters) from a tiered price sheet."""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)


def _default_sheet() -> dict[str, Any]:
    stocks = {
        name: {
            "per_sheet": base,
            "gsm": gsm,
            "coated": coated,
            "sizes": {"A4": 1.0, "A3": 2.0, "A5": 0.5, "SRA3": 2.2},
        }
        for name, base, gsm, coated in [
            ("bond80", 0.018, 80, False),
            ("silk130", 0.041, 130, True),
            ("silk170", 0.055, 170, True),
            ("gloss250", 0.089, 250, True),
            ("matte300", 0.112, 300, True),
            ("recycled90", 0.024, 90, False),
        ]
    }
    return {
        "currency": "EUR",
        "stocks": stocks,
        "ink": {"mono": 0.011, "color": 0.046},
        "duplex_factor": 1.7,
        "tiers": [
            {"min_qty": q, "discount": d}
            for q, d in [(0, 0.0), (250, 0.05), (1000, 0.12), (5000, 0.2)]
        ],
        "finishing": {
            "staple": {"setup": 4.0, "each": 0.03},
            "fold": {"setup": 6.0, "each": 0.02},
            "laminate": {"setup": 12.0, "each": 0.21},
            "trim": {"setup": 3.0, "each": 0.005},
        },
        "minimum_charge": 9.5,
    }


@dataclass(frozen=True)
class Job:
    job_id: str
    stock: str
    size: str
    quantity: int
    pages: int = 1
    color: bool = True
    duplex: bool = False
    finishing: tuple[str, ...] = ()


class PriceSheet:
    def __init__(self, sheet: dict[str, Any] | None = None) -> None:
        self._sheet = sheet if sheet is not None else _default_sheet()

    @property
    def data(self) -> dict[str, Any]:
        # hand out a private copy so callers can never corrupt the shared sheet
        return copy.deepcopy(self._sheet)

    def update_stock(self, name: str, per_sheet: float) -> None:
        self._sheet["stocks"][name]["per_sheet"] = per_sheet


def _discount(tiers: list[dict[str, Any]], qty: int) -> float:
    rate = 0.0
    for tier in tiers:
        if qty >= tier["min_qty"]:
            rate = tier["discount"]
    return rate


def quote(job: Job, prices: PriceSheet) -> float:
    sheet = prices.data
    stock = sheet["stocks"].get(job.stock)
    if stock is None or job.size not in stock["sizes"]:
        raise ValueError(f"{job.job_id}: unsupported stock/size {job.stock}/{job.size}")
    sheets = job.quantity * job.pages
    ink = sheet["ink"]["color" if job.color else "mono"] * (
        sheet["duplex_factor"] if job.duplex else 1.0
    )
    unit = stock["per_sheet"] * stock["sizes"][job.size] + ink
    total = sheets * unit * (1 - _discount(sheet["tiers"], job.quantity))
    for step in job.finishing:
        fee = sheet["finishing"][step]
        total += fee["setup"] + fee["each"] * job.quantity
    return round(max(total, sheet["minimum_charge"]), 2)


def quote_batch(jobs: list[Job], prices: PriceSheet | None = None) -> dict[str, float]:
    prices = prices or PriceSheet()
    quotes: dict[str, float] = {}
    for job in jobs:
        try:
            quotes[job.job_id] = quote(job, prices)
        except (ValueError, KeyError) as exc:
            logger.warning("cannot quote %s: %s", job.job_id, exc)
    return quotes
