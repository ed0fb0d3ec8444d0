"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import decode_blob, encode_frame


def make_input() -> bytes:
    frames = []
    for f in range(100):
        station = ["ANMO", "COLA", "HRV", "KONO", "PFO"][f % 5]
        samples = [
            (f * 1000 + i, (i * 37) % 2001 - 1000, (i * 53) % 1601 - 800, (i * 71) % 1201 - 600)
            for i in range(250)
        ]
        frames.append(encode_frame(station, samples, version=1 + f % 2, gain_code=f % 4))
    return b"".join(frames)


def run(data: bytes) -> list[tuple[str, int, float, float, int]]:
    return decode_blob(data)


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
