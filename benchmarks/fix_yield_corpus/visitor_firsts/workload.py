"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import first_visitors


def make_input(n: int = 6000) -> list[str]:
    return [f"V{(i * 7) % 1400 if i >= 1400 else i}|/page/{i % 97}|{i % 300}" for i in range(n)]


def run(data: list[str]) -> object:
    return first_visitors(data)


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
