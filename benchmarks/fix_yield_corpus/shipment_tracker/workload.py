"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Tracker

STEPS = ("picked_up", "in_transit", "in_transit", "out_for_delivery", "delivered")
HUBS = ("Leeds", "Derby", "Crewe", "York", "Hull", "Bath")


def make_input(parcels: int = 1500) -> list[dict[str, object]]:
    scans = []
    for p in range(parcels):
        steps = STEPS if p % 9 else (*STEPS[:3], "lost")
        for n, status in enumerate(steps):
            scans.append(
                {
                    "id": f"PX{p:06d}",
                    "status": status,
                    "where": HUBS[(p + n) % 6],
                    "at": 1_700_000_000 + p * 7 + n * 3600,
                }
            )
    scans.sort(key=lambda s: (s["id"][-1], -int(s["at"]) % 5))  # type: ignore[call-overload]
    return scans


def run(data: list[dict[str, object]]) -> object:
    return Tracker().ingest(data)


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
