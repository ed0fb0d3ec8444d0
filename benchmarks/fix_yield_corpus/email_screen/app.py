"""Sign-up screening: keep the well-formed e-mail addresses of a batch and count them per
domain (lower-cased)."""

from __future__ import annotations

import re as regex
from collections import Counter
from collections.abc import Iterable


def screen(addresses: Iterable[str]) -> tuple[list[str], Counter[str]]:
    """The well-formed addresses, in order, and how many there are per domain."""
    valid = [
        address
        for address in addresses
        if regex.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").fullmatch(address.strip())
    ]
    domains = Counter(address.rsplit("@", 1)[1].lower() for address in valid)
    return valid, domains
