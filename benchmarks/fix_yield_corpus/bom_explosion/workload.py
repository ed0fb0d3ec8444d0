"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import BomExplosion, BomLine, Part

UOMS = ["EA", "EA", "EA", "M", "KG", "L"]


def make_input() -> tuple[BomExplosion, list[str]]:
    rng = random.Random(24)
    parts = [
        Part(
            f"RM-{i:05d}",
            f"Raw material {i} grade {rng.choice('ABC')}",
            rng.choice(UOMS),
            round(rng.uniform(0.05, 40.0), 4),
        )
        for i in range(600)
    ]
    lines = []
    subs = []
    for i in range(120):
        part_no = f"SA-{i:04d}"
        parts.append(
            Part(part_no, f"Subassembly {i}", "EA", round(rng.uniform(0, 5), 2), make=True)
        )
        for n, child in enumerate(rng.sample(range(600), rng.randint(8, 14))):
            lines.append(
                BomLine(
                    part_no,
                    f"RM-{child:05d}",
                    round(rng.uniform(0.1, 8), 3),
                    rng.choice([0, 0, 1.5, 3]),
                    (n + 1) * 10,
                )
            )
        subs.append(part_no)
    modules = []
    for i in range(30):
        part_no = f"MOD-{i:03d}"
        parts.append(Part(part_no, f"Module {i}", "EA", 0.0, make=True))
        for n, child in enumerate(rng.sample(subs, rng.randint(8, 12))):
            lines.append(BomLine(part_no, child, rng.choice([1, 1, 2, 4]), 0, (n + 1) * 10))
        modules.append(part_no)
    tops = []
    for i in range(2):
        part_no = f"FG-{i:02d}"
        parts.append(Part(part_no, f"Finished unit model {i}", "EA", 12.5, make=True))
        for n, child in enumerate(rng.sample(modules, 24)):
            lines.append(BomLine(part_no, child, rng.choice([1, 2]), 0, (n + 1) * 10))
        tops.append(part_no)
    return BomExplosion(parts, lines), tops


def run(data: tuple[BomExplosion, list[str]]) -> int:
    bom, tops = data
    return sum(len(bom.report(top, 25)) for top in tops)


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
