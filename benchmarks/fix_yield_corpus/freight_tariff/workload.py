"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Quote, Shipment, TariffBook

COUNTRIES = ["DE", "NL", "BE", "FR", "PL", "CZ", "AT", "US", "CN", "JP"]


def make_input() -> tuple[TariffBook, list[Shipment]]:
    shipments = [
        Shipment(
            f"shp-{i:05d}",
            "air" if i % 3 == 0 else "road",
            COUNTRIES[i % len(COUNTRIES)],
            COUNTRIES[(i * 7 + 3) % len(COUNTRIES)],
            5.0 + (i * 53) % 4000,
            volume_m3=((i * 13) % 40) / 10.0,
            hazardous=i % 11 == 0,
        )
        for i in range(700)
    ]
    return TariffBook(), shipments


def run(data: tuple[TariffBook, list[Shipment]]) -> dict[str, Quote | None]:
    book, shipments = data
    return book.rate_all(shipments)


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
