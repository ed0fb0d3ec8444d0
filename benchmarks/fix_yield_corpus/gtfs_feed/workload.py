"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import PatternStop, RoutePattern, build_stop_times


def _pattern(rng: random.Random, route_id: str, direction: int, n_stops: int) -> RoutePattern:
    stops = []
    run = 0
    distance = 0.0
    for i in range(n_stops):
        stops.append(
            PatternStop(
                f"S{rng.randrange(1, 4000):04d}",
                run,
                rng.choice([0, 0, 0, 20, 30]),
                round(distance, 1),
                timepoint=i % 6 == 0,
                drop_off_only=i == n_stops - 2 and rng.random() < 0.3,
            )
        )
        run += rng.randint(50, 150) + stops[-1].dwell_seconds
        distance += rng.uniform(250, 700)
    return RoutePattern(route_id, direction, tuple(stops))


def make_input() -> list[tuple[RoutePattern, str, list[tuple[int, int, int]]]]:
    rng = random.Random(24)
    schedule = []
    for r in range(3):
        for direction in (0, 1):
            pattern = _pattern(rng, f"R{r + 10}", direction, rng.randint(16, 22))
            frequencies = [
                (5 * 3600 + 300 * direction, 7 * 3600, 1800),
                (7 * 3600, 19 * 3600, 1800),
                (19 * 3600, 25 * 3600 + 1800, 2700),
            ]
            schedule.append((pattern, "WKDY", frequencies))
    return schedule


def run(data: list[tuple[RoutePattern, str, list[tuple[int, int, int]]]]) -> int:
    return len(build_stop_times(data))


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
