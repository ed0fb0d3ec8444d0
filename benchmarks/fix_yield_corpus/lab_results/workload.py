"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import ResultSheet, build_sheets

Order = tuple[str, str, dict[str, float], str, bool]
CODES = ["NA", "K", "CL", "GLU", "CREA", "BUN", "WBC", "HGB", "PLT", "HCT"]


def make_input() -> list[Order]:
    orders = []
    for i in range(600):
        values = {
            code: 1.0 + (i * 31 + j * 17) % 160 for j, code in enumerate(CODES) if (i + j) % 4
        }
        panel = ("BMP", "CBC", "BMP", "LIPID")[i % 4]
        orders.append((f"ord-{i:05d}", panel, values, "FM"[i % 2], i % 7 == 0))
    return orders


def run(data: list[Order]) -> list[ResultSheet]:
    return build_sheets(data)


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
