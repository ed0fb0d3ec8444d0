"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time
from typing import Any

from app import FlagEvaluator

DEFAULTS: dict[str, Any] = {
    "checkout_v2": False,
    "search_backend": "solr",
    "limits": {"rps": 100, "burst": 200, "upload_mb": 10},
    "experiments": [{"name": f"exp-{i}", "share": i / 10, "arms": ["a", "b"]} for i in range(6)],
    "regions": ["eu-west", "us-east", "ap-south"],
}
TENANTS = {
    "acme": {"checkout_v2": True, "limits": {"rps": 500}},
    "globex": {"search_backend": "opensearch"},
}


def make_input(n: int = 2000) -> list[tuple[str, dict[str, Any]]]:
    tenants = ("acme", "globex", "initech")
    return [(tenants[i % 3], {"limits": {"burst": 50}} if i % 10 == 0 else {}) for i in range(n)]


def make_evaluator() -> FlagEvaluator:
    return FlagEvaluator(DEFAULTS, TENANTS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    evaluator = make_evaluator()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        evaluator.evaluate(data)


if __name__ == "__main__":
    main()
