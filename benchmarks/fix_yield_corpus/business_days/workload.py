"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time

from app import generate_calendar, load_calendar, reset, sla_report

PRIORITIES = ["P1", "P2", "P3", "P4"]


def make_input() -> tuple[list[tuple[str, dt.date, str]], dt.date]:
    reset()
    load_calendar(generate_calendar(1990, 2060, ("global", "us", "uk", "de")))
    base = dt.date(2024, 11, 1)
    tickets = [
        (f"T-{i:04d}", base + dt.timedelta(days=(i * 7) % 60), PRIORITIES[i % 4])
        for i in range(360)
    ]
    return tickets, dt.date(2024, 12, 2)


def run(data: tuple[list[tuple[str, dt.date, str]], dt.date]) -> list[dict]:
    tickets, today = data
    return sla_report(tickets, today)


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
