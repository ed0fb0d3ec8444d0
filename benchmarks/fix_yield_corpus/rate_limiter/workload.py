"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import admit_all

OVERRIDES = {"t0": (20.0, 4.0), "t7": (12.0, 3.0)}


def make_input(n: int = 1200, tenants: int = 30) -> list[tuple[str, float]]:
    routes = ("/v1/orders", "/v1/users", "/v1/search", "/v1/health")
    return [
        (f"T{(i * 13) % tenants}:{routes[i % len(routes)]}", i * 0.01 + (i % 7) * 0.001)
        for i in range(n)
    ]


def run(data: list[tuple[str, float]]) -> object:
    return admit_all(data, OVERRIDES)


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
