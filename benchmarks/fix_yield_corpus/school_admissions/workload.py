"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Applicant, School, allocate

DISTRICTS = ["LS6", "LS7", "LS8", "LS16", "LS17", "LS4", "LS5", "LS12"]
PRIMARIES = [f"P{n:03d}" for n in range(60)]


def make_input() -> tuple[list[School], list[Applicant]]:
    rng = random.Random(71)
    streets = [f"{rng.choice(DISTRICTS)}|STREET {n:04d}" for n in range(6000)]
    families = list(range(1, 9001))
    schools = []
    for n in range(12):
        schools.append(
            School(
                f"S{n:02d}",
                rng.randint(150, 240),
                53.80 + rng.uniform(0, 0.08),
                -1.60 + rng.uniform(0, 0.12),
                tuple(rng.sample(streets, 1500)),
                tuple(rng.sample(PRIMARIES, 6)),
                tuple(rng.sample(families, 900)),
            )
        )
    codes = [s.code for s in schools]
    applicants = []
    for i in range(2800):
        applicants.append(
            Applicant(
                i,
                rng.choice(families),
                rng.choice(streets),
                rng.choice(PRIMARIES),
                53.79 + rng.uniform(0, 0.10),
                -1.62 + rng.uniform(0, 0.16),
                tuple(rng.sample(codes, rng.randint(1, 3))),
                rng.random() < 0.01,
            )
        )
    return schools, applicants


def run(data: tuple[list[School], list[Applicant]]) -> tuple[int, int]:
    schools, applicants = data
    result = allocate(schools, applicants)
    return len(result["offers"]), result["unplaced"]


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
