"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Batch, HopAddition, MashStep, Reading, render_cellar_book

STYLES = ["Pale Ale", "IPA", "Pilsner", "Stout", "Saison", "Hefeweizen", "Red Ale"]
HOPS = ["Cascade", "Citra", "Mosaic", "Saaz", "Hallertau", "Fuggles", "Simcoe", "Centennial"]
NOTES = ["", "", "", "krausen high", "dry hop in", "temp raised", "cold crash", "sample sent"]


def make_input() -> list[Batch]:
    rng = random.Random(5)
    batches = []
    for n in range(60):
        og = round(rng.uniform(1.040, 1.080), 3)
        fg = round(1.006 + (og - 1.006) * rng.uniform(0.15, 0.3), 3)
        mash = [
            MashStep("protein rest", 52.0, rng.randint(10, 20)),
            MashStep("saccharification", rng.uniform(63, 68), 60),
            MashStep("mash out", 76.0, 10),
        ]
        hops = [
            HopAddition(rng.choice(HOPS), rng.uniform(20, 120), rng.uniform(3, 14), minute)
            for minute in (60, 30, 15, 5, 0)
        ]
        readings = []
        gravity = og
        for day in range(21):
            for hour in (8, 20):
                gravity = max(fg - 0.002, gravity - rng.uniform(0, 0.004) * (day < 10))
                readings.append(
                    Reading(day, hour, round(gravity, 3), rng.uniform(17, 21), rng.choice(NOTES))
                )
        batches.append(
            Batch(
                f"B{2400 + n}",
                rng.choice(STYLES),
                rng.choice([200.0, 500.0, 1000.0]),
                og,
                fg,
                mash,
                hops,
                readings,
            )
        )
    batches[7].target_fg = 1.3  # a mistyped record the sheet must skip
    return batches


def run(data: list[Batch]) -> int:
    return len(render_cellar_book(data, "2024-W18"))


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
