"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Limits, Waypoint, check_mission, lawnmower


def make_input() -> list[tuple[Waypoint, list[Waypoint], Limits]]:
    rng = random.Random(88)
    missions = []
    for _ in range(120):
        home = Waypoint(
            "HOME",
            round(rng.uniform(44.0, 48.0), 6),
            round(rng.uniform(-123.0, -117.0), 6),
            0.0,
            0.0,
        )
        route = lawnmower(
            home,
            rng.choice([400, 800, 1200]),
            rng.choice([300, 600, 900]),
            rng.choice([20, 30, 40]),
            rng.choice([60.0, 90.0, 130.0]),
            rng.choice([8.0, 12.0]),
        )
        route.append(Waypoint("RTL", home.lat, home.lon, 30.0, 10.0))
        limits = Limits(battery_wh=rng.choice([90.0, 150.0, 250.0]))
        missions.append((home, route, limits))
    return missions


def run(data: list[tuple[Waypoint, list[Waypoint], Limits]]) -> float:
    total = 0.0
    for home, route, limits in data:
        result = check_mission(home, route, limits)
        total += result["distance_m"] + len(result["violations"])
    return round(total, 1)


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
