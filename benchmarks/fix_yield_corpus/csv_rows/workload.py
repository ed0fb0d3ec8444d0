"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import to_csv


def make_input(n: int = 3000) -> list[list[Any]]:
    return [
        [
            i,
            f"customer {i % 211}",
            f"{(i * 7919) % 100_000 / 100:.2f}",
            "note, with comma" if i % 9 == 0 else "ok",
        ]
        for i in range(n)
    ]


def run(data: list[list[Any]]) -> str:
    return to_csv(data)


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
