"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from decimal import Decimal

from app import Seat, SeatPricer, price_seat_map

SECTION_ROWS = {
    "A": (1, 30),
    "B": (1, 30),
    "C": (9, 30),
    "D": (1, 12),
    "E": (1, 12),
    "F": (1, 20),
    "G": (1, 20),
    "H": (1, 20),
}


def make_input() -> list[Seat]:
    seats = []
    for section, (first, last) in SECTION_ROWS.items():
        for row in range(first, last + 1):
            for number in range(1, 5):
                flags = set()
                if number in (1, 4):
                    flags.add("aisle")
                if section in "FG" and row > 16:
                    flags.add("restricted_view")
                seats.append(Seat(section, row, number, frozenset(flags)))
    return seats


def run(data: list[Seat]) -> dict[str, Decimal]:
    return price_seat_map(data, SeatPricer(demand=1.15))


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
