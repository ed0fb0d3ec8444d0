"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import json
import time

from app import relay


def make_input(n: int = 4000) -> list[str]:
    return [
        json.dumps({
            "topic": ("orders", "payments", "shipping", "audit")[i % 4],
            "hops": i % 10,
            "body": {"id": i, "amount": i * 3 % 1000, "tags": [f"t{i % 5}", f"r{i % 3}"],
                     "note": "x" * (i % 20)},
        })
        for i in range(n)
    ]  # fmt: skip


def run(data: list[str]) -> object:
    return relay(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=6.0)
    args = parser.parse_args()
    data = make_input()
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        run(data)


if __name__ == "__main__":
    main()
