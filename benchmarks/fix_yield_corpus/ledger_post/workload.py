"""Run the hot path for ``--seconds`` so py-spy can profile it (logging at INFO, as in
production, so debug records are dropped)."""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from app import Ledger


def make_input(n: int = 2000) -> list[dict[str, Any]]:
    return [
        {
            "id": f"tr-{i:05d}",
            "source": f"acct-{i % 17}",
            "target": f"acct-{(i * 7 + 3) % 17}",
            "cents": 100 + (i * 37) % 9000,
            "memo": f"invoice {i % 251} for customer {i % 89}",
            "tags": ["monthly", "eu"] if i % 3 else ["adhoc"],
        }
        for i in range(n)
    ]


def run(data: list[dict[str, Any]]) -> None:
    Ledger().post(data)


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
