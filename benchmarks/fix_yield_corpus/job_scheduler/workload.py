"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time

from app import Job, schedule


def make_input(n: int = 400) -> list[Job]:
    return [
        Job(f"job-{i:04d}", priority=i % 4, seconds=30 + (i * 37) % 300, retries=int(i % 9 == 0))
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        schedule(data)


if __name__ == "__main__":
    main()
