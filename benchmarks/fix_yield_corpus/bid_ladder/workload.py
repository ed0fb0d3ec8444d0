"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Bid, Lot, Settlement, close_auction


def make_input() -> list[Lot]:
    rng = random.Random(8101)
    lots = []
    for n in range(150):
        bids = [
            Bid(f"bidder-{rng.randrange(900)}", round(rng.uniform(5, 4000), 2)) for _ in range(600)
        ]
        lots.append(Lot(f"lot-{n:04d}", round(rng.uniform(100, 3900), 2), bids))
    return lots


def run(data: list[Lot]) -> dict[str, Settlement]:
    return close_auction(data)


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
