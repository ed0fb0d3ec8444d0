"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Budget, LineItem, screen_all

FUNDERS = ["NSF", "NIH", "FOUNDATION"]
CATEGORIES = [
    ("personnel", ""),
    ("fringe", ""),
    ("equipment", ""),
    ("travel", "domestic"),
    ("travel", "foreign"),
    ("supplies", ""),
    ("participant_support", ""),
    ("meals", ""),
]


def make_input() -> list[Budget]:
    rng = random.Random(5)
    budgets = []
    for i in range(5000):
        items = [
            LineItem(cat, round(rng.uniform(500, 60_000), 2), kind)
            for cat, kind in rng.sample(CATEGORIES, rng.randrange(3, 7))
        ]
        budgets.append(
            Budget(
                proposal_id=f"P-{i:05d}",
                funder=rng.choice(FUNDERS),
                items=items,
                indirect_rate=rng.choice([0.10, 0.15, 0.26, 0.52, 0.58]),
                pi_salary=rng.randrange(90_000, 260_000),
                summer_months=rng.choice([0, 1, 2, 2.5, 3]),
                cost_share=rng.choice([0, 0, 5_000, 20_000]),
            )
        )
    return budgets


def run(data: list[Budget]) -> dict:
    return screen_all(data)


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
