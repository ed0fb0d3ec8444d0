"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import screen


def make_input(n: int = 4000) -> list[str]:
    domains = ("example.com", "Mail.Example.org", "corp", "uni.ac.uk", "x.io")
    return [
        f"user{i}{'.' if i % 2 else '+'}{i % 97}@{domains[i % 5]}" if i % 11 else f"broken{i}"
        for i in range(n)
    ]


def run(data: list[str]) -> object:
    return screen(data)


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
