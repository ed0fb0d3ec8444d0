"""Checkout coupon screening: of the codes customers typed at checkout, which can still be
redeemed -- not already used, not revoked, well-formed -- and the discount each brings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby
from operator import itemgetter

Attempt = tuple[str, str, int]  # (customer, typed code, basket cents)


def normalize(code: str) -> str:
    return "".join(code.split()).upper().replace("O", "0")


def well_formed(code: str) -> bool:
    prefix, _, digits = code.partition("-")
    return len(prefix) in (3, 4) and prefix.isalpha() and len(digits) == 5 and digits.isdigit()


def discount(code: str, basket: int) -> int:
    """``SAVE-...`` gives 10 %, ``FREE-...`` the shipping (499), anything else 5 %; never more
    than the basket."""
    prefix = code.partition("-")[0]
    amount = {"SAVE": basket // 10, "FREE": 499}.get(prefix, basket // 20)
    return min(amount, basket)


def redeemable(used: Iterable[str], revoked: Iterable[str]) -> Callable[[str], bool]:
    spent = list(map(normalize, used)) + list(map(normalize, revoked))
    return lambda code: well_formed(code) and code not in spent


def screen(
    attempts: Iterable[Attempt], used: Iterable[str], revoked: Iterable[str]
) -> list[tuple[str, str, int]]:
    """(customer, normalized code, discount) for each accepted attempt, in input order; a
    code is accepted once -- a second attempt with the same code is refused."""
    ok = redeemable(used, revoked)
    normalized = ((who, normalize(code), basket) for who, code, basket in attempts)
    candidates = filter(lambda attempt: ok(attempt[1]), normalized)
    seen: set[str] = set()

    def first_time(code: str) -> bool:
        fresh = code not in seen
        seen.add(code)
        return fresh

    return [
        (who, code, discount(code, basket)) for who, code, basket in candidates if first_time(code)
    ]


def per_customer(lines: list[tuple[str, str, int]]) -> dict[str, int]:
    """Total discount per customer, customers sorted."""
    by_customer = itemgetter(0)
    return {
        who: sum(d for _, _, d in group)
        for who, group in groupby(sorted(lines, key=by_customer), by_customer)
    }
