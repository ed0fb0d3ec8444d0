"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import failures


def make_input(n: int = 3000) -> list[dict[str, str]]:
    records = []
    for i in range(n):
        records.append(
            {
                "username": f"user_{i}" if i % 13 else f"U{i}",
                "zip": f"{10000 + i:05d}" if i % 7 else f"{i}-x",
                "phone": f"+1 555 {i % 10000:04d}" if i % 17 else "555",
                "country": ("US", "DE", "fr", "GB")[i % 4],
            }
        )
    return records


def run(data: list[dict[str, str]]) -> object:
    return failures(data)


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
