"""Till receipts: the plain-text body a receipt printer prints, one fixed-width line per
item under the shop's name."""

from __future__ import annotations

from collections.abc import Iterable


class Receipt:
    """A receipt being laid out for a printer ``width`` characters wide."""

    def __init__(self, shop: str, width: int = 32) -> None:
        self.shop = shop
        self.width = width
        self.body = ""
        self.total_cents = 0

    def add_items(self, items: Iterable[tuple[str, int, int]]) -> str:
        """Lay out ``(name, quantity, unit price in cents)`` items; the body so far."""
        width = self.width
        self.body = self.body + self.shop.center(width).rstrip() + "\n"
        total = 0
        for name, quantity, cents in items:
            amount = quantity * cents
            total += amount
            price = f"{amount / 100:.2f}"
            label = f"{quantity} x {name}"[: width - len(price) - 1]
            self.body = self.body + label.ljust(width - len(price)) + price + "\n"
        self.total_cents += total
        return self.body

    def close(self) -> str:
        total = f"{self.total_cents / 100:.2f}"
        return self.body + "TOTAL".ljust(self.width - len(total)) + total + "\n"
