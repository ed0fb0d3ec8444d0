"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import time

from app import encode_frame, report, service_epochs

STATIONS = ["BRST", "PLYM", "DOVR", "ABDN", "WHBY"]
START = 1_700_002_800
INTERVAL = 30


def make_input() -> tuple[bytes, list[int]]:
    rng = random.Random(7)
    frames = []
    for i in range(300):
        station = STATIONS[i % len(STATIONS)]
        base = rng.randrange(3000, 4500)
        samples = []
        for k in range(120):
            level = base + int(3000 * math.sin((i * 120 + k) / 74.5)) + rng.randrange(-80, 80)
            flag = 0 if rng.random() > 0.03 else rng.choice([1, 2, 4])
            samples.append((level, rng.randrange(-300, 300), rng.randrange(0, 450), flag))
        frames.append(encode_frame(station, START + i * 3600, INTERVAL, samples))
    log = []
    for _ in range(4):
        begin = START + rng.randrange(0, 300 * 3600)
        log.append((begin, begin + rng.randrange(1800, 5400)))
    return b"".join(frames), service_epochs(log, INTERVAL)


def run(data: tuple[bytes, list[int]]) -> list[dict]:
    buf, serviced = data
    return report(buf, serviced)


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
