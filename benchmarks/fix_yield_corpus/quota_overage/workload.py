"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Account, Limit, Plan, billing_run

METRICS = ("bandwidth_gb", "build_minutes", "functions", "requests_k", "seats", "storage_gb")


def make_catalog() -> dict[str, Plan]:
    catalog: dict[str, Plan] = {}
    for tier, scale in (("hobby", 1), ("pro", 10), ("team", 40)):
        limits = {
            m: Limit(
                included=scale * (50 + 25 * i),
                unit_price_cents=5 + i,
                hard_cap=scale * 150 if m == "functions" else None,
            )
            for i, m in enumerate(METRICS)
        }
        addons = {
            "boost": {"bandwidth_gb": scale * 100, "requests_k": scale * 50},
            "ci": {"build_minutes": scale * 200},
        }
        features = [f"{tier}-feature-{k}" for k in range(12)]
        catalog[tier] = Plan(tier, limits, features, addons)
    return catalog


def make_input(n: int = 600) -> tuple[list[Account], dict[str, Plan]]:
    tiers = ("hobby", "pro", "team")
    accounts = []
    for i in range(n):
        scale = (1, 10, 40)[i % 3]
        usage = {m: (i * (k + 3) * 7) % (scale * 180) for k, m in enumerate(METRICS)}
        usage["support_tickets"] = i % 9
        addons = ("boost", "ci") if i % 5 == 0 else (("ci",) if i % 5 == 1 else ())
        accounts.append(Account(f"acct-{i:05d}", tiers[i % 3], usage, addons))
    return accounts, make_catalog()


def run(data: tuple[list[Account], dict[str, Plan]]) -> object:
    return billing_run(*data)


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
