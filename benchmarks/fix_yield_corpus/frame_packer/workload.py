"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import FramePacker


def make_input(n: int = 5000) -> list[tuple[int, bytes]]:
    return [(i % 9, bytes([i % 251]) * (i % 5)) for i in range(n)]


def run(data: list[tuple[int, bytes]]) -> bytes:
    return FramePacker().pack_all(data)


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
