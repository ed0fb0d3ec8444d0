"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import CLASS_WEIGHT, Segment, Truck, assign_shift, shift_summary

STREETS = [
    "Maple Ave",
    "Queen St",
    "Hillcrest Rd",
    "Station Rd",
    "Birch Ln",
    "Lakeshore Blvd",
    "Orchard Way",
    "Mill St",
    "Ridge Dr",
    "Canal St",
    "Elm Ct",
    "Harbour Rd",
]
DEPOTS = [(2.0, 3.0), (9.5, 1.5), (6.0, 8.0), (12.0, 10.0)]


def make_input() -> tuple[list[Segment], list[tuple[str, float, float, float]]]:
    rng = random.Random(88)
    classes = list(CLASS_WEIGHT)
    segments = []
    for i in range(4200):
        cls = rng.choices(classes, weights=[1, 6, 4, 3, 10, 25, 4])[0]
        segments.append(
            Segment(
                f"S{i:05d}",
                f"{rng.choice(STREETS)} {rng.randint(1, 40)}00 block",
                cls,
                round(rng.uniform(0.08, 0.9), 3),
                4 if cls in ("arterial", "hospital") else rng.choice([1, 2, 2]),
                round(rng.uniform(0, 11), 1),
                rng.choice([-1, -1, 30, 60, 95, 140]),
                round(rng.uniform(0, 14), 3),
                round(rng.uniform(0, 12), 3),
            )
        )
    fleet = []
    for n in range(18):
        x, y = DEPOTS[n % len(DEPOTS)]
        fleet.append((f"PL-{n + 1:02d}", x, y, rng.choice([150.0, 180.0, 220.0])))
    return segments, fleet


def run(data: tuple[list[Segment], list[tuple[str, float, float, float]]]) -> float:
    segments, fleet = data
    trucks = [Truck(tid, x, y, cap) for tid, x, y, cap in fleet]
    routes, unassigned = assign_shift(segments, trucks, storm_min=180, snowfall_cm_hr=2.5)
    summary = shift_summary(trucks)
    return round(sum(r[3] for r in summary), 1) + len(unassigned) + len(routes)


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
