"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import math
import random
import struct
import time

from app import measure

RATE = 16_000


def make_wav(samples: list[int], channels: int = 1, rate: int = RATE) -> bytes:
    pcm = struct.pack(f"<{len(samples)}h", *samples)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"LIST" + struct.pack("<I", 4) + b"INFO"
    body += b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


def make_input() -> bytes:
    rng = random.Random(3)
    samples = []
    seconds = 20
    for n in range(RATE * seconds):
        t = n / RATE
        if 5.0 <= t < 7.6:  # dead air
            samples.append(rng.randint(-8, 8))
            continue
        envelope = 0.5 + 0.5 * math.sin(2 * math.pi * 3 * t)
        value = 9000 * envelope * math.sin(2 * math.pi * 180 * t) + rng.gauss(0, 600)
        if 10.0 <= t < 10.05:
            value *= 5  # a shouted word that clips
        samples.append(max(-32768, min(32767, int(value))))
    return make_wav(samples)


def run(blob: bytes) -> float:
    report = measure(blob)
    return report.rms_dbfs + report.clipped_samples + len(report.silences)


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
