"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import render_table

HEADERS = ("account", "plan", "region", "cpu hours", "gb stored", "cost")


def make_input(n: int = 2000) -> list[list[str]]:
    return [
        [
            f"acct-{i:05d}",
            ("free", "pro", "team")[i % 3],
            ("eu-west", "us-east")[i % 2],
            f"{(i * 37) % 1000}.{i % 10}",
            str((i * 13) % 500),
            f"{(i * 7) % 90}.{i % 100:02d}",
        ]
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        render_table(HEADERS, data)


if __name__ == "__main__":
    main()
