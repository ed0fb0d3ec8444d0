"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Courier, Job, dispatch_batch


def make_input() -> tuple[list[Courier], list[Job]]:
    rng = random.Random(4172)
    vehicles = ["bike", "bike", "scooter", "car"]
    couriers = [
        Courier(
            f"c{i:05d}",
            52.52 + rng.uniform(-0.06, 0.06),
            13.40 + rng.uniform(-0.09, 0.09),
            vehicle=rng.choice(vehicles),
            active=rng.random() > 0.05,
        )
        for i in range(900)
    ]
    jobs = [
        Job(
            f"j{i:04d}",
            52.52 + rng.uniform(-0.05, 0.05),
            13.40 + rng.uniform(-0.08, 0.08),
            needs_car=rng.random() < 0.15,
        )
        for i in range(12)
    ]
    return couriers, jobs


def run(data: tuple[list[Courier], list[Job]]) -> list:
    couriers, jobs = data
    return dispatch_batch(couriers, jobs)


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
