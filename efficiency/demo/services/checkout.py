"""checkout: prices shopping carts with exact decimal arithmetic.

Hot path: ``price_cart`` → ``line_total`` (Decimal multiply, quantize, tax rules).

Version 2 (``DEMO_CHECKOUT_VERSION=2``, what the demo "deploys") also computes an audit
checksum of every priced cart, character by character in pure Python: the regression the
demo's detection pass finds and blames on that deploy. Its whole cost is the self time of one
function, ``audit_record``, that calls no Python code: a regression planted in library frames
(json's recursive encoder, as before) spreads over several frames whose individual changes sit
near the detection bar, so a run could report a caller next to the leaf.
"""

from __future__ import annotations

import os
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


def audit_record(cart: list[tuple[Decimal, int, str]], total: Decimal) -> int:
    digest = 0
    for price, quantity, category in cart:
        for char in f"{price}|{quantity}|{category}|{total}":
            digest = (digest * 31 + ord(char)) % 1_000_000_007
    return digest


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    audit = os.environ.get("DEMO_CHECKOUT_VERSION", "1") == "2"
    rng = random.Random(7)
    carts = [make_cart(rng) for _ in range(20)]
    revenue, audited = Decimal(0), 0
    while True:
        for cart in carts:
            total = price_cart(cart, Decimal("0.05"))
            revenue += total
            if audit:
                audited ^= audit_record(cart, total)


if __name__ == "__main__":
    main()
