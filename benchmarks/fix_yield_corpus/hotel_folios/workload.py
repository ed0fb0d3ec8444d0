"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from datetime import date
from decimal import Decimal

from app import Charge, Folio, night_audit, post_room_night

GUESTS = ["Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Reyes", "Kaur"]
EXTRAS = [("FB", "restaurant"), ("FB", "minibar"), ("SPA", "massage"), ("PARK", "")]


def make_input() -> list[Folio]:
    rng = random.Random(11)
    folios = []
    for i in range(550):
        folio = Folio(f"F{40000 + i}", f"{rng.randrange(1, 12)}{rng.randrange(1, 40):02d}", "")
        folio.guest = f"{rng.choice(GUESTS)}, {chr(65 + rng.randrange(26))}."
        for _ in range(rng.randrange(1, 6)):
            extras = [
                Charge(code, Decimal(rng.randrange(500, 30000)) / 100, memo)
                for code, memo in rng.sample(EXTRAS, rng.randrange(0, 3))
            ]
            post_room_night(folio, Decimal(rng.randrange(9000, 42000)) / 100, extras)
        folios.append(folio)
    return folios


def run(data: list[Folio]) -> str:
    return night_audit(data, date(2026, 3, 14))


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
