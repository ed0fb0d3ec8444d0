"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import scrub_batch

PATHS = ["/v1/orders", "/v1/items", "/oauth/callback", "/static/app.js", "/health", "/v2/search"]
PARAMS = ["page", "q", "sort", "limit", "api_key", "token", "lang", "sig", "ref", "utm_source"]


def make_input() -> list[str]:
    rng = random.Random(7)
    lines = []
    for _ in range(2500):
        query = "&".join(
            f"{rng.choice(PARAMS)}={rng.randrange(10**6):x}" for _ in range(rng.randrange(0, 4))
        )
        path = rng.choice(PATHS) + (f"?{query}" if query else "")
        client = f"10.0.{rng.randrange(255)}.{rng.randrange(255)}"
        lines.append(f"{client} GET {path} {rng.choice([200, 200, 304, 404])}")
    return lines


def run(data: list[str]) -> int:
    _, stats = scrub_batch(data)
    return stats.redacted_lines


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
