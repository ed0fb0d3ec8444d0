"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import invoice_totals


def make_input(n: int = 1500) -> list[dict[str, Any]]:
    rates = ("std", "low", "zero", "std")
    return [
        {
            "id": f"INV-{i:06d}",
            "customer": f"C{i % 97:03d}",
            "lines": [
                {"sku": f"P{(i * 7 + k) % 500:04d}", "qty": 1 + (i + k) % 4,
                 "unit_cents": 199 + (i * 13 + k * 31) % 5000, "rate": rates[(i + k) % 4]}
                for k in range(3 + i % 6)
            ],
        }
        for i in range(n)
    ]  # fmt: skip


def run(data: list[dict[str, Any]]) -> object:
    return invoice_totals(data)


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
