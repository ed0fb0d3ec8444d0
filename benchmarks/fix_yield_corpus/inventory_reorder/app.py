"""Warehouse stock levels and the nightly reorder list: the SKUs under their reorder point
that are still sold."""

from __future__ import annotations

from collections.abc import Iterable


class Inventory:
    """Stock rows ``(sku, units, discontinued)`` in the order the SKUs were first stocked."""

    def __init__(self, rows: Iterable[tuple[str, int, bool]], reorder_at: int = 10) -> None:
        self.rows = [(sku, units, discontinued) for sku, units, discontinued in rows]
        self.reorder_at = reorder_at

    def receive(self, sku: str, units: int) -> None:
        for i, (name, have, discontinued) in enumerate(self.rows):
            if name == sku:
                self.rows[i] = (name, have + units, discontinued)
                return
        self.rows.append((sku, units, False))

    def to_reorder(self) -> list[str]:
        """SKUs at or under the reorder point and not discontinued, in stocking order."""
        limit = self.reorder_at
        low = []
        for sku, units, discontinued in self.rows:
            if units <= limit and not discontinued:
                low.append(sku)
        return low
