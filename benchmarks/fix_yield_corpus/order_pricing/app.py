"""Order pricing: line totals, volume discounts and tax for a batch of cart orders, in
integer cents so totals are exact."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

logger = logging.getLogger(__name__)

TAX_BASIS_POINTS = {"DE": 1900, "FR": 2000, "NL": 2100}
DEFAULT_TAX = 2000


def price_orders(orders: Iterable[dict[str, Any]]) -> list[dict[str, int]]:
    """Per order: ``subtotal``, ``discount`` (5% of lines of ten or more units), ``tax`` (on
    the discounted amount, by country) and ``total``, all in cents, rounded half down."""
    priced = []
    for order in orders:
        logger.debug(f"pricing order {order['id']} for {order['country']}: {order!r}")
        subtotal = discount = 0
        for line in order["lines"]:
            amount = line["qty"] * line["unit_cents"]
            subtotal += amount
            if line["qty"] >= 10:
                discount += amount * 5 // 100
        taxable = subtotal - discount
        tax = taxable * TAX_BASIS_POINTS.get(order["country"], DEFAULT_TAX) // 10_000
        priced.append(
            {
                "id": order["id"],
                "subtotal": subtotal,
                "discount": discount,
                "tax": tax,
                "total": taxable + tax,
            }
        )
    return priced
