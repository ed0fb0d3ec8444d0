"""Warehouse stock as a Markdown page: a title, one table row per stock line (with a reorder
note under the lines that run low) and a summary under the table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StockLine:
    sku: str
    name: str
    quantity: int
    unit_cents: int
    reorder_at: int


def cell(text: str) -> str:
    """A table cell's text with the characters Markdown tables treat specially escaped."""
    return text.replace("\\", "\\\\").replace("|", "\\|")


def stock_page(warehouse: str, lines: Sequence[StockLine], currency: str = "EUR") -> str:
    """The Markdown page for ``warehouse``'s stock ``lines``."""
    doc = "# Stock report\n"
    doc += f"\nWarehouse: **{cell(warehouse)}**\n\n"
    doc += "| SKU | Item | Qty | Value |\n|---|---|--:|--:|\n"
    value_cents = 0
    low = 0
    for line in lines:
        cents = line.quantity * line.unit_cents
        value_cents += cents
        doc += f"| {line.sku} | {cell(line.name)} "
        doc += f"| {line.quantity} | {cents / 100:.2f} {currency} |\n"
        if line.quantity < line.reorder_at:
            low += 1
            doc += f"| | reorder {line.reorder_at - line.quantity} | | |\n"
    doc += f"\n**Total value:** {value_cents / 100:.2f} {currency}\n"
    doc += f"**Lines below their reorder level:** {low} of {len(lines)}\n"
    return doc
