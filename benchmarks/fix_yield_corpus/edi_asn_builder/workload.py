"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Carton, Order, Shipment, build_asn


def make_input() -> Shipment:
    orders = []
    for o in range(16):
        cartons = [
            Carton(
                f"00{(o * 1000 + c) * 7919 % 10**16:016d}",
                f"SKU-{(o * 31 + c) % 900:05d}",
                1 + (c * 3) % 24,
                f"L{o:02d}{c % 5}" if c % 3 else "",
            )
            for c in range(40)
        ]
        orders.append(Order(f"PO{4500000 + o}", f"STORE{o % 17:03d}", cartons))
    return Shipment("SHP20240611A", "2024-06-11", "ABCD", "BOL778812", orders)


def run(data: Shipment) -> str:
    return build_asn(data, control_number=17)


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
