"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Appointment, plan_day

CARRIERS = ["Northline", "Ridgeway Freight", "Bluewater", "TransPlains", "Kessler"]
LOADS = ["floor", "palletized", "palletized", "slip-sheet"]
DOORS = [f"D{i}" for i in range(1, 25)]


def make_input() -> list[Appointment]:
    rng = random.Random(11)
    appts = []
    for i in range(300):
        lines = [
            (f"SKU{rng.randrange(100000):06d}", rng.randrange(1, 400))
            for _ in range(rng.randrange(400, 600))
        ]
        appts.append(
            Appointment(
                ref=f"PO-{i:05d}",
                carrier=rng.choice(CARRIERS),
                arrival_minute=rng.randrange(4 * 60, 22 * 60),
                pallets=rng.randrange(4, 27),
                load_type=rng.choice(LOADS),
                reefer=rng.random() < 0.15,
                lines=lines,
            )
        )
    return appts


def run(data: list[Appointment]) -> dict:
    return plan_day(data, DOORS)


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
