"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import parse_all


def make_input(n: int = 1500) -> list[list[str]]:
    return [
        [
            f"From: user{i}@example.org",
            f"To: team{i % 7}@example.org",
            f"Subject: report {i}",
            "\tcontinued",
            f'Content-Type: text/plain; charset="utf-{8 + i % 2}"; format=flowed; delsp=yes; '
            f"x-n={i}",
            f"X-Trace: {i:08x}",
        ]
        for i in range(n)
    ]


def run(data: list[list[str]]) -> object:
    return parse_all(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
