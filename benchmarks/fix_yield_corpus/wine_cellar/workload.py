"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import VARIETALS, Cellar

PRODUCERS = [
    "Ch. Montrose",
    "Dom. Leflaive",
    "Vietti",
    "Penfolds",
    "Ridge",
    "CVNE",
    "Dr. Loosen",
    "Guigal",
    "Catena",
    "Felton Road",
    "Quinta do Crasto",
]
SIZES = ["", "", "", "750ml", "75cl", "magnum", "375ml", "1.5L", "half"]
QTYS = ["", "x6", "x 12", "3 btl", "2 bottles", "1 bottle", "x24"]


def make_input() -> list[str]:
    rng = random.Random(11)
    lines = []
    for i in range(1500):
        if i % 40 == 0:
            lines.append("# invoice page break")
            continue
        if rng.random() < 0.03:
            lines.append(f"{rng.choice(PRODUCERS)} gift box assorted")
            continue
        vintage = rng.choice(["NV", str(rng.randint(1985, 2022))])
        grape = rng.choice(VARIETALS)
        grape = grape.upper() if rng.random() < 0.2 else grape
        parts = [vintage, rng.choice(PRODUCERS), grape, rng.choice(SIZES), rng.choice(QTYS)]
        lines.append(" ".join(p for p in parts if p))
    return lines


def run(lines: list[str]) -> int:
    cellar = Cellar()
    cellar.receive(lines)
    ready = cellar.ready_to_drink(2025)
    return cellar.bottles() * 1000 + sum(r[3] for r in ready) + len(cellar.unparsed)


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
