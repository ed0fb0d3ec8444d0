"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import FREE, OFFLINE, ON_TRIP, Assignment, Rider, dispatch, encode_frame

NOW = 1_717_000_000
CENTRE = (40.7400, -73.9900)


def make_input() -> tuple[list[bytes], list[Rider], int]:
    rng = random.Random(77)
    frames = []
    for upload in range(1600):
        driver_id = 5000 + upload % 300
        status = rng.choice([FREE, FREE, FREE, ON_TRIP, OFFLINE])
        start = NOW - rng.randrange(60, 900)
        lat = CENTRE[0] + rng.uniform(-0.08, 0.08)
        lon = CENTRE[1] + rng.uniform(-0.08, 0.08)
        points = []
        for i in range(rng.randrange(60, 140)):
            lat += rng.uniform(-0.0004, 0.0004)
            lon += rng.uniform(-0.0004, 0.0004)
            speed = 4000 if rng.random() < 0.02 else rng.randrange(-1, 180)
            points.append((start + 2 * i, lat, lon, speed))
        rng.shuffle(points)
        frames.append(encode_frame(driver_id, status, points))
    riders = [
        Rider(
            f"R{i:03d}", CENTRE[0] + rng.uniform(-0.05, 0.05), CENTRE[1] + rng.uniform(-0.05, 0.05)
        )
        for i in range(30)
    ]
    return frames, riders, NOW


def run(data: tuple[list[bytes], list[Rider], int]) -> list[Assignment]:
    frames, riders, now = data
    return dispatch(frames, riders, now)


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
