"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import string
import time
from datetime import datetime, timedelta

from app import Qso, export_adif

FREQS = {
    "SSB": [3.750, 7.185, 14.250, 21.300, 28.450],
    "CW": [3.530, 7.025, 10.110, 14.040, 18.080, 21.030],
    "FT8": [7.074, 10.136, 14.074, 18.100, 21.074, 24.915, 28.074, 50.313],
    "FM": [146.520, 147.330],
}
PREFIXES = ["K", "W", "N", "VE", "G", "DL", "JA", "VK", "EA", "I", "ZL", "PY"]


def make_input() -> tuple[list[Qso], datetime]:
    rng = random.Random(7)
    start = datetime(2024, 6, 22, 18, 0, 0)
    qsos = []
    when = start
    for _ in range(1000):
        when += timedelta(seconds=rng.randint(20, 240))
        mode = rng.choice(list(FREQS))
        suffix = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(2, 3)))
        call = f"{rng.choice(PREFIXES)}{rng.randint(0, 9)}{suffix}"
        qsos.append(
            Qso(
                call=call.lower() if rng.random() < 0.2 else call,
                when=when,
                freq_mhz=rng.choice(FREQS[mode]),
                mode=mode,
                rst_sent=rng.choice(["", "", "57", "559"]),
                grid=rng.choice(["", "FN31pr", "jo62", "IO91wm", "QF56"]),
                name=rng.choice(["", "Bob", "Hiro", "Anna", "Luis"]),
                comment=rng.choice(["", "", "Field Day 2A\nnice signal", "POTA K-1234"]),
            )
        )
        if rng.random() < 0.05:  # logged twice by the second operator
            qsos.append(qsos[-1])
    return qsos, datetime(2024, 6, 23, 18, 0, 0)


def run(data: tuple[list[Qso], datetime]) -> int:
    qsos, created = data
    return len(export_adif("w1aw", qsos, created))


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
