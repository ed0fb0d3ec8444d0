"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import ControlLists, OrderLine, Screening, Verdict, screen_orders

COUNTRIES = ["DE", "FR", "US", "CN", "BR", "IN", "JP", "KP", "IR", "ZA", "MX", "TR", "AE"]


def make_input() -> tuple[ControlLists, list[OrderLine]]:
    embargoed = "KP, IR, SY, CU, BY, MM, VE, SD"
    dual_use = "\n".join(f"{8400 + i // 7}.{(i * 13) % 100:02d}  # entry {i}" for i in range(900))
    denied = "\n".join(f"Trading House {i} Ltd." for i in range(400))
    lists = ControlLists(embargoed, dual_use, denied, licence_threshold=25000.0)
    lines = []
    for i in range(1500):
        hs = f"{8400 + (i * 17) % 180}.{(i * 29) % 100:02d}.{i % 90:02d}"
        consignee = f"Trading House {i * 3} LTD" if i % 40 == 0 else f"Customer {i % 211} GmbH"
        lines.append(
            OrderLine(
                f"SO-{i // 3:05d}",
                f"SKU-{i % 500}",
                hs,
                COUNTRIES[i % len(COUNTRIES)],
                consignee,
                100.0 + (i * 97) % 40000,
            )
        )
    return lists, lines


def run(data: tuple[ControlLists, list[OrderLine]]) -> dict[Verdict, list[Screening]]:
    lists, lines = data
    return screen_orders(lists, lines)


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
