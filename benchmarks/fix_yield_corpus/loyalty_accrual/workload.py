"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from app import PointsEngine, Purchase


def make_input() -> tuple[PointsEngine, list[Purchase]]:
    rng = random.Random(808)
    tiers = ["bronze", "bronze", "silver", "gold", "platinum"]
    categories = ["grocery", "fuel", "electronics", "travel", "dining", "pharmacy", "gift_cards"]
    members = {f"M{i:04d}": rng.choice(tiers) for i in range(300)}
    start = date(2024, 2, 1)
    purchases = []
    for _ in range(600):
        member = rng.choice(sorted(members))
        purchases.append(
            Purchase(
                member,
                members[member],
                rng.choice(categories),
                Decimal(rng.randint(100, 25000)) / 100,
                start + timedelta(days=rng.randint(0, 150)),
            )
        )
    return PointsEngine(), purchases


def run(data: tuple[PointsEngine, list[Purchase]]) -> dict[str, int]:
    engine, purchases = data
    return engine.accrue(purchases)


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
