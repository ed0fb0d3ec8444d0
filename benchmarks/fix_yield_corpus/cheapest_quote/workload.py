"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import cheapest

ZONES = ("eu", "us", "ap", "sa", "af")
CARRIERS = [
    {
        "name": f"carrier-{c:02d}",
        "base_cents": 200 + (c * 37) % 400,
        "per_kg_cents": 20 + (c * 53) % 90,
        "zones": {ZONES[z] for z in range(5) if (c + z) % 3},
    }
    for c in range(40)
]


def make_input(n: int = 2000) -> list[dict[str, Any]]:
    return [{"id": f"p{i:05d}", "zone": ZONES[i % 5], "kg": 1 + i % 23} for i in range(n)]


def run(data: list[dict[str, Any]]) -> object:
    return cheapest(data, CARRIERS)


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
