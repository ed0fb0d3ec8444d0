"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import PolicyResolver

BASE: dict[str, Any] = {
    "limits": {"default": 10, "pro": 1000, "team": 250, "free": 20},
    "actions": ["read", "write", "list", "share"],
    "routing": {"*": "eu-west-1", "us": "us-east-1", "ap": "ap-south-1"},
    "audit": {"retention_days": 90, "fields": [f"field_{i}" for i in range(30)]},
    "features": [{"name": f"f{i}", "rollout": i / 20, "owners": ["a", "b"]} for i in range(12)],
}


def make_input(n: int = 1500) -> list[dict[str, str]]:
    plans = ("free", "pro", "team", "trial")
    actions = ("read", "write", "purge", "share", "list")
    regions = ("us", "eu", "ap", "sa")
    return [
        {"plan": plans[i % 4], "action": actions[i % 5], "region": regions[i % 7 % 4]}
        for i in range(n)
    ]


def run(data: list[dict[str, str]]) -> list[dict[str, Any]]:
    return PolicyResolver(BASE).resolve_all(data)


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
