"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Receipt


def make_input(n: int = 4000) -> list[tuple[str, int, int]]:
    return [(f"item-{i}", 1 + i % 5, 99 + (i * 37) % 900) for i in range(n)]


def run(data: list[tuple[str, int, int]]) -> object:
    receipt = Receipt("Market Hall")
    receipt.add_items(data)
    return receipt.close()


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
