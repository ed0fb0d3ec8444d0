"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Carton, LabelRenderer, Pallet


def make_input() -> list[Pallet]:
    pallets = []
    for p in range(110):
        pallet = Pallet("0614141", 100000 + p, f"DC {p % 7:02d}, 12 Dock Rd, Springfield")
        for c in range(22):
            gtin = f"0061414{(p * 31 + c) % 100000:05d}0"
            pallet.add(Carton(gtin, f"Item {c} assorted widgets grade {p % 4}", 1 + (c * p) % 48))
        pallets.append(pallet)
    return pallets


def run(data: list[Pallet]) -> str:
    return LabelRenderer("ACME Widgets, Bldg 4").render_batch(data)


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
