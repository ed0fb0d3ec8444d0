"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import date

from app import BookingRequest, FareBook, quote_all

AIRPORTS = ("LHR", "CDG", "FRA", "MAD", "FCO", "AMS")
CLASSES = ("Y", "M", "J")


def _rule(seed: int) -> dict:
    return {
        "base": 9_000 + seed * 450,
        "seasons": [
            {"from": 1, "to": 3, "factor_pct": 85},
            {"from": 6, "to": 8, "factor_pct": 130 + seed % 10},
            {"from": 12, "to": 12, "factor_pct": 140},
        ],
        "advance_purchase": [
            {"within_days": 3, "uplift": 6_000},
            {"within_days": 14, "uplift": 2_500},
            {"within_days": 21, "uplift": 900},
        ],
        "fees": [
            {"code": "YQ", "amount": 3_500, "per_pax": True},
            {"code": "APD", "amount": 1_300 + seed, "per_pax": True},
            {"code": "SVC", "amount": 500, "per_pax": False},
        ],
        "bags_included": 0 if seed % 3 == 0 else 1,
        "bag_fee": 3_000,
        "tax_pct": 12,
    }


def make_input() -> tuple[FareBook, list[BookingRequest]]:
    rules: dict[str, dict[str, dict]] = {}
    for i, origin in enumerate(AIRPORTS):
        for j, dest in enumerate(AIRPORTS):
            if origin != dest:
                rules[f"{origin}-{dest}"] = {c: _rule(i * 7 + j + k) for k, c in enumerate(CLASSES)}
    requests = [
        BookingRequest(
            origin=AIRPORTS[n % 6],
            destination=AIRPORTS[(n + 1 + n // 6) % 6] if (n + 1 + n // 6) % 6 != n % 6 else "AMS",
            fare_class=CLASSES[n % 3],
            depart=date(2027, 1 + n % 12, 1 + n % 28),
            passengers=1 + n % 4,
            bags=n % 5,
            days_before_departure=n % 40,
        )
        for n in range(600)
    ]
    requests = [r for r in requests if r.origin != r.destination]
    return FareBook(rules), requests


def run(data: tuple[FareBook, list[BookingRequest]]) -> list[int]:
    book, requests = data
    return quote_all(book, requests)


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
