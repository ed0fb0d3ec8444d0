"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import random
import time

from app import SIZE_TYPES, check_digit, process_feed, yard_summary

OWNERS = ["MSCU", "MAEU", "CMAU", "HLXU", "OOLU", "TGHU", "EGHU", "TCNU"]
PORTS = ["CNSHA", "NLRTM", "DEHAM", "SGSIN", "USLAX", "BEANR", "KRPUS", "GBFXT"]


def _container(rng: random.Random) -> str:
    base = rng.choice(OWNERS) + f"{rng.randrange(10**6):06d}"
    digit = check_digit(base)
    if rng.random() < 0.03:
        digit = (digit + 1) % 10
    return base + str(digit)


def make_input() -> list[str]:
    rng = random.Random(6346)
    types = [*sorted(SIZE_TYPES), "25B1"]
    lines = ["# gate-in feed, terminal 4"]
    for _ in range(12000):
        st = rng.choice(types)
        parts = [_container(rng), st]
        if rng.random() < 0.85:
            parts.append(f"SEAL:{rng.choice('ABCHX')}{rng.randrange(10**7):07d}")
        parts.append(f"VGM:{rng.randint(2_200, 34_500)}")
        parts.append(f"POL:{rng.choice(PORTS)} POD:{rng.choice(PORTS)}")
        if "R" in st[2] and rng.random() < 0.97:
            parts.append(f"SET:{rng.choice(['-18', '-25.5', '+4', '13.0', '2'])}C")
        line = " ".join(parts)
        if rng.random() < 0.01:
            line = line.replace("VGM:", "VGM ")
        lines.append(line)
    return lines


def run(data: list[str]) -> int:
    units, errors = process_feed(data)
    return yard_summary(units)["teu"] + len(errors)


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
