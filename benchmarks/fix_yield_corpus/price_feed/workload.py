"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import json
import logging
import time

from app import latest_prices


def make_input(n: int = 4000) -> list[str]:
    return [
        json.dumps(
            {
                "symbol": f"SYM{i % 61}",
                "venue": ("XNAS", "XNYS", "BATS")[i % 3],
                "seq": i // 2,
                "price": round(100 + (i * 7919 % 5000) / 100, 2),
                "size": i % 500,
            }
        )
        for i in range(n)
    ]


def run(data: list[str]) -> object:
    return latest_prices(data)


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
