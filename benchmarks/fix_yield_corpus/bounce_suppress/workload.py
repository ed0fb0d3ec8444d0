"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import sendable


def make_input(n: int = 4000) -> tuple[list[str], list[str], list[str]]:
    recipients = [f" User{i}@Example.org" if i % 5 else "" for i in range(n)]
    bounces = [f"USER{i}@example.org " for i in range(0, n, 7)]
    complaints = [f"user{i}@example.org" for i in range(3, n, 11)]
    return recipients, bounces, complaints


def run(data: tuple[list[str], list[str], list[str]]) -> object:
    return sendable(*data)


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
