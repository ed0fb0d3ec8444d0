"""Reorder alerts: warehouse stock levels below their reorder point, with the quantity that
brings them back to the target level."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def summarize(levels: Sequence[int]) -> str:
    return f"min={min(levels)} max={max(levels)} mean={sum(levels) / len(levels):.1f}"


def reorder_alerts(items: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """``(sku, quantity to order)`` for each item whose stock is below its reorder point."""
    alerts = []
    for item in items:
        levels = item["levels"]
        logging.getLogger(__name__).debug(
            "checking {} in {} ({})".format(item["sku"], item["warehouse"], summarize(levels))
        )
        stock = sum(levels)
        if stock < item["reorder_point"]:
            alerts.append((item["sku"], item["target"] - stock))
    return alerts
