"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import SurveyPlanner, Target, default_site


def make_input() -> tuple[SurveyPlanner, list[Target]]:
    bands = "BVRI"
    targets = [
        Target(
            name=f"NGC{1000 + i}",
            altitude_deg=(i * 7.3) % 88 + 1,
            azimuth_deg=(i * 13.7) % 360,
            magnitude=12.0 + (i * 0.37) % 8,
            band=bands[i % 4],
            priority=1 + i % 3,
        )
        for i in range(400)
    ]
    return SurveyPlanner(default_site()), targets


def run(data: tuple[SurveyPlanner, list[Target]]) -> list[tuple[str, float]]:
    planner, targets = data
    return planner.rank(targets, limit=50)


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
