"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date, timedelta
from typing import Any

from app import Performance, SeatPricer, SectionRule, house_report

SECTIONS = {
    "stalls": (18, 32, SectionRule(95.0, 35.0, 160.0, 0.025, 0.18)),
    "dress": (8, 28, SectionRule(85.0, 30.0, 140.0, 0.03, 0.15)),
    "upper": (10, 26, SectionRule(45.0, 15.0, 80.0, 0.035, 0.1)),
    "boxes": (2, 4, SectionRule(120.0, 60.0, 200.0, 0.0, 0.0)),
}
PILLARS = ["pillar L", "pillar R", "safety rail", "overhang", "lighting bar"]


def _seat_map(rng: random.Random) -> list[dict[str, Any]]:
    seats = []
    for section, (rows, per_row, _) in SECTIONS.items():
        for r in range(rows):
            row = chr(ord("A") + r)
            for n in range(1, per_row + 1):
                obstructions = [
                    {"what": what, "severity": round(rng.uniform(0.05, 0.8), 2)}
                    for what in rng.sample(PILLARS, rng.choice([0, 0, 0, 0, 1, 2]))
                ]
                seats.append(
                    {
                        "id": f"{section[:3].upper()}-{row}{n}",
                        "section": section if rng.random() > 0.002 else "promenade",
                        "row": row,
                        "number": n,
                        "killed": rng.random() < 0.01,
                        "attributes": {
                            "aisle": n in (1, per_row),
                            "extra_legroom": r == 0,
                            "wheelchair": section == "stalls" and r == rows - 1 and n <= 2,
                            "companion": section == "stalls" and r == rows - 1 and n == 3,
                        },
                        "tags": [section, f"row-{row}", "standard"],
                        "sightline": {
                            "stage_distance_m": round(4 + r * 1.2 + rng.uniform(0, 8), 1),
                            "angle_deg": round(abs(n - per_row / 2) * 2.2, 1),
                            "obstructions": obstructions,
                        },
                        "sale_history": [
                            round(rng.uniform(25, 150), 2) for _ in range(rng.randint(0, 8))
                        ],
                    }
                )
    return seats


def make_input() -> tuple[SeatPricer, list[dict[str, Any]], list[Performance], list[str]]:
    rng = random.Random(11)
    pricer = SeatPricer({name: spec[2] for name, spec in SECTIONS.items()})
    seat_map = _seat_map(rng)
    first = date(2025, 9, 1)
    perfs = [
        Performance(
            f"P{i:03d}",
            "The Tempest",
            first + timedelta(days=i),
            i % 7 in (2, 5),
            round(rng.uniform(0.1, 0.95), 2),
            rng.randint(0, 90),
        )
        for i in range(8)
    ]
    held = [s["id"] for s in rng.sample(seat_map, 120)]
    return pricer, seat_map, perfs, held


def run(data: tuple[SeatPricer, list[dict[str, Any]], list[Performance], list[str]]) -> float:
    pricer, seat_map, perfs, held = data
    gross = 0.0
    for perf in perfs:
        gross += house_report(pricer.price_performance(perf, seat_map, held))["potential_gross"]
    return round(gross, 2)


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
