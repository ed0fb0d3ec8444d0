"""checkout: prices shopping carts with exact decimal arithmetic.

Hot path: ``price_cart`` → ``line_total`` (Decimal multiply, quantize, tax rules).
"""

from __future__ import annotations

import random
import signal
import sys
from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")
TAX = {"food": Decimal("0.07"), "books": Decimal("0.00"), "other": Decimal("0.19")}


def line_total(price: Decimal, quantity: int, category: str, discount: Decimal) -> Decimal:
    gross = price * quantity
    net = gross - (gross * discount).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return (net * (1 + TAX[category])).quantize(CENT, rounding=ROUND_HALF_EVEN)


def price_cart(cart: list[tuple[Decimal, int, str]], discount: Decimal) -> Decimal:
    return sum((line_total(p, q, c, discount) for p, q, c in cart), Decimal(0))


def make_cart(rng: random.Random) -> list[tuple[Decimal, int, str]]:
    return [
        (Decimal(rng.randint(99, 99_999)) / 100, rng.randint(1, 5), rng.choice(list(TAX)))
        for _ in range(50)
    ]


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    rng = random.Random(7)
    carts = [make_cart(rng) for _ in range(20)]
    revenue = Decimal(0)
    while True:
        for cart in carts:
            revenue += price_cart(cart, Decimal("0.05"))


if __name__ == "__main__":
    main()
