"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import render_plan


def make_input(n: int = 2000) -> list[dict[str, Any]]:
    formats = ("jpeg", "webp", "png", "avif", "gif")
    return [{"width": 40 + (i * 97) % 2100, "format": formats[i % 5]} for i in range(n)]


def run(data: list[dict[str, Any]]) -> object:
    return render_plan(data)


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
