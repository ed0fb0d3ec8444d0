"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import reorder_alerts


def make_input(n: int = 2000) -> list[dict[str, Any]]:
    return [
        {
            "sku": f"SKU-{i:05d}",
            "warehouse": ("AMS", "FRA", "MAD")[i % 3],
            "levels": [(i * 31 + b * 17) % 40 for b in range(12)],
            "reorder_point": 150 + i % 200,
            "target": 500,
        }
        for i in range(n)
    ]


def run(data: list[dict[str, Any]]) -> object:
    return reorder_alerts(data)


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
