"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Booking, TourOperator, quote_all

EXTRAS = ("guide", "lunch", "transfer", "insurance", "photo")


def make_input() -> tuple[list[TourOperator], list[Booking]]:
    operators = [
        TourOperator("Alpine"),
        TourOperator("Nordic", {"currency": "NOK", "rounding": 10.0}),
        TourOperator("Coastal", {"child_share": 0.5, "extras": {"guide": 30.0, "boat": 60.0}}),
    ]
    bookings = [
        Booking(
            f"tour-{i % 40}",
            35.0 + (i * 7) % 180,
            1 + i % 12,
            1 + i % 15,
            i % 4,
            EXTRAS[: i % len(EXTRAS)],
        )
        for i in range(250)
    ]
    return operators, bookings


def run(data: tuple[list[TourOperator], list[Booking]]) -> list[str]:
    operators, bookings = data
    lines: list[str] = []
    for operator in operators:
        lines.extend(quote_all(operator, bookings))
    return lines


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
