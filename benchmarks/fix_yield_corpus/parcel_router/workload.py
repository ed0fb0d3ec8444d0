"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time
from collections import Counter

from app import CageAssignment, Parcel, sort_inbound

AREAS = ["AB", "EH", "G", "B", "NG", "SW", "BN", "BS", "TR", "ZE", "LS", "M"]


def make_input() -> list[Parcel]:
    rng = random.Random(2718)
    parcels = []
    for n in range(3000):
        postcode = f"{rng.choice(AREAS)}{rng.randrange(1, 30)} {rng.randrange(10)}XY"
        dims = (rng.randrange(5, 130), rng.randrange(5, 80), rng.randrange(2, 60))
        parcels.append(Parcel(f"TRK{n:07d}", postcode, round(rng.uniform(0.1, 35.0), 2), dims))
    return parcels


def run(data: list[Parcel]) -> tuple[list[CageAssignment], Counter[str]]:
    return sort_inbound(data)


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
