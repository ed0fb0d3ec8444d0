"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Plot, Watering, build_schedule

CROPS = ["tomato", "maize", "lettuce", "barley", "tomato", "maize"]
STAGES = ["seedling", "vegetative", "flowering", "ripening", "harvested"]
SOILS = ["clay", "loam", "sand", "silt"]


def make_input() -> list[Plot]:
    return [
        Plot(
            f"plot-{i:05d}",
            CROPS[i % len(CROPS)],
            STAGES[(i // 3) % len(STAGES)],
            SOILS[(i // 7) % len(SOILS)],
            50.0 + (i * 37) % 900,
            rain_mm=float((i * 11) % 9),
        )
        for i in range(1500)
    ]


def run(data: list[Plot]) -> list[Watering]:
    return build_schedule(data)


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
