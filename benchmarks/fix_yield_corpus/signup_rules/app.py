"""Sign-up form checks: each field of a submitted record must match its rule, looked up per
field; the report lists the records that fail and which of their fields did."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: field → the rule its whole value must match
RULES = {
    "username": r"[a-z][a-z0-9_]{2,15}",
    "zip": r"\d{5}(-\d{4})?",
    "phone": r"\+?\d{1,3}[ -]?\d{3}[ -]?\d{4}",
    "country": r"[A-Z]{2}",
}


def check(field_rule: str, value: str) -> bool:
    """Does the whole of ``value`` follow ``field_rule`` (ASCII classes only)?"""
    return re.fullmatch(field_rule, value, re.ASCII) is not None


def failures(records: Iterable[Mapping[str, str]]) -> list[tuple[int, list[str]]]:
    """(index, failing fields in rule order) of every record with a field that fails."""
    out = []
    for index, record in enumerate(records):
        bad = [name for name, rule in RULES.items() if not check(rule, record.get(name, ""))]
        if bad:
            out.append((index, bad))
    return out
