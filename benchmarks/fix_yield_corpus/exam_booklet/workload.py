"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Question, Section, build_booklet

TOPICS = ["kinematics", "forces", "energy", "waves", "optics", "circuits", "thermal", "nuclear"]
WORDS = (
    "a block slides down frictionless incline released from rest what is the speed after",
    "metres given mass kilograms angle degrees wave frequency lamp resistor voltage current",
    "lens focal length image distance isotope half life sample",
)
VOCABULARY = [word for line in WORDS for word in line.split()]


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(n)).capitalize()


def make_input() -> tuple[list[Section], list[Question]]:
    rng = random.Random(24)
    bank = []
    for i in range(700):
        n_options = rng.choice([4, 4, 4, 5])
        bank.append(
            Question(
                f"PHY-{i:04d}",
                rng.choice(TOPICS),
                _sentence(rng, rng.randint(12, 24)) + "?",
                tuple(_sentence(rng, rng.randint(2, 6)) for _ in range(n_options)),
                rng.choice([1, 1, 2, 3]),
                keep_order=rng.random() < 0.1,
            )
        )
    sections = [
        Section("Mechanics", ("kinematics", "forces", "energy"), "Answer every question."),
        Section("Waves and light", ("waves", "optics")),
        Section("Electricity", ("circuits",), "Use g = 9.8 m/s^2 where needed."),
        Section("Thermal and nuclear", ("thermal", "nuclear")),
    ]
    return sections, bank


def run(data: tuple[list[Section], list[Question]]) -> int:
    sections, bank = data
    booklet = build_booklet("Physics practice booklet", sections, bank, variant=3)
    return len(booklet.paper) + booklet.total_marks


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
