"""Pick-list parser for the warehouse scanners: lines such as
``AB-1234/xl x3 @4.50 c7-02 lot:k9x12 fragile`` become pick items (SKU family, number,
variant, quantity, unit price in cents, bin, lot, flags), and the list is totalled per SKU
family."""

from __future__ import annotations

import re as regex
from typing import NamedTuple

SKU_PATTERN = r"([a-z]{2,4})-(\d{3,6})(?:/([a-z0-9]{1,3}))?"
QTY_PATTERN = r"x(\d{1,4})"
PRICE_PATTERN = r"@(\d+)(?:\.(\d{1,2}))?"
BIN_PATTERN = r"([a-h])(\d{1,2})-(\d{2})"
LOT_PATTERN = r"lot:([a-z0-9]{3,10})"
FLAG_PATTERN = r"fragile|cold|hazmat|oversize"

# tried in this order on every token after the SKU; the first that matches wins
TOKEN_PATTERNS = (
    ("qty", QTY_PATTERN),
    ("price", PRICE_PATTERN),
    ("bin", BIN_PATTERN),
    ("lot", LOT_PATTERN),
    ("flag", FLAG_PATTERN),
)


class PickItem(NamedTuple):
    family: str
    number: int
    variant: str
    quantity: int
    price_cents: int
    location: str
    lot: str
    flags: tuple[str, ...]


def match_token(pattern: str, token: str) -> regex.Match[str] | None:
    """Match one whole token of a pick line, ignoring case."""
    return regex.compile(pattern, regex.IGNORECASE).fullmatch(token)


def classify(token: str) -> tuple[str, regex.Match[str]] | None:
    """The kind of a token after the SKU and its match, or None for an unknown token."""
    for kind, pattern in TOKEN_PATTERNS:
        found = match_token(pattern, token)
        if found is not None:
            return kind, found
    return None


def parse_line(line: str) -> PickItem | None:
    """One pick item, or None for a line without a valid SKU. Quantity defaults to 1, price
    to 0, bin and lot to ""; a later token of a kind overrides an earlier one, unknown tokens
    are ignored."""
    tokens = line.split()
    if not tokens:
        return None
    sku = match_token(SKU_PATTERN, tokens[0])
    if sku is None:
        return None
    quantity, cents, location, lot = 1, 0, "", ""
    flags: list[str] = []
    for token in tokens[1:]:
        hit = classify(token)
        if hit is None:
            continue
        kind, found = hit
        if kind == "qty":
            quantity = int(found.group(1))
        elif kind == "price":
            fraction = (found.group(2) or "0").ljust(2, "0")
            cents = int(found.group(1)) * 100 + int(fraction)
        elif kind == "bin":
            aisle, shelf, slot = found.groups()
            location = f"{aisle.upper()}{int(shelf):02d}-{slot}"
        elif kind == "lot":
            lot = found.group(1).upper()
        else:
            flags.append(token.lower())
    family, number, variant = sku.groups()
    return PickItem(
        family.upper(),
        int(number),
        (variant or "").upper(),
        quantity,
        cents,
        location,
        lot,
        tuple(flags),
    )


def totals(lines: list[str]) -> tuple[dict[str, tuple[int, int]], int]:
    """Per SKU family (sorted): (units, value in cents); and how many lines were rejected."""
    per_family: dict[str, tuple[int, int]] = {}
    rejected = 0
    for line in lines:
        item = parse_line(line)
        if item is None:
            rejected += 1
            continue
        units, value = per_family.get(item.family, (0, 0))
        per_family[item.family] = (
            units + item.quantity,
            value + item.quantity * item.price_cents,
        )
    return dict(sorted(per_family.items())), rejected
