"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import decode, encode


def make_input(n: int = 20000) -> bytes:
    return encode(
        (i % 300, ((i * 37) % 8000 - 2000) / 100, (i * 11 % 1000) / 10, 1_700_000_000 + i)
        for i in range(n)
    )


def run(data: bytes) -> object:
    return decode(data)


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
