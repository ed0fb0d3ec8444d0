"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import string
import time

from app import HotlistMatcher, Read, alert_summary

REASONS = ["STOLEN", "NO INSURANCE", "NO TAX", "WANTED", "ANPR MARKER", ""]
CAMERAS = [f"RR{n:02d}{d}" for n in range(1, 19) for d in "NS"]


def _plate(rng: random.Random) -> str:
    letters = string.ascii_uppercase
    return (
        "".join(rng.choice(letters) for _ in range(2))
        + f"{rng.randint(2, 74):02d}"
        + "".join(rng.choice(letters) for _ in range(3))
    )


def make_input() -> tuple[list[str], list[Read]]:
    rng = random.Random(5)
    hot = [_plate(rng) for _ in range(3500)]
    lines = ["# hotlist refreshed 06:00"] + [f"{p},{rng.choice(REASONS)}" for p in hot]
    traffic = [_plate(rng) for _ in range(1500)] + rng.sample(hot, 150)
    reads = []
    ts = 1_700_000_000
    for _ in range(4000):
        ts += rng.randint(0, 4)
        plate = rng.choice(traffic)
        if rng.random() < 0.3:
            plate = plate[:4] + " " + plate[4:]
        if rng.random() < 0.05:
            plate = plate.replace("O", "0").replace("S", "5")
        reads.append(
            Read(
                rng.choice(CAMERAS),
                ts,
                plate.lower() if rng.random() < 0.1 else plate,
                round(rng.uniform(0.5, 1.0), 2),
            )
        )
    return lines, reads


def run(data: tuple[list[str], list[Read]]) -> int:
    lines, reads = data
    matcher = HotlistMatcher(lines)
    alerts = alert_summary(matcher.process_batch(reads))
    return sum(alerts.values()) * 100000 + matcher.stats["suppressed"]


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
