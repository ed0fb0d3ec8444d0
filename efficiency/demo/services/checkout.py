"""checkout: an HTTP service that prices shopping carts with exact decimal arithmetic.

``GET /checkout?order=N`` prices order N's carts and answers the total. Hot path:
``price_cart`` → ``line_total`` (Decimal multiply, quantize, tax rules).

Version 2 (``DEMO_VERSION=2``, what the demo "deploys") also computes an audit checksum of
every priced cart, character by character in pure Python: about seven times the pricing's
own cost per request, so its callers' latency rises, and the regression the demo's detection pass
finds and blames on that deploy. Its whole cost is the self time of one function,
``audit_record``, that calls no Python code: a regression planted in library frames (json's
recursive encoder, as before) spreads over several frames whose individual changes sit near
the detection bar, so a run could report a caller next to the leaf.
"""

from __future__ import annotations

import queue
import random
import threading
from decimal import ROUND_HALF_EVEN, Decimal

from efficiency.demo.services.web import serve, version

CENT = Decimal("0.01")
TAX = {"food": Decimal("0.07"), "books": Decimal("0.00"), "other": Decimal("0.19")}
DISCOUNT = Decimal("0.05")
#: carts priced per request: a few milliseconds of work
CARTS_PER_ORDER = 100

Cart = list[tuple[Decimal, int, str]]


def line_total(price: Decimal, quantity: int, category: str, discount: Decimal) -> Decimal:
    gross = price * quantity
    net = gross - (gross * discount).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return (net * (1 + TAX[category])).quantize(CENT, rounding=ROUND_HALF_EVEN)


def price_cart(cart: Cart, discount: Decimal) -> Decimal:
    return sum((line_total(p, q, c, discount) for p, q, c in cart), Decimal(0))


def make_cart(rng: random.Random) -> Cart:
    return [
        (Decimal(rng.randint(99, 99_999)) / 100, rng.randint(1, 5), rng.choice(list(TAX)))
        for _ in range(50)
    ]


def audit_record(cart: Cart, total: Decimal) -> int:
    digest = 0
    for price, quantity, category in cart:
        for char in f"{price}|{quantity}|{category}|{total}|" * 3:
            digest = (digest * 31 + ord(char)) % 1_000_000_007
    return digest


class Auditor:
    """Version 2's audit: one worker thread checksums every priced cart, and the request waits
    for its order's checksum before answering. The audit's cost sits in its own thread, under
    no caller it shares with the pricing but the thread machinery, so the profile shows it as
    new cost in ``audit_record`` rather than as pricing cost moved to a sibling."""

    def __init__(self) -> None:
        self.jobs: queue.Queue[tuple[list[tuple[Cart, Decimal]], list[int], threading.Event]]
        self.jobs = queue.Queue()
        threading.Thread(target=self.work, name="audit", daemon=True).start()

    def work(self) -> None:
        while True:
            priced, digests, done = self.jobs.get()
            for cart, total in priced:
                digests.append(audit_record(cart, total))
            done.set()

    def audit(self, priced: list[tuple[Cart, Decimal]]) -> int:
        digests: list[int] = []
        done = threading.Event()
        self.jobs.put((priced, digests, done))
        done.wait()
        return sum(digests) % 1_000_000_007


def checkout(order: int, carts: list[Cart], auditor: Auditor | None) -> dict[str, str | int]:
    """Price one order's carts (and, from version 2, have each audited)."""
    priced = []
    for i in range(CARTS_PER_ORDER):
        cart = carts[(order + i) % len(carts)]
        priced.append((cart, price_cart(cart, DISCOUNT)))
    revenue = sum((total for _, total in priced), Decimal(0))
    audited = auditor.audit(priced) if auditor else 0
    return {"order": order, "total": str(revenue), "audit": audited}


def main() -> None:
    auditor = Auditor() if version() == "2" else None
    rng = random.Random(7)
    carts = [make_cart(rng) for _ in range(20)]
    serve({"/checkout": lambda q: checkout(int(q.get("order", ["0"])[0]), carts, auditor)})


if __name__ == "__main__":
    main()
