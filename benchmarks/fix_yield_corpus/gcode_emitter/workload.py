"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import time

from app import generate

Outline = list[tuple[float, float]]


def make_input() -> list[Outline]:
    outlines = []
    for k in range(8):
        cx, cy = 20.0 + 35.0 * (k % 4), 20.0 + 35.0 * (k // 4)
        radius = 8.0 + k
        pts = []
        for i in range(120):
            a = 2 * math.pi * i / 120
            r = radius * (1.0 + 0.08 * math.sin(5 * a))
            pts.append((round(cx + r * math.cos(a), 3), round(cy + r * math.sin(a), 3)))
        outlines.append(pts)
    return outlines


def run(data: list[Outline]) -> str:
    return generate(data, total_depth=6.0, step_down=1.5)


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
