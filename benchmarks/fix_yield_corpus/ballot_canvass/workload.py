"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Ballot, Registration, canvass

CONTESTS = {
    "mayor": ["Alvarez", "Brennan", "Chu", "Duarte", "Eklund"],
    "council-3": ["Farrow", "Gupta", "Hale", "Ibarra"],
    "school-board": ["Jensen", "Kowalski", "Lind"],
}


def make_input() -> tuple[list[Registration], list[Ballot], list[str]]:
    rng = random.Random(24)
    roll = [
        Registration(
            f"V{n:08d}",
            f"P{rng.randrange(1, 40):02d}",
            rng.choices(["active", "inactive", "cancelled"], [88, 8, 4])[0],
        )
        for n in rng.sample(range(10_000_000, 99_999_999), 12_000)
    ]
    ballots = []
    for i in range(900):
        if rng.random() < 0.06:
            voter = f"V{rng.randrange(10_000_000, 99_999_999):08d}"  # not on the roll
        else:
            voter = rng.choice(roll).voter_id
        rankings = {}
        for contest, field in CONTESTS.items():
            if rng.random() < 0.9:
                marks = rng.sample(field, rng.randint(1, len(field)))
                if rng.random() < 0.05:
                    marks.append(marks[0])
                rankings[contest] = tuple(marks)
        ballots.append(Ballot(f"B{i:06d}", voter, i, rankings))
    return roll, ballots, list(CONTESTS)


def run(data: tuple[list[Registration], list[Ballot], list[str]]) -> int:
    roll, ballots, contests = data
    result = canvass(roll, ballots, contests)
    return result.accepted + sum(len(r.rounds) for r in result.results.values())


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
