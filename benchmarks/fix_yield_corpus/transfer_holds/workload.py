"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import Hold, Transfer, screen_batch


def make_input() -> tuple[list[Transfer], list[Hold]]:
    kinds = ("freeze", "debit_block", "credit_block")
    holds = [Hold(f"ACC{i * 7:06d}", kinds[i % 3], "kyc") for i in range(900)]
    currencies = ("EUR", "USD", "GBP", "EUR", "CHF")
    transfers = [
        Transfer(
            f"T{i:07d}",
            f"ACC{(i * 13) % 20000:06d}",
            f"ACC{(i * 31 + 5) % 20000:06d}",
            1_000 + (i * 37) % 90_000,
            currencies[i % 5],
        )
        for i in range(1800)
    ]
    return transfers, holds


def run(data: tuple[list[Transfer], list[Hold]]) -> object:
    transfers, holds = data
    return screen_batch(transfers, holds)


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
