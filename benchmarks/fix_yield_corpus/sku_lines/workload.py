"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import totals

FAMILIES = ("ab", "CDX", "efgh", "Kl", "mno")
FLAGS = ("fragile", "COLD", "hazmat", "oversize", "note")


def make_input(n: int = 2500) -> list[str]:
    lines = []
    for i in range(n):
        if i % 23 == 0:
            lines.append(f"??-{i} x2 @1.00")
            continue
        parts = [f"{FAMILIES[i % 5]}-{1000 + (i * 37) % 9000}"]
        if i % 4 == 0:
            parts[0] += f"/{('s', 'm', 'xl')[i % 3]}"
        if i % 3:
            parts.append(f"x{1 + i % 12}")
        parts.append(f"@{i % 40}.{i % 100:02d}" if i % 7 else f"@{i % 40}.{i % 10}")
        parts.append(f"{'abcdefgh'[i % 8]}{1 + i % 24}-{i % 60:02d}")
        if i % 2 == 0:
            parts.append(f"lot:{(i * 7) % 5000:x}k{i % 9}")
        if i % 5 == 0:
            parts.append(FLAGS[i % len(FLAGS)])
        lines.append(" ".join(parts))
    return lines


def run(data: list[str]) -> object:
    return totals(data)


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
