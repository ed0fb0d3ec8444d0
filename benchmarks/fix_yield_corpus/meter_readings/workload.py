"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import BillLine, bill_run


def make_input() -> dict[str, tuple[int, list[str]]]:
    rng = random.Random(4812)
    exports = {}
    for n in range(6):
        meter = f"MPAN-{n:05d}"
        total = rng.randrange(10_000)
        lines = []
        for slot in range(48 * 31):
            total += rng.randrange(0, 900)
            stamp = f"2026-01-{slot // 48 + 1:02d}T{slot % 48 // 2:02d}:{30 * (slot % 2):02d}"
            lines.append(f"{meter},{stamp},{total},{rng.choice('AAAAE')}")
        exports[meter] = (rng.choice([1, 1, 40, 80]), lines)
    return exports


def run(data: dict[str, tuple[int, list[str]]]) -> list[BillLine]:
    return bill_run(data)


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
