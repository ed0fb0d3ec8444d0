"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from decimal import Decimal

from app import Claim, Formulary, normalise_ndc, run_batch

COPAYS = {1: Decimal("5.00"), 2: Decimal("15.00"), 3: Decimal("45.00")}
COINSURANCE = {4: Decimal("0.25"), 5: Decimal("0.33")}


def _dashed(rng: random.Random, labeler: int, product: int, package: int) -> str:
    style = rng.choice(["5-4-2", "4-4-2", "5-3-2", "5-4-1"])
    if style == "4-4-2":
        return f"{labeler % 10000:04d}-{product:04d}-{package:02d}"
    if style == "5-3-2":
        return f"{labeler:05d}-{product % 1000:03d}-{package:02d}"
    if style == "5-4-1":
        return f"{labeler:05d}-{product:04d}-{package % 10}"
    return f"{labeler:05d}-{product:04d}-{package:02d}"


def make_input() -> tuple[list[Claim], Formulary]:
    rng = random.Random(19)
    rows = []
    for _ in range(2400):
        row = {
            "ndc": _dashed(
                rng, rng.randrange(1000, 99999), rng.randrange(1, 9999), rng.randrange(1, 99)
            )
        }
        if rng.random() < 0.25:
            row["excluded"] = True
        else:
            row["tier"] = rng.choices([1, 2, 3, 4, 5], [40, 30, 18, 8, 4])[0]
            row["pa"] = row["tier"] >= 4 or rng.random() < 0.05
            if rng.random() < 0.15:
                row["ql"] = rng.choice([30, 60, 90, 120])
        rows.append(row)
    formulary = Formulary.from_rows("COMMERCIAL-2024", rows, COPAYS, COINSURANCE)
    covered = list(formulary.tiers)
    excluded = sorted(formulary.excluded)
    claims = []
    for i in range(2500):
        roll = rng.random()
        if roll < 0.85:
            ndc = rng.choice(covered)
        elif roll < 0.93:
            ndc = rng.choice(excluded)
        else:
            ndc = normalise_ndc(_dashed(rng, rng.randrange(1000, 99999), rng.randrange(1, 9999), 1))
        days = rng.choice([30, 30, 30, 90, 90, 14, 7, 120])
        claims.append(
            Claim(
                claim_id=f"RX{i:07d}",
                member_id=f"M{rng.randrange(10_000):05d}",
                ndc=ndc,
                quantity=max(1, days * rng.choice([1, 1, 2, 3, 4]) + rng.randrange(-3, 3)),
                days_supply=days,
                ingredient_cost=Decimal(rng.randrange(150, 250_000)) / 100,
                prior_auth="PA" + str(i) if rng.random() < 0.5 else "",
            )
        )
    return claims, formulary


def run(data: tuple[list[Claim], Formulary]) -> dict:
    claims, formulary = data
    return run_batch(claims, formulary)


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
