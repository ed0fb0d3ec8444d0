"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Season, position_history, round_robin


def make_input() -> Season:
    rng = random.Random(41)
    teams = [f"Athletic {n:02d}" for n in range(20)]
    fixtures = round_robin(teams)
    for fx in fixtures:
        if fx.matchday > 34:
            continue
        if rng.random() < 0.01:
            fx.forfeit_by = rng.choice([fx.home, fx.away])
        else:
            fx.home_goals = min(rng.randint(0, 3) + rng.randint(0, 2), 7)
            fx.away_goals = rng.randint(0, 3)
    return Season("County League 2023/24", teams, fixtures, {"Athletic 07": 3})


def run(data: Season) -> int:
    history = position_history(data)
    return sum(positions[-1] * i for i, positions in enumerate(history.values()))


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
