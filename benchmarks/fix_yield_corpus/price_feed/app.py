"""Market-data feed normaliser: JSON ticks in, the last price per (symbol, venue) out, with
duplicate ticks (same symbol, venue and sequence number) dropped."""

from __future__ import annotations

import json
from collections.abc import Iterable


def latest_prices(lines: Iterable[str]) -> dict[str, float]:
    """Per ``symbol@venue``, the price of the last tick seen, duplicates ignored."""
    seen: set[str] = set()
    prices: dict[str, float] = {}
    for line in lines:
        tick = json.loads(line)
        identity = json.dumps(
            {"symbol": tick["symbol"], "venue": tick["venue"], "seq": tick["seq"]}, sort_keys=True
        )
        if identity in seen:
            continue
        seen.add(identity)
        prices[f"{tick['symbol']}@{tick['venue']}"] = tick["price"]
    return prices
