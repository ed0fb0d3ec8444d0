"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import ChipRead, Mat, RaceTimer, Runner, reset

MATS = [
    Mat("START", "Start line", 0.0),
    Mat("K5", "5 km", 5.0),
    Mat("K10", "10 km", 10.0),
    Mat("HALF", "Half way", 21.0975),
    Mat("K30", "30 km", 30.0),
    Mat("FIN", "Finish", 42.195),
]
CATEGORIES = ["M18", "M35", "M50", "F18", "F35", "F50"]


def make_input() -> tuple[list[Runner], list[ChipRead]]:
    rng = random.Random(42)
    runners = [Runner(bib, f"Runner {bib}", rng.choice(CATEGORIES)) for bib in range(1, 3001)]
    reads = []
    for runner in runners:
        start = rng.uniform(0, 600)
        pace = rng.uniform(190, 420)  # seconds per km
        reads.append(ChipRead(runner.bib, "START", start))
        dropout = rng.random() < 0.05
        for mat in MATS[1:]:
            if dropout and mat.code in ("K30", "FIN"):
                break
            t = start + mat.distance_km * pace * rng.uniform(0.97, 1.03)
            reads.append(ChipRead(runner.bib, mat.code, t))
            if rng.random() < 0.1:  # mat double-read
                reads.append(ChipRead(runner.bib, mat.code, t + rng.uniform(0.1, 30)))
    for _ in range(40):  # stray reads from unregistered chips
        reads.append(ChipRead(rng.randint(5000, 6000), "K10", rng.uniform(0, 9000)))
    reads.sort(key=lambda r: r.clock)
    return runners, reads


def run(data: tuple[list[Runner], list[ChipRead]]) -> float:
    runners, reads = data
    reset(runners)
    timer = RaceTimer(MATS, runners)
    timer.record_all(reads)
    rows = timer.results()
    return round(sum(r["chip_s"] for r in rows) + timer.rejected, 2)


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
