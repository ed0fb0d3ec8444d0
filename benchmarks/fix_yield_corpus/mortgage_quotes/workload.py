"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import RATE_SHEETS, Application, pipeline_summary, register_sheet

LTV_NAMES = ["<=60", "<=70", "<=75", "<=80", "<=85", "<=90", "<=95", "<=97"]
LTV_CAPS = [60, 70, 75, 80, 85, 90, 95, 97]
FICO_FLOORS = [620, 640, 660, 680, 700, 720, 740, 760, 780]
STATES = ["CA", "TX", "NY", "FL", "WA", "IL", "CO", "NJ", "AZ", "GA"]


def build_sheet(rng: random.Random, base_rate: float, term_months: int, max_ltv: float) -> dict:
    grid = {}
    for i, floor in enumerate(FICO_FLOORS):
        grid[str(floor)] = {
            name: round(
                max(0.0, (len(FICO_FLOORS) - i) * 0.25 + j * 0.125 - 0.5 + rng.random() * 0.1), 3
            )
            for j, name in enumerate(LTV_NAMES)
        }
    return {
        "term_months": term_months,
        "max_points": 2.5,
        "limits": {
            "min_fico": 620,
            "max_ltv": {
                "primary": max_ltv,
                "second": min(max_ltv, 90),
                "investment": min(max_ltv, 80),
            },
            "max_loan": {"1": 766_550, "2": 981_500, "3": 1_186_350, "4": 1_474_400},
        },
        "excluded_states": ["NY"] if rng.random() < 0.5 else [],
        "ltv_bands": [{"name": n, "max_ltv": c} for n, c in zip(LTV_NAMES, LTV_CAPS, strict=True)],
        "fico_buckets": FICO_FLOORS,
        "llpa_grid": grid,
        "occupancy_llpa": {
            "primary": 0.0,
            "second": 0.5 + rng.random(),
            "investment": 1.75 + rng.random(),
        },
        "units_llpa": 1.0,
        "loan_size_adjusters": [
            {"min": 0, "max": 150_000, "points": 0.5},
            {"min": 150_000, "max": 250_000, "points": 0.25},
            {"min": 600_000, "max": 2_000_000, "points": 0.125},
        ],
        "lock_adjusters": [
            {"days": 15, "points": -0.125},
            {"days": 30, "points": 0.0},
            {"days": 45, "points": 0.125},
            {"days": 60, "points": 0.375},
        ],
        "rate_ladder": [
            {
                "rate": round(base_rate + 0.125 * k, 3),
                "price": round(-3.0 + 0.45 * k + rng.random() * 0.05, 3),
            }
            for k in range(32)
        ],
        "fees": [
            {"name": "origination", "amount": 1195.0},
            {"name": "appraisal", "amount": 650.0},
            {"name": "credit report", "amount": 65.0},
            {"name": "flood cert", "amount": 12.0, "waived_in": ["AZ", "CO"]},
            {"name": "tax service", "amount": 85.0},
            {"name": "title insurance", "amount": 1450.0, "waived_in": ["TX"]},
        ],
    }


def make_input() -> list[Application]:
    rng = random.Random(5)
    RATE_SHEETS.clear()
    register_sheet("conf30", build_sheet(rng, 6.125, 360, 97))
    register_sheet("conf20", build_sheet(rng, 5.875, 240, 95))
    register_sheet("conf15", build_sheet(rng, 5.5, 180, 95))
    register_sheet("arm7", build_sheet(rng, 5.75, 360, 90))
    apps = []
    for i in range(250):
        value = rng.randrange(150, 950) * 1000
        ltv = rng.choice([0.5, 0.65, 0.75, 0.8, 0.8, 0.9, 0.95, 0.97, 0.99])
        apps.append(
            Application(
                app_id=f"A{i:05d}",
                loan_amount=round(value * ltv, -2),
                property_value=value,
                fico=rng.randrange(600, 830),
                occupancy=rng.choices(["primary", "second", "investment"], [8, 1, 2])[0],
                units=rng.choices([1, 2, 3, 4], [20, 2, 1, 1])[0],
                lock_days=rng.choice([15, 30, 30, 30, 45, 60, 90]),
                state=rng.choice(STATES),
            )
        )
    return apps


def run(data: list[Application]) -> dict[str, float]:
    return pipeline_summary(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
