"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import Entry, import_week


def _code(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.05:
        return f"cap-{rng.randrange(1000, 1060)}-{rng.choice('ABC')} "
    if roll < 0.15:
        return f"MNT-{rng.randrange(2000, 2100)}-{rng.choice('ABCD')}"
    if roll < 0.45:
        return "OPS-" + rng.choice(["LINE", "QA", "SHIP", "RCV"])
    if roll < 0.65:
        return "OH-" + rng.choice(["ADM", "MTG", "IT"])
    if roll < 0.75:
        return f"TRN-{rng.randrange(1, 30):02d}"
    if roll < 0.97:
        return rng.choice(["PTO", "SICK", "HOL"])
    return rng.choice(["CAP-12-A", "MISC", "OPS-"])


def make_input() -> list[Entry]:
    rng = random.Random(5)
    return [
        Entry(
            f"E{rng.randrange(700):04d}",
            rng.randrange(7),
            _code(rng),
            rng.choice([0.5, 1, 2, 4, 8]),
        )
        for _ in range(25000)
    ]


def run(data: list[Entry]) -> dict:
    return import_week(data)


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
