"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Driver, QuoteRequest, RatingEngine, build_rate_book

COVERAGE_SETS = [
    ("BI", "PD"),
    ("BI", "PD", "UM"),
    ("BI", "PD", "COLL", "COMP"),
    ("BI", "PD", "COLL", "COMP", "UM", "MED"),
]


def make_input() -> tuple[RatingEngine, list[QuoteRequest]]:
    rng = random.Random(23)
    territories = {f"T{n:03d}": round(rng.uniform(180, 720), 2) for n in range(60)}
    engine = RatingEngine(build_rate_book(territories))
    requests = []
    for i in range(400):
        drivers = tuple(
            Driver(
                age,
                max(0, age - rng.randint(16, 25)),
                rng.choice([0, 0, 0, 1, 2]),
                rng.choice([0, 0, 1, 2, 5]),
            )
            for age in (rng.randint(16, 85) for _ in range(rng.randint(1, 3)))
        )
        territory = f"T{rng.randrange(62):03d}"  # a few out-of-state territories get declined
        requests.append(
            QuoteRequest(
                f"Q{i:05d}",
                territory,
                rng.randint(1, 27),
                rng.choice(COVERAGE_SETS),
                drivers,
                rng.randrange(2_000, 30_000),
                rng.random() < 0.4,
                rng.random() < 0.3,
            )
        )
    return engine, requests


def run(data: tuple[RatingEngine, list[QuoteRequest]]) -> float:
    engine, requests = data
    return round(sum(q["total"] for q in engine.quote_many(requests)), 2)


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
