"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import count_tokens

TEMPLATES = (
    "Loving the new #Release {i}, 20% faster than before!",
    "@support my order {i} didn't arrive, see https://example.com/o/{i}",
    "Can't believe it's already {i}... #Monday #coffee",
    "Numbers: {i} -3 +4.5 and 7% -- nice",
)


def make_input(n: int = 1500) -> list[str]:
    return [TEMPLATES[i % len(TEMPLATES)].format(i=i) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        count_tokens(data)


if __name__ == "__main__":
    main()
