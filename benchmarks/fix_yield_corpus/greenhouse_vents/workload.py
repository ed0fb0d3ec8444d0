"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import time

from app import Decision, Reading, VentController

TARGETS = {"tomatoes": 24.0, "seedlings": 21.5, "herbs": 22.0, "orchids": 25.5}


def make_input() -> list[Reading]:
    readings = []
    for minute in range(1200):
        for i, zone in enumerate(TARGETS):
            temp = 22.0 + 4.0 * math.sin((minute + 37 * i) / 90.0) + (minute % 7) * 0.1
            rh = 70.0 + 20.0 * math.cos((minute + 11 * i) / 60.0)
            lux = 40000.0 + 30000.0 * math.sin(minute / 200.0)
            readings.append(Reading(zone, minute, round(temp, 2), round(rh, 1), lux))
    return readings


def run(data: list[Reading]) -> list[Decision]:
    return VentController(TARGETS).run(data)


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
