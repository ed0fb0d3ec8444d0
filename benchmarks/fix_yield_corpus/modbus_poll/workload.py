"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import struct
import time

from app import HEADER, channel_summary

PM_RECORD = struct.Struct(">IHHHhhhiihHB")
FX_RECORD = struct.Struct("<IfhHB")


def _block(rng: random.Random, unit: int) -> bytes:
    count = rng.randrange(20, 60)
    if rng.random() < 0.6:
        parts = [HEADER.pack(unit, 1, count)]
        for i in range(count):
            parts.append(
                PM_RECORD.pack(
                    1_700_000_000 + i * 60,
                    rng.randrange(2200, 2500),
                    rng.randrange(2200, 2500),
                    rng.randrange(2200, 2500),
                    rng.randrange(-500, 3000),
                    rng.randrange(-500, 3000),
                    rng.randrange(-500, 3000),
                    rng.randrange(-1000, 90000),
                    rng.randrange(-9000, 9000),
                    rng.randrange(700, 1000),
                    rng.randrange(4980, 5020),
                    0xC0 if rng.random() < 0.95 else 0x40,
                )
            )
    else:
        parts = [HEADER.pack(unit, 2, count)]
        for i in range(count):
            parts.append(
                FX_RECORD.pack(
                    1_700_000_000 + i * 60,
                    rng.uniform(0, 250),
                    rng.randrange(-50, 900),
                    rng.randrange(0, 60000),
                    0xC0 if rng.random() < 0.95 else 0x00,
                )
            )
    block = b"".join(parts)
    if rng.random() < 0.02:
        block = block[: len(block) - rng.randrange(1, 9)]
    return block


def make_input() -> list[bytes]:
    rng = random.Random(7)
    return [_block(rng, unit) for unit in range(1500)]


def run(data: list[bytes]) -> dict:
    return channel_summary(data)


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
