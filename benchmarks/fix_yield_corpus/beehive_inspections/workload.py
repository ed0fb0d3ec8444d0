"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import ApiaryGrader, BoxTally, Inspection, yard_report

YARDS = ["orchard", "river-flat", "hilltop", "clover-field", "church-lane", "quarry"]
NOTES = [
    "bearding at entrance",
    "small hive beetle seen",
    "chalkbrood mummies on board",
    "good nectar flow",
    "queen marked blue",
    "drone comb cut out",
    "propolis heavy",
]


def _boxes(rng: random.Random) -> list[BoxTally]:
    boxes = []
    for number in range(1, rng.randint(2, 4) + 1):
        brood = rng.randint(0, 8)
        honey = rng.randint(0, 10 - brood)
        pollen = rng.randint(0, 10 - brood - honey)
        boxes.append(BoxTally(number, brood, honey, pollen, 10 - brood - honey - pollen))
    return boxes


def make_input() -> list[Inspection]:
    rng = random.Random(41)
    sheets = []
    for hive in range(260):
        yard = YARDS[hive % len(YARDS)]
        for visit in range(6):
            sheets.append(
                Inspection(
                    f"H{hive:04d}",
                    yard,
                    visit * 14 + rng.randint(0, 4),
                    rng.choice(["seen", "seen", "seen", "eggs_only", "cells", "missing"]),
                    rng.choice(["calm", "calm", "nervous", "runny", "defensive"]),
                    round(rng.uniform(0, 7), 1),
                    _boxes(rng),
                    rng.sample(NOTES, rng.randint(0, 3)),
                )
            )
    return sheets


def run(data: list[Inspection]) -> float:
    grades = ApiaryGrader().grade_season(data)
    report = yard_report(grades)
    return round(sum(r["mean_score"] for r in report.values()), 2)


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
