"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import price_orders

COUNTRIES = ("DE", "FR", "NL", "BE")


def make_input(n: int = 1000) -> list[dict[str, Any]]:
    orders = []
    for i in range(n):
        lines = [
            {"sku": f"SKU-{i % 37}-{j}", "qty": (i + j) % 14 + 1, "unit_cents": 199 + 50 * j}
            for j in range(1 + i % 5)
        ]
        orders.append(
            {
                "id": f"ord-{i:05d}",
                "country": COUNTRIES[i % len(COUNTRIES)],
                "customer": {"id": i % 311, "email": f"c{i % 311}@example.com", "tier": "gold"},
                "lines": lines,
            }
        )
    return orders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        price_orders(data)


if __name__ == "__main__":
    main()
