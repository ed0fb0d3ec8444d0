"""Run the hot path for ``--seconds`` so py-spy can profile it."""

from __future__ import annotations

import argparse
import logging
import time

from app import dedupe

PROVIDERS = ("stripe", "adyen", "paypal", "mollie")


def make_input(n: int = 2000) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for i in range(n):
        ident = i if i % 4 else i // 3
        body: dict[str, object] = {
            "provider": PROVIDERS[ident % len(PROVIDERS)],
            "type": ("charge.succeeded", "charge.refunded", "payout.paid")[ident % 3],
            "id": f"evt_{ident:06d}",
            "amount": (ident * 37) % 10_000,
            "currency": "EUR" if ident % 5 else "USD",
            "metadata": {"order": f"o-{ident % 911}", "tags": ["web", f"s{ident % 7}"]},
        }
        delivery = {"delivery_id": f"d{i}", "attempt": 1 + i % 3, "sent_at": 1_700_000_000 + i}
        if i % 2:
            events.append({**delivery, **body})
        else:
            events.append({**dict(reversed(list(body.items()))), **delivery})
    return events


def run(data: list[dict[str, object]]) -> object:
    return dedupe(data)


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
