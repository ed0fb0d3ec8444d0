"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import time

from app import Frame, encode_dump, flight_summary


def make_input() -> bytes:
    rng = random.Random(737)
    frames = []
    n = 250000
    for i in range(n):
        phase = i / n
        alt = int(37000 * math.sin(math.pi * phase) ** 0.6) if 0.02 < phase < 0.98 else 0
        ias = 140 + 160 * math.sin(math.pi * phase) + rng.uniform(-8, 50)
        flaps = 5 if alt < 1500 else (2 if alt < 6000 else 0)
        g = (
            1.0
            + rng.uniform(-0.15, 0.15)
            + (rng.uniform(0.5, 1.2) if alt == 0 and rng.random() < 0.01 else 0)
        )
        frames.append(
            Frame(
                i * 250,
                alt,
                round(ias, 1),
                round(rng.uniform(-5, 12), 2),
                round(rng.gauss(0, 14), 2),
                round(g, 3),
                round(rng.uniform(0, 359.9), 1),
                flaps,
                alt < 2000,
            )
        )
    return encode_dump("G-QARX", frames)


def run(data: bytes) -> int:
    summary = flight_summary(data)
    return summary["frames"] + sum(summary["events"].values())


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
