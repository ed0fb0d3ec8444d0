"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import DepotNetwork, Parcel, RoutePlan


def make_input() -> tuple[DepotNetwork, list[Parcel]]:
    zones = [{"prefix": f"Z{i:02d}", "zone": f"zone-{i % 12}"} for i in range(60)]
    embargo = [{"postcode": f" z{(i * 7) % 60:02d}-{i:05d} "} for i in range(400)]
    network = DepotNetwork(zones, embargo)
    parcels = [
        Parcel(
            tracking=f"TRK{i:07d}",
            postcode=f"Z{(i * 13) % 60:02d}-{(i * 37) % 9000:05d}",
            weight_g=500 + (i * 911) % 32_000,
            priority=i % 9 == 0,
        )
        for i in range(3000)
    ]
    return network, parcels


def run(data: tuple[DepotNetwork, list[Parcel]]) -> RoutePlan:
    network, parcels = data
    return network.plan(parcels)


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
