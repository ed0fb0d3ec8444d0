"""Invoice totals: net, tax and gross per invoice from its lines, with a debug trace of each
invoice's lines for support engineers."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

logger = logging.getLogger(__name__)

TAX_RATES = {"std": 21, "low": 9, "zero": 0}


def describe_lines(lines: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for line in lines:
        parts.append(f"{line['qty']}x{line['sku']}@{line['unit_cents'] / 100:.2f}[{line['rate']}]")
    return ", ".join(sorted(parts))


def invoice_totals(invoices: Iterable[Mapping[str, Any]]) -> dict[str, tuple[int, int, int]]:
    """Per invoice id: ``(net, tax, gross)`` in cents, tax rounded half up per line."""
    totals: dict[str, tuple[int, int, int]] = {}
    for invoice in invoices:
        logger.debug(
            f"invoice {invoice['id']} for {invoice['customer']}: {describe_lines(invoice['lines'])}"
        )
        net = tax = 0
        for line in invoice["lines"]:
            amount = line["qty"] * line["unit_cents"]
            net += amount
            tax += (amount * TAX_RATES[line["rate"]] + 50) // 100
        totals[invoice["id"]] = (net, tax, net + tax)
    return totals
