"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import season_report


def _code(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWY") for _ in range(4))


def make_input() -> tuple[list[str], list[str]]:
    rng = random.Random(1207)
    species = sorted({_code(rng) for _ in range(900)})
    watch = species[::3]
    lines = ["# site,date,species,count,flags"]
    for i in range(15000):
        site = f"PC{rng.randint(1, 60):03d}"
        date = f"2024-05-{1 + i % 28:02d}"
        flags = rng.choice(["", "", "", "V", "P", "S"])
        lines.append(f"{site},{date},{rng.choice(species)},{rng.randint(0, 12)},{flags}")
    return lines, watch


def run(data: tuple[list[str], list[str]]) -> dict[str, dict[str, int]]:
    lines, watch = data
    return season_report(lines, watch)


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
