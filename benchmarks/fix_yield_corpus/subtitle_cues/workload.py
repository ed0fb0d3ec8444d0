"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Cue, export_captions

SCRIPT = "so we went down to the harbour and waited for the ferry that never came back"


def make_input() -> list[Cue]:
    words = SCRIPT.split()
    cues = []
    for i in range(2000):
        n = 4 + (i * 7) % 11
        text = " ".join(words[(i + k) % len(words)] for k in range(n))
        speaker = ("mira", "joel", None)[i % 3]
        start = i * 2400
        cues.append(Cue(start, start + 900 + (i * 13) % 1400, text, speaker))
    return cues


def run(data: list[Cue]) -> str:
    return export_captions(data)


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
