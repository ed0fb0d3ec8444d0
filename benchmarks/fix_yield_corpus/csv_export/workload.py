"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import to_csv

HEADER = ("invoice", "customer", "item", "qty", "amount", "note")


def make_input(n: int = 2500) -> list[list[str]]:
    return [
        [
            f"INV-{i:06d}",
            f"cust-{i % 211}",
            ("cpu hours", "storage, hot", "egress")[i % 3],
            str(1 + i % 40),
            f"{(i * 37) % 5000}.{i % 100:02d}",
            'said "thanks"' if i % 50 == 0 else "",
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
        to_csv(HEADER, data)


if __name__ == "__main__":
    main()
