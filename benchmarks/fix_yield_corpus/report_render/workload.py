"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import SalesReport


def make_input(n: int = 3000) -> list[dict[str, Any]]:
    regions = ("north", "south", "east", "west", "central")
    return [
        {"region": regions[i % 5], "sku": f"SKU-{i % 211:04d}", "cents": (i * 7919) % 250_000}
        for i in range(n)
    ]


def run(data: list[dict[str, Any]]) -> str:
    return SalesReport().render(data)


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
