"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Bag, BaggageScreener, Item, Placement, flight_summary

EVERYDAY = ["shirt", "jeans", "book", "shoes", "charger", "toothbrush", "towel", "camera"]
DANGEROUS = [
    ("power bank", "UN3480", 1, False),
    ("laptop", "UN3481", 150, False),
    ("perfume", "UN1266", 100, True),
    ("hairspray", "UN1950", 250, True),
    ("deodorant", "UN 1950", 150, True),
    ("whisky", "1170", 700, True),
    ("lighter", "un1057", 1, False),
    ("dry ice", "UN1845", 2000, False),
    ("curler cartridge", "UN2037", 50, False),
    ("camping gas", "UN2000", 450, False),
    ("bear spray", "UN1950", 300, True),
    ("fireworks", "UN0336", 300, False),
]


def make_input() -> tuple[dict[str, str], list[Bag]]:
    rng = random.Random(41)
    manifest: dict[str, str] = {}
    bags: list[Bag] = []
    for p in range(400):
        pid = f"PAX{p:04d}"
        manifest[pid] = rng.choice("YYYYYWWJF")
        for b in range(rng.randint(1, 3)):
            items: list[Item] = []
            for _ in range(rng.randint(4, 14)):
                if rng.random() < 0.45:
                    desc, un, qty, liquid = rng.choice(DANGEROUS)
                    items.append(Item(desc, un, qty, liquid))
                else:
                    items.append(Item(rng.choice(EVERYDAY)))
            placement = Placement.CABIN if b == 0 and rng.random() < 0.5 else Placement.HOLD
            weight = round(
                rng.uniform(4, 12) if placement is Placement.CABIN else rng.uniform(10, 35), 1
            )
            bags.append(Bag(f"0016{p:04d}{b}", pid, placement, weight, tuple(items)))
    rng.shuffle(bags)
    return manifest, bags


def run(data: tuple[dict[str, str], list[Bag]]) -> float:
    manifest, bags = data
    screener = BaggageScreener()
    summary = flight_summary(screener.screen_flight(manifest, bags))
    return summary["fees"] + summary["rejected"]


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
