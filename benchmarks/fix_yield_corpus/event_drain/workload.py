"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import fresh_payloads

COMMITTED = 1_000_499


def make_input(n: int = 100_000) -> list[tuple[int, bytes]]:
    """A fetch that starts 500 records before the committed offset."""
    return [(1_000_000 + i, b"evt-%d" % i) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        fresh_payloads(data, COMMITTED)


if __name__ == "__main__":
    main()
