"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Activity, fleet_report, write_download


def _activities(rng: random.Random) -> list[Activity]:
    acts = []
    for day in range(28):
        minute = rng.randint(300, 420)
        for _ in range(rng.randint(20, 40)):
            kind = rng.choice(["driving", "driving", "work", "break", "available"])
            length = rng.randint(5, 40)
            if minute + length >= 1440:
                break
            acts.append(Activity(int(rng.random() < 0.1), kind, day, minute, length))
            minute += length
    return acts


def _speed_trace(rng: random.Random, seconds: int) -> list[tuple[int, int, int]]:
    trace = []
    ts = 1_714_000_000
    kmh = 0
    for _ in range(seconds):
        ts += 1 if rng.random() > 0.002 else rng.randint(2, 30)
        kmh = max(0, min(120, kmh + rng.choice([-13, -3, -1, 0, 0, 1, 2, 3])))
        trace.append((ts, kmh, 1 if rng.random() < 0.01 else 0))
    return trace


def make_input() -> list[bytes]:
    rng = random.Random(17)
    blobs = [
        write_download(f"VU-{n:04d}", _activities(rng), _speed_trace(rng, 6_000)) for n in range(16)
    ]
    blobs.append(blobs[3][:-1] + b"\x07")  # a damaged copy that fails the CRC
    return blobs


def run(data: list[bytes]) -> int:
    report = fleet_report(data)
    return sum(sum(row.values()) for row in report.values())


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
