"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Record, StubWriter

KINDS = ("int", "str", "float", "bytes | None")


def make_input(n: int = 2500) -> list[Record]:
    return [
        (f"Rec{i}", [(f"field_{j}", KINDS[(i + j) % len(KINDS)]) for j in range(i % 5)])
        for i in range(n)
    ]


def run(data: list[Record]) -> object:
    return StubWriter("schema.yaml").write(data)


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
