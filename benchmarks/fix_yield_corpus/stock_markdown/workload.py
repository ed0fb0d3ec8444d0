"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import StockLine, stock_page


def make_input(n: int = 6000) -> list[StockLine]:
    return [
        StockLine(
            sku=f"WH-{i:05d}",
            name=f"part {i % 97} | size {i % 13}",
            quantity=(i * 31) % 120,
            unit_cents=150 + (i * 577) % 9000,
            reorder_at=10 + i % 25,
        )
        for i in range(n)
    ]


def run(data: list[StockLine]) -> str:
    return stock_page("North Yard", data)


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
