"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import permalinks

WORDS = (
    "Café",
    "déjà vu",
    "Python's",
    "GIL",
    "—",
    "3.13",
    "free-threaded",
    "naïve",
    "benchmarks!",
    "Über",
    "C++",
    "how-to",
    "  spaces  ",
    "crème brûlée",
    "Q&A",
)


def make_input(n: int = 3000) -> list[str]:
    return [" ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + i % 6)) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    titles = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        permalinks(titles)


if __name__ == "__main__":
    main()
