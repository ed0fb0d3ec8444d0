"""Sales summary as text: one line per sale (region, amount), a header and a total."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class SalesReport:
    def __init__(self, currency: str = "EUR") -> None:
        self.currency = currency

    def _line(self, sale: Mapping[str, Any]) -> str:
        return f"{sale['region']:<10}{sale['sku']:<12}{sale['cents'] / 100:>12.2f}\n"

    def render(self, sales: Sequence[Mapping[str, Any]]) -> str:
        result = ""
        total = 0
        header = f"{len(sales)} sales in {self.currency}\n"
        for sale in sales:
            piece = self._line(sale)
            result = result + piece
            total += sale["cents"]
        return header + result + f"total {total / 100:.2f}\n"
