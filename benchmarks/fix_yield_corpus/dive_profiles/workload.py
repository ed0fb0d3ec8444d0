"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import DiveLog, check_logbook

DIVERS = [
    ("Ama", "OW"),
    ("Bex", "AOW"),
    ("Cal", "DL"),
    ("Dev", "AOW"),
    ("Eun", "OW"),
    ("Fin", "DL"),
]


def _profile(rng: random.Random, target: float) -> list[tuple[int, float]]:
    samples = [(0, 0.0)]
    t, d = 0, 0.0
    while d < target:
        t += 20
        d = min(target, d + rng.uniform(2.0, 4.0))
        samples.append((t, round(d, 1)))
    for _ in range(rng.randint(6, 20)):
        t += 20
        d = max(3.0, d + rng.uniform(-1.5, 1.2))
        samples.append((t, round(d, 1)))
    while d > 5.0:
        t += 20
        d = max(5.0, d - rng.uniform(0.8, 2.2))
        samples.append((t, round(d, 1)))
    for _ in range(rng.choice([6, 18, 19])):
        t += 20
        samples.append((t, round(5.0 + rng.uniform(-0.4, 0.4), 1)))
    for d in (3.4, 1.7, 0.0):
        t += 20
        samples.append((t, d))
    return samples


def make_input() -> list[DiveLog]:
    rng = random.Random(12)
    logs = []
    for _ in range(2200):
        diver, level = rng.choice(DIVERS)
        gas = rng.choice(["air", "air", "ean32", "ean36"])
        logs.append(
            DiveLog(
                diver,
                level,
                gas,
                rng.choice([10.0, 12.0, 15.0]),
                200.0,
                rng.uniform(12, 24),
                _profile(rng, rng.uniform(8, 40)),
            )
        )
    return logs


def run(data: list[DiveLog]) -> int:
    reports = check_logbook(data)
    return sum(len(r.flags) for rs in reports.values() for r in rs)


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
