"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date, timedelta

from app import Claim, adjudicate_batch

PLANS = ["basic", "extended", "premium"]
CAUSES = ["defect", "defect", "wear", "water", "power", "drop"]


def make_input() -> list[Claim]:
    rng = random.Random(42)
    claims = []
    for i in range(3000):
        purchased = date(2021, 1, 1) + timedelta(days=rng.randrange(1400))
        parts = [
            (f"SKU-{rng.randrange(9999):04d}", rng.uniform(5, 400))
            for _ in range(rng.randrange(2, 7))
        ]
        claims.append(
            Claim(
                claim_id=f"WC-{i:06d}",
                plan=rng.choice(PLANS),
                purchased=purchased,
                filed=purchased + timedelta(days=rng.randrange(30, 2000)),
                cause=rng.choice(CAUSES),
                parts=parts,
                labor_hours=rng.choice([0.0, 0.5, 1.0, 2.5]),
            )
        )
    return claims


def run(data: list[Claim]) -> dict:
    return adjudicate_batch(data)


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
