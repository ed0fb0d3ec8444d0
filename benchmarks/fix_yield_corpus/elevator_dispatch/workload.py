"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Car, HallCall, simulate

FLOORS = 40


def make_input() -> list[HallCall]:
    rng = random.Random(21)
    calls = []
    for i in range(6000):
        floor = 0 if rng.random() < 0.3 else rng.randrange(1, FLOORS)
        direction = 1 if floor == 0 else rng.choice([-1, -1, 1])
        calls.append(HallCall(at=i * 2.5 + rng.random(), floor=floor, direction=direction))
    return calls


def _bank() -> list[Car]:
    cars = [Car(f"C{n}", floor=n * 5) for n in range(8)]
    cars[5].in_service = False
    return cars


def run(data: list[HallCall]) -> dict:
    return simulate(_bank(), data)


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
