"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Report, digest

TRAILS = [
    "Eagle Creek",
    "Ptarmigan Ridge",
    "Lost Lake Loop",
    "Cedar Flats",
    "Wy'east Basin",
    "Heliotrope Ridge",
    "Skyline Divide",
    "Dog Mountain",
    "Table Rock",
    "Iron Goat",
]
SNIPPETS = [
    "Great day, trail in good shape.",
    "Two downed trees past the junction, easy to step over.",
    "Small washout near mile 3.2, sketchy with a pack.",
    "Snow from MP 4 onward, microspikes helpful.",
    "Creek  crossing was high and difficult this afternoon.",
    "Saw a black bear at mi. 2, it moved off.",
    "Bridge out at mile 5.5, impassable for now.",
    "Very overgrown, lots of nettles in shorts.",
    "Gate closed at the forest road, add 2 miles of walking.",
    "Crews cleared the deadfall, minor debris left.",
    "Wildflowers peaking, bugs are bad.",
    "Icy patches on the north side in the morning.",
    "Parking full by 8am on Saturday.",
    "Rockfall on the switchbacks, dangerous after rain.",
    "Wasp nest right on the tread near mile 1.",
    "Logs across trail everywhere after the windstorm.",
    "Muddy but fine.",
    "Met a ranger who said the trailhead closed for a fire next week.",
]


def make_input() -> list[Report]:
    rng = random.Random(3)
    reports = []
    for i in range(1500):
        text = " ".join(rng.sample(SNIPPETS, rng.randint(1, 4)))
        date = f"2024-{rng.randint(5, 10):02d}-{rng.randint(1, 28):02d}"
        reports.append(Report(i, rng.choice(TRAILS), date, text))
    return reports


def run(data: list[Report]) -> int:
    result = digest(data, since="2024-06-01")
    return sum(e["reports"] * 10 + e["worst"] + sum(e["hazards"].values()) for e in result.values())


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
