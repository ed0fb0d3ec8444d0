"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Request, Tenant, check_batch

FEATURES = ["api", "api", "api", "webhooks", "sso", "audit_log"]


def make_input() -> tuple[list[Request], dict[str, Tenant]]:
    plans = ["free", "team", "team", "enterprise"]
    regions = ["eu-west", "us-east", "eu-west", "ap-south"]
    tenants = {}
    for n in range(200):
        addons = [["burst"], [], ["archive", "burst"], []][n % 4]
        tid = f"t{n:03d}"
        tenants[tid] = Tenant(tid, plans[n % 4], addons, regions[n % 3])
    requests = [
        Request(f"t{(i * 13) % 210:03d}", FEATURES[i % len(FEATURES)], (i * 97) % 7000)
        for i in range(1500)
    ]
    return requests, tenants


def run(data: tuple[list[Request], dict[str, Tenant]]) -> dict[str, int]:
    requests, tenants = data
    return check_batch(requests, tenants)


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
