"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Job, PriceSheet, quote_batch

STOCKS = ["bond80", "silk130", "silk170", "gloss250", "matte300", "recycled90"]
SIZES = ["A4", "A3", "A5", "SRA3"]
FINISHES = ["staple", "fold", "laminate", "trim"]


def make_input() -> tuple[list[Job], PriceSheet]:
    rng = random.Random(2024)
    jobs = [
        Job(
            job_id=f"PQ-{i:05d}",
            stock=rng.choice(STOCKS),
            size=rng.choice(SIZES),
            quantity=rng.choice([25, 100, 250, 500, 1200, 6000]),
            pages=rng.choice([1, 1, 2, 4, 12]),
            color=rng.random() < 0.7,
            duplex=rng.random() < 0.4,
            finishing=tuple(rng.sample(FINISHES, rng.randrange(0, 3))),
        )
        for i in range(400)
    ]
    return jobs, PriceSheet()


def run(data: tuple[list[Job], PriceSheet]) -> dict[str, float]:
    jobs, prices = data
    return quote_batch(jobs, prices)


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
