"""checkout: prices shopping carts with exact decimal arithmetic.

Hot path: ``price_cart`` → ``line_total`` (Decimal multiply, quantize, tax rules).

Version 2 (``DEMO_CHECKOUT_VERSION=2``, what the demo "deploys") also writes an audit record
of every priced cart as JSON, re-encoding the whole cart each time: the regression the
demo's detection pass finds and blames on that deploy.
"""

from __future__ import annotations

import json
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


def audit_record(cart: list[tuple[Decimal, int, str]], total: Decimal) -> str:
    lines = [{"price": str(p), "quantity": q, "category": c} for p, q, c in cart]
    return json.dumps({"lines": lines, "total": str(total)}, sort_keys=True, indent=2)


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
                audited += len(audit_record(cart, total))


if __name__ == "__main__":
    main()
