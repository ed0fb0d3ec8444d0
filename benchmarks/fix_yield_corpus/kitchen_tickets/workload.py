"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import MENU_STATION, Order, OrderLine, service

MODS = ["no onion", "med rare", "sauce on side", "extra crispy", "gf bun", "no nuts"]
ALLERGENS = ["gluten", "peanut", "shellfish", "dairy"]


def make_input() -> list[Order]:
    rng = random.Random(17)
    items = sorted(MENU_STATION)
    orders = []
    for check in range(1, 1201):
        lines = []
        for seat in range(1, rng.randint(2, 6)):
            for item in rng.sample(items, rng.randint(1, 2)):
                lines.append(
                    OrderLine(
                        item,
                        qty=rng.choice([1, 1, 1, 2]),
                        mods=rng.sample(MODS, rng.choice([0, 0, 1, 2])),
                        seat=seat,
                        allergens=[rng.choice(ALLERGENS)] if rng.random() < 0.08 else [],
                    )
                )
        orders.append(
            Order(
                check,
                str(rng.randint(1, 40)),
                check // 4,
                lines,
                vip=rng.random() < 0.05,
                rush=rng.random() < 0.1,
            )
        )
    return orders


def run(orders: list[Order]) -> int:
    screens = service(orders)
    return sum(len(t) for tickets in screens.values() for t in tickets)


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
