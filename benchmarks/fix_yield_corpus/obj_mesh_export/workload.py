"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import time

from app import HeightGrid, export_tiles, summarize


def _tile(rng: random.Random, name: str, cols: int, rows: int) -> HeightGrid:
    phase = rng.uniform(0, math.tau)
    heights = tuple(
        round(40 * math.sin(c / 7.0 + phase) * math.cos(r / 9.0) + rng.uniform(-2, 2), 2)
        for r in range(rows)
        for c in range(cols)
    )
    return HeightGrid(name, cols, rows, 2.5, heights)


def make_input() -> list[HeightGrid]:
    rng = random.Random(41)
    return [_tile(rng, f"tile_{i:02d}", 24, 24) for i in range(3)]


def run(data: list[HeightGrid]) -> int:
    text = export_tiles(data, z_scale=1.5, sea_level=-20.0)
    counts = summarize(text)
    return counts["v"] + counts["f"] + len(text)


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
