"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date, timedelta

from app import BASE_PRICE_PER_TON, WeighTicket, crush_report

VARIETIES = [*sorted(BASE_PRICE_PER_TON), "Petit Verdot"]


def make_input() -> list[WeighTicket]:
    rng = random.Random(2025)
    start = date(2024, 8, 20)
    blocks = [f"{chr(65 + b // 10)}{b % 10}" for b in range(40)]
    tickets = []
    for i in range(6000):
        gross = rng.uniform(3_000, 14_000)
        tickets.append(
            WeighTicket(
                f"WT{i:06d}",
                start + timedelta(days=rng.randrange(70)),
                rng.choice(blocks),
                rng.choice(VARIETIES),
                round(gross, 1),
                round(rng.uniform(1_800, 2_600), 1),
                round(rng.uniform(17.5, 27.0), 1),
                round(rng.uniform(0.0, 5.0), 2),
            )
        )
    return tickets


def run(data: list[WeighTicket]) -> int:
    return len(crush_report(data, 2024, "Oak Hollow Cellars"))


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
