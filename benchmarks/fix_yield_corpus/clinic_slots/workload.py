"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import date, datetime, timedelta

from app import Booking, SlotRequest, answer_requests

SPECIALTIES = ["gp", "derm", "cardio", "peds", "ortho", "ent"]


def make_input() -> tuple[dict[str, dict], list[Booking], list[SlotRequest]]:
    rota: dict[str, dict] = {}
    for c in range(24):
        days = {}
        for d, name in enumerate(("mon", "tue", "wed", "thu", "fri")):
            if (c + d) % 4 != 0:
                days[name] = [["08:30", "12:00"], ["13:00", "17:30"]]
        rota[f"clin_{c:02d}"] = {
            "specialties": [SPECIALTIES[c % 6], SPECIALTIES[(c * 5 + 1) % 6]],
            "days": days,
            "room": f"R{c % 9}",
        }
    monday = date(2026, 12, 7)
    bookings = [
        Booking(
            f"clin_{i % 24:02d}",
            datetime.combine(monday + timedelta(days=i % 5), datetime.min.time())
            + timedelta(minutes=510 + (i * 45) % 480),
            30,
        )
        for i in range(600)
    ]
    requests = [
        SlotRequest(SPECIALTIES[i % 6], monday + timedelta(days=i % 5), 15 + 15 * (i % 3))
        for i in range(45)
    ]
    return rota, bookings, requests


def run(data: tuple[dict[str, dict], list[Booking], list[SlotRequest]]) -> object:
    rota, bookings, requests = data
    return answer_requests(rota, bookings, requests)


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
