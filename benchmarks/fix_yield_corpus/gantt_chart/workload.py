"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import time

from app import Task, parse_plan, render

OWNERS = ["ana", "bo", "chen", "dita"]


def make_input() -> list[Task]:
    base = dt.date(2024, 1, 1)
    lines = []
    for i in range(6600):
        start = base + dt.timedelta(days=(i * 13) % 300)
        end = start + dt.timedelta(days=3 + (i * 7) % 40)
        owner = OWNERS[(i * 5) % len(OWNERS)]
        lines.append(f"PRJ-{i},{owner},{start},{end},{(i % 11) / 10:.1f}")
    return parse_plan(lines)


def run(data: list[Task]) -> str:
    return render(data, width=100)


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
