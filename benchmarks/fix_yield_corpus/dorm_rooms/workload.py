"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import json
import logging
import time

from app import RoomRequest, allocate

AMENITIES = ["desk", "sink", "balcony", "ensuite", "kitchenette", "accessible"]


def make_input() -> tuple[str, list[RoomRequest]]:
    rooms = []
    for i in range(240):
        beds = 1 + i % 3
        rooms.append(
            {
                "number": f"{'ABCDEF'[i % 6]}{100 + i}",
                "building": ["Ash", "Birch", "Cedar", "Elm"][i % 4],
                "beds": beds,
                "occupants": [f"old{i}"] if i % 5 == 0 and beds > 1 else [],
                "closed": i % 17 == 0,
                "amenities": [a for j, a in enumerate(AMENITIES) if (i + j) % 3 == 0],
                "rent": {"monthly": 400.0 + (i * 13) % 350, "deposit": 250.0},
            }
        )
    raw = json.dumps({"term": "2026-fall", "rooms": rooms})
    requests = [
        RoomRequest(
            f"s{k}",
            beds=1 + (k % 4 == 0),
            needs=[AMENITIES[k % len(AMENITIES)]] if k % 2 else [],
            avoid_buildings=("Elm",) if k % 3 == 0 else (),
            max_rent=650.0 if k % 5 == 0 else None,
        )
        for k in range(12)
    ]
    return raw, requests


def run(data: tuple[str, list[RoomRequest]]) -> dict[str, str | None]:
    raw, requests = data
    return allocate(raw, requests)


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
