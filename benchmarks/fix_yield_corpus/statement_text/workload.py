"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import time

from app import StatementWriter, Txn

PAYEES = (
    "CARD TESCO STORES 2231",
    "DD ENERGY SUPPLIER",
    "FPI SALARY ACME LTD",
    "CARD TFL TRAVEL CHARGE",
    "SO RENT FLAT 3",
    "CARD COFFEE #19",
)


def make_input(n: int = 4000) -> list[Txn]:
    return [
        Txn(f"{1 + i % 28:02d}", PAYEES[i % 6], (250_000 if i % 6 == 2 else -(i * 37 % 9000)))
        for i in range(n)
    ]


def run(data: list[Txn]) -> object:
    return StatementWriter("40-11-22 01234567", 120_000).render("2026-11", data)


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
