"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

import app


def make_input() -> list[str]:
    lines = []
    verbs = ["ORDER setting hearing", "MOTION to dismiss", "NOTICE of appearance", "ANSWER"]
    for i in range(6000):
        court = app.DISTRICTS[(i * 7) % len(app.DISTRICTS)]
        ctype = app.CASE_TYPES[i % len(app.CASE_TYPES)]
        judge = "-ABC" if i % 3 else ""
        text = verbs[i % 4]
        if i % 5 == 0:
            text += f"; response due by 2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        if i % 97 == 0:
            court = "xxzd"
        lines.append(
            f"{court} {1 + i % 9}:24-{ctype}-{i % 30000:05d}{judge} 2024-03-04 #{i} {text}"
        )
    return lines


def run(data: list[str]) -> int:
    app.reset()
    app.sweep(data)
    return len(app.entries)


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
