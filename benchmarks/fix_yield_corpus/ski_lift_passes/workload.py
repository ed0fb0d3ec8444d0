"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import GateValidator, Product, Scan, daily_lift_counts, load_hotlist

LIFTS = ["gondola", "summit-quad", "north-chair", "bunny-tow", "ridge-t-bar", "glade-six"]
PRODUCTS = [
    Product("SEASON", None, 0, 139),
    Product("DAY", None, 30, 30),
    Product("BEGINNER", frozenset({"bunny-tow", "gondola"}), 0, 139),
    Product("HALFDAY", frozenset({"gondola", "summit-quad", "north-chair"}), 28, 31),
]


def make_input() -> tuple[str, list[Scan]]:
    rng = random.Random(8)
    passes = [(f"SK{rng.randrange(10**9):09d}", rng.choice(PRODUCTS).code) for _ in range(6000)]
    revoked = rng.sample(passes, 1500)
    lines = ["pass_id,reason,reported_at"] + [
        f"{pid.lower() if i % 3 == 0 else pid},{reason},2024-01-0{i % 9 + 1}"
        for i, ((pid, _), reason) in enumerate(
            zip(revoked, rng.choices(["lost", "refund", "fraud"], k=len(revoked)), strict=True)
        )
    ]
    scans = []
    for _ in range(5000):
        pid, product = rng.choice(passes)
        scans.append(
            Scan(pid, product, rng.choice(LIFTS), 30, rng.randint(8 * 3600 + 1800, 16 * 3600))
        )
    return "\n".join(lines) + "\n", scans


def run(data: tuple[str, list[Scan]]) -> int:
    feed, scans = data
    validator = GateValidator(PRODUCTS, load_hotlist(feed))
    counts = daily_lift_counts(validator.run_day(scans))
    return sum(sum(hours.values()) for hours in counts.values())


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
