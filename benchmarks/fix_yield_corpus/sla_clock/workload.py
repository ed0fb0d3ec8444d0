"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import date, timedelta

from app import Priority, Ticket, breach_report

TODAY = date(2026, 2, 16)
PRIORITIES = list(Priority)


def make_input() -> list[Ticket]:
    return [
        Ticket(
            key=f"SUP-{i:05d}",
            opened=TODAY - timedelta(days=(i * 13) % 60),
            priority=PRIORITIES[i % len(PRIORITIES)],
            paused_days=(i * 7) % 5,
        )
        for i in range(1500)
    ]


def run(data: list[Ticket]) -> dict[str, list[str]]:
    return breach_report(data, TODAY)


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
