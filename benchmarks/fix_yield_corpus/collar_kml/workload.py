"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import datetime, timedelta

from app import Animal, Fix, build_kml

SPECIES = [("Gray wolf", 60.0), ("Elk", 45.0), ("Grizzly bear", 40.0)]


def make_input() -> tuple[list[Animal], list[Fix]]:
    rng = random.Random(17)
    animals = []
    fixes = []
    start = datetime(2024, 5, 1)
    for n in range(24):
        species, speed = SPECIES[n % len(SPECIES)]
        animal = Animal(f"C{n:03d}", f"{species.split()[-1].title()} {n}", species, speed)
        animals.append(animal)
        lat, lon, when = 44.6 + rng.uniform(-0.3, 0.3), -110.5 + rng.uniform(-0.3, 0.3), start
        for _ in range(600):
            when += timedelta(minutes=rng.choice([30, 30, 30, 60, 480]))
            lat += rng.gauss(0, 0.004)
            lon += rng.gauss(0, 0.004)
            fixes.append(
                Fix(
                    animal.collar_id,
                    when,
                    round(lat, 6),
                    round(lon, 6),
                    round(rng.uniform(1800, 2900), 1),
                    round(rng.uniform(0.6, 7.0), 1),
                    rng.randint(3, 12),
                )
            )
    rng.shuffle(fixes)
    return animals, fixes


def run(data: tuple[list[Animal], list[Fix]]) -> int:
    animals, fixes = data
    text, counts = build_kml("Northern range, May", animals, fixes)
    return len(text) + sum(counts.values())


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
