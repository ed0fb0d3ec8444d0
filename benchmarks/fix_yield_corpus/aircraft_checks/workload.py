"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import _TASK_TABLE, PROGRAMMES, Aircraft, labour_by_type, plan_fleet

TODAY = 20_000


def make_input() -> list[Aircraft]:
    rng = random.Random(11)
    fleet = []
    types = sorted(PROGRAMMES)
    for i in range(600):
        type_code = types[i % len(types)]
        hours = rng.uniform(5_000, 40_000)
        cycles = int(hours * rng.uniform(0.9, 1.4))
        last_done = {}
        for row in _TASK_TABLE:
            code, _title, h_int, c_int, d_int = row[:5]
            back = rng.uniform(0.0, 1.08)
            last_done[code] = (
                hours - back * (h_int or 1000),
                cycles - int(back * (c_int or 1000)),
                TODAY - int(back * (d_int or 365)),
            )
        fleet.append(Aircraft(f"G-{i:04d}", type_code, hours, cycles, TODAY, last_done))
    return fleet


def run(data: list[Aircraft]) -> dict[str, float]:
    packages = plan_fleet(data, horizon=0.08)
    return labour_by_type(data, packages)


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
