"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Assignment, CrewMember, Pairing, build_roster

AIRCRAFT = ("A320", "A321", "B737", "E190")
STATIONS = ("LHR", "CDG", "FRA", "AMS", "MAD", "FCO", "ZRH", "VIE", "CPH", "OSL", "DUB", "LIS")


def make_input() -> tuple[list[CrewMember], list[Pairing]]:
    crew = []
    for i in range(60):
        ratings = [AIRCRAFT[i % 4], AIRCRAFT[(i + 1) % 4]]
        profile = {
            "type_ratings": ratings,
            "restricted_stations": {s: (i + k) % 11 == 0 for k, s in enumerate(STATIONS)},
            "recency": {
                a: {"landings_90d": 2 + (i + j) % 5, "sim_date": 400 + j}
                for j, a in enumerate(ratings)
            },
            "leave": [{"start": (i * 977) % 40000, "end": (i * 977) % 40000 + 2880}],
            "training": [{"course": f"CRM-{k}", "hours": 4 + k, "passed": True} for k in range(4)],
        }
        crew.append(
            CrewMember(f"C{i:03d}", "LHR" if i % 3 else "MAN", "FO" if i % 2 else "CPT", profile)
        )
    pairings = []
    for i in range(90):
        start = i * 450
        pairings.append(
            Pairing(
                f"P{i:04d}",
                "LHR" if i % 4 else "MAN",
                "FO" if i % 3 else "CPT",
                AIRCRAFT[i % 4],
                240 + (i % 5) * 30,
                start,
                start + 600,
                (STATIONS[i % 12], STATIONS[(i * 5) % 12]),
            )
        )
    return crew, pairings


def run(data: tuple[list[CrewMember], list[Pairing]]) -> list[Assignment]:
    crew, pairings = data
    return build_roster(crew, pairings)


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
