"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import string
import time
from datetime import date, datetime, timedelta

from app import Enforcer, Permit, Sighting, ZoneRules, revenue_by_zone

DAY = date(2024, 3, 12)
ZONES = [ZoneRules("CPZ-A", 7000), ZoneRules("CPZ-B", 7000), ZoneRules("CPZ-C", 5000, (9, 17))]


def _plate(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + f"{rng.randint(10, 74)} "
        + "".join(rng.choice(letters) for _ in range(3))
    )


def make_input() -> tuple[Enforcer, list[Sighting]]:
    rng = random.Random(5)
    permits = []
    for _ in range(8000):
        start = DAY - timedelta(days=rng.randint(0, 300))
        permits.append(
            Permit(_plate(rng), rng.choice(ZONES).code, start, start + timedelta(days=365))
        )
    fleet = [_plate(rng) for _ in range(400)]
    visitors = [_plate(rng) for _ in range(600)]
    enforcer = Enforcer(ZONES, permits, fleet)
    sightings = []
    base = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=7)
    for i in range(7000):
        roll = rng.random()
        if roll < 0.6:
            permit = rng.choice(permits)
            plate, zone = permit.plate, permit.zone
        elif roll < 0.7:
            plate, zone = rng.choice(fleet), rng.choice(ZONES).code
        else:
            plate, zone = rng.choice(visitors), rng.choice(ZONES).code
        sightings.append(
            Sighting(
                f"CAM{i % 40:02d}",
                zone if rng.random() > 0.01 else "CPZ-Z",
                plate.lower() if rng.random() < 0.2 else plate,
                base + timedelta(seconds=rng.randint(0, 12 * 3600)),
                round(rng.uniform(0.7, 1.0), 3),
            )
        )
    return enforcer, sightings


def run(data: tuple[Enforcer, list[Sighting]]) -> int:
    enforcer, sightings = data
    return sum(revenue_by_zone(enforcer.process_day(DAY, sightings)).values())


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
