"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import fan_out

CHANNELS = ("releases", "incidents", "billing", "security", "newsletter")


def make_input() -> dict[str, list[tuple[int, int]]]:
    return {
        name: [(u, 1_700_000_000 + u * 60) for u in range(c, 40_000 + 5_000 * c, 2 + c % 3)]
        for c, name in enumerate(CHANNELS)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        fan_out(CHANNELS, data)


if __name__ == "__main__":
    main()
