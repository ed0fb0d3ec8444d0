"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import column_widths, render_grid


def make_input(n: int = 400) -> list[list[Any]]:
    return [
        [i, f"item-{i % 53}", (i * 7919) % 100_000 / 100, "yes" if i % 3 else "no", f"bin {i % 12}"]
        + [f"{(i * j) % 997}" for j in range(1, 9)]
        for i in range(n)
    ]


def run(data: list[list[Any]]) -> str:
    return render_grid(data, column_widths(data))


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
