"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import Router

PATHS = (
    "/api/products/{i}",
    "/api/users/u{i}/orders/{i}",
    "/api/search/red-shoes-{i}",
    "/api/health",
    "/api/products/{i}/",
    "/static/{i}.css",
    "/api/cart/{i}",
)


def make_input(n: int = 3000) -> list[tuple[str, str]]:
    return [("POST" if i % 11 == 0 else "GET", PATHS[i % len(PATHS)].format(i=i)) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    router = Router()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        router.route_batch(data)


if __name__ == "__main__":
    main()
