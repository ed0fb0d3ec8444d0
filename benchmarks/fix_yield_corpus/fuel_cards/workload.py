"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import PROFILE_PRODUCTS, Card, Txn, daily_report


def make_input() -> tuple[list[Card], str, list[Txn]]:
    rng = random.Random(23)
    profiles = list(PROFILE_PRODUCTS)
    cards = [
        Card(f"7083{i:08d}", rng.choice(profiles), f"TRK-{rng.randrange(900):03d}")
        for i in range(600)
    ]
    blocked = rng.sample(range(100000), 1500)
    feed = "# blocked sites, network bulletin\n" + "\n".join(
        f"st{site:05d}  # closed" if site % 7 == 0 else f"ST{site:05d}" for site in blocked
    )
    products = ["ULSD", "DEF", "REG", "MID", "PREM", "E85"]
    txns = []
    for i in range(6000):
        litres = round(rng.uniform(10, 320), 2)
        txns.append(
            Txn(
                txn_id=f"T{i:07d}",
                card=rng.choice(cards).number if rng.random() < 0.99 else "0000",
                site=f"ST{rng.randrange(100000):05d}",
                product=rng.choice(products),
                litres=litres,
                amount=round(litres * rng.uniform(1.4, 2.7), 2),
            )
        )
    return cards, feed, txns


def run(data: tuple[list[Card], str, list[Txn]]) -> dict:
    cards, feed, txns = data
    return daily_report(cards, feed, txns)


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
