"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import METERS, Tune, bar_units, render_book

NOTES = ["D", "E", "F", "G", "A", "B", "c", "d", "e", "f", "g", "a", "^F", "=c"]
WORDS = [
    "Humours",
    "of",
    "Lark",
    "Mill",
    "Boyne",
    "Kitty",
    "Road",
    "Morning",
    "Dew",
    "Star",
    "Bank",
    "Drowsy",
    "Maggie",
    "Castle",
    "Silver",
    "Spear",
    "Old",
    "Copperplate",
]
KEYS = ["D", "G", "Ador", "Edor", "Em", "Bm", "A", "Amix"]


def _bar(rng: random.Random, units: int) -> tuple[str, ...]:
    tokens = []
    left = units
    while left > 0:
        step = min(left, rng.choice([1, 1, 1, 2, 3]))
        note = rng.choice(NOTES)
        tokens.append(note if step == 1 else f"{note}{step}")
        left -= step
    if rng.random() < 0.03:  # the odd typo in the spreadsheet
        tokens.append(rng.choice(NOTES))
    return tuple(tokens)


def make_input() -> list[Tune]:
    rng = random.Random(27)
    tunes = []
    rhythms = list(METERS)
    for i in range(400):
        rhythm = rng.choice(rhythms)
        units = int(bar_units(rhythm))
        parts = rng.choice([2, 2, 3])
        bars = tuple(_bar(rng, units) for _ in range(8 * parts))
        title = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
        composer = rng.choice(["", "", "Trad.", "P. Kelly", "J. McKenna"])
        tunes.append(Tune(f"{title} ({i})", rhythm, rng.choice(KEYS), composer, bars, parts))
    return tunes


def run(data: list[Tune]) -> int:
    text, warnings = render_book("Thursday Session", "session spreadsheet", data)
    return len(text) + warnings


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
