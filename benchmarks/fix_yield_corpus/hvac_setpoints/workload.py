"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import time

from app import Zone, compress, day_plan


def make_input() -> tuple[list[Zone], list[float]]:
    rng = random.Random(96)
    zones = []
    for floor in range(1, 17):
        for n in range(1, 17):
            zones.append(
                Zone(
                    f"F{floor}-Z{n:02d}",
                    floor,
                    rng.choice([28, 30, 32, 34]),
                    rng.choice([68, 72, 76, 80]),
                    n % 3 == 0,
                    tuple(round(rng.uniform(17.0, 23.5), 2) for _ in range(8)),
                )
            )
    forecast = [round(4.0 + 7.0 * math.sin((s - 36) / 96 * 2 * math.pi), 1) for s in range(96)]
    return zones, forecast


def run(data: tuple[list[Zone], list[float]]) -> int:
    zones, forecast = data
    return sum(len(v) for v in compress(day_plan(zones, forecast)).values())


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
