"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import UTC, datetime, timedelta

from app import Shift, build_feed

GENERATED = datetime(2025, 1, 6, 7, 30, tzinfo=UTC)
ROLES = ["Front desk", "Night audit", "Housekeeping lead", "Concierge", "Valet"]


def make_input() -> list[Shift]:
    shifts = []
    base = datetime(2025, 1, 6, 6, 0, tzinfo=UTC)
    for i in range(450):
        start = base + timedelta(hours=(i * 7) % 24, days=i // 6)
        shifts.append(
            Shift(
                uid=f"shift-{i:05d}@rosterly.example",
                summary=ROLES[i % len(ROLES)],
                start=start,
                end=start + timedelta(hours=8),
                location=f"Building {i % 4 + 1}, floor {i % 9}" if i % 3 else "",
                notes="Handover with previous shift; check the logbook, radios and keys."
                if i % 2
                else "",
                attendees=tuple(f"staff{(i + k) % 97}@rosterly.example" for k in range(i % 3)),
            )
        )
    return shifts


def run(data: list[Shift]) -> str:
    return build_feed("Harbor Hotel staff", data, GENERATED)


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
