"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import Inventory


def make_input(n: int = 100_000) -> Inventory:
    rows = [(f"SKU-{i:06d}", (i * 7919) % 40, i % 25 == 0) for i in range(n)]
    return Inventory(rows, reorder_at=35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    inventory = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        inventory.to_reorder()


if __name__ == "__main__":
    main()
