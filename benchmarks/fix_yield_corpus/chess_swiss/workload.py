"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Player, SwissTournament, rating_result


def make_input() -> list[tuple[str, str, int]]:
    rng = random.Random(3)
    return [(f"P{n:03d}", f"Player {n:03d}", rng.randint(1200, 2500)) for n in range(181)]


def run(data: list[tuple[str, str, int]]) -> float:
    tournament = SwissTournament([Player(pid, name, rating) for pid, name, rating in data])
    final = tournament.play(9, rating_result)
    return sum(rank * p.score for rank, p in enumerate(final[:20], start=1))


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
