"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import ControllerLog, FiringSchedule, Segment, track_firing


def make_input() -> tuple[FiringSchedule, list[tuple[float, float]]]:
    segments = [
        Segment(60.0, 120.0, 45.0),
        Segment(90.0, 600.0, 15.0),
        Segment(150.0, 950.0, 20.0),
        Segment(120.0, 1240.0, 12.0),
        Segment(250.0, 1000.0, 30.0),
        Segment(80.0, 700.0),
    ]
    schedule = FiringSchedule("cone6-glaze", segments)
    step = schedule.duration_min / 4000
    readings = []
    for i in range(4000):
        minute = i * step
        readings.append((minute, schedule.setpoint(minute) + ((i * 37) % 41) - 20.0))
    return schedule, readings


def run(data: tuple[FiringSchedule, list[tuple[float, float]]]) -> ControllerLog:
    schedule, readings = data
    return track_firing(schedule, readings)


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
