"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import route


def make_input(n: int = 800) -> list[dict[str, Any]]:
    channels = ("email", "sms", "push", "fax", "slack")
    return [{"id": i, "channel": channels[i % 5], "retry_after": (i * 37) % 2000} for i in range(n)]


def run(data: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return route(data)


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
