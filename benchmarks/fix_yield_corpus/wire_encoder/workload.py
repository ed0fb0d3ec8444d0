"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import encode_samples


def make_input(n: int = 5000) -> list[tuple[int, int, float]]:
    return [(1_700_000_000_000 + 250 * i, i % 300, (i * 7919 % 10_000) / 8) for i in range(n)]


def run(data: list[tuple[int, int, float]]) -> bytes:
    return encode_samples(data)


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
