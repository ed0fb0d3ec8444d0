"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Citation, CitationProcessor, summarise

DESCRIPTIONS = [
    "Parked at expired meter",
    "meter expired, pay station receipt missing",
    "Vehicle parked beyond 2 hr time limit",
    "overtime parking  - chalked 09:10",
    "Parked in residential permit area without RPP",
    "Blocking driveway at 1412",
    "Parked within 15 ft of fire hydrant",
    "Double parked on  travel lane",
    "Stopped in red zone / red curb",
    "Commercial loading zone, no placard",
    "Street cleaning - sweeper route Tue 8-10",
    "Expired tags (registration 2022)",
    "Bus stop - obstructing transit",
    "Parked on crosswalk",
    "Disabled space, no placard displayed",
    "Abandoned vehicle > 72 hours",
    "parked on sidewalk",
]
STATES = ["CA", "CA", "CA", "NV", "OR", "AZ", "WA", "TX", "ZZ"]


def make_input() -> list[Citation]:
    rng = random.Random(11)
    plates = [
        "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(7))
        for _ in range(900)
    ]
    batch = []
    for n in range(3000):
        plate = rng.choice(plates)
        if rng.random() < 0.2:
            plate = f"{plate[:3]} {plate[3:]}".lower()
        batch.append(
            Citation(
                f"T{880000 + n}",
                plate,
                rng.choice(STATES),
                rng.choice(DESCRIPTIONS),
                f"{rng.randint(1, 99) * 100} {rng.choice(['MAIN', 'OAK', '5TH', 'PINE'])} ST",
                rng.randrange(360, 1380),
            )
        )
    return batch


def run(data: list[Citation]) -> int:
    processor = CitationProcessor()
    return summarise(processor.process(data))["revenue"]


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
