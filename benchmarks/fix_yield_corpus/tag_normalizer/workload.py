"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import TagNormalizer

WORDS = ("Machine Learning", "python", "Python!", "C++", "web dev", "Rust/Go", "data_eng", "ops")


def make_input(n: int = 1000) -> list[list[str]]:
    return [[f"{WORDS[(i + j) % 8]} {j % 3}" for j in range(i % 7 + 2)] for i in range(n)]


def run(data: list[list[str]]) -> object:
    return TagNormalizer().normalize_all(data)


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
