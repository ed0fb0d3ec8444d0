"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import time

from app import Reading, voyage_report

START = 1_714_521_600  # 2024-05-01T00:00:00Z
SETPOINTS = [-18.0, -25.0, 2.0, 4.0, 13.0]


def make_input() -> list[Reading]:
    rng = random.Random(31)
    readings = []
    for c in range(40):
        cid = f"MSKU{7_100_000 + c * 37:07d}"
        setpoint = rng.choice(SETPOINTS)
        drift_at = rng.randrange(0, 280) if rng.random() < 0.5 else -1
        drift_len = rng.randrange(3, 16)
        drift = rng.choice([5.5, 4.0, -4.5])
        ts = START
        for k in range(300):
            ts += 300 + rng.randrange(-20, 20)
            if rng.random() < 0.01:
                ts += 1800  # logger lost power / comms
            supply = setpoint + 0.6 * math.sin(k / 9) + rng.gauss(0, 0.25)
            if 0 <= drift_at <= k < drift_at + drift_len:
                supply += drift
            readings.append(
                Reading(
                    container=cid,
                    ts=ts,
                    supply_c=round(supply, 2),
                    return_c=round(supply + 1.2 + rng.gauss(0, 0.2), 2),
                    setpoint_c=setpoint,
                    door_open=rng.random() < 0.005,
                    power_ok=rng.random() > 0.003,
                )
            )
    rng.shuffle(readings)
    return readings


def run(data: list[Reading]) -> list[tuple[str, int, float | None]]:
    return [(r.container, len(r.excursions), r.mkt_c) for r in voyage_report(data)]


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
