"""deepcopy-read-only through arithmetic on what is read (``x * n``, ``max(0, x - n)``),
``tuple``/``list`` of a list the function made, and plain dataclasses with a read-only
property; refusals (``+=`` on a read, a foreign operand that would leave)."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.test_deepcopy_attributes import load

DEEP = codemod("deepcopy-read-only")

#: the fare_quote caller, with its price bound once (no ``+=``)
QUOTE = """\
import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Quote:
    base: int
    fees: tuple
    taxes: int

    @property
    def total(self) -> int:
        return self.base + sum(a for _, a in self.fees) + self.taxes


class Book:
    def __init__(self, rules):
        self._rules = rules

    def _rule_for(self, route):
        return copy.deepcopy(self._rules[route])

    def quote(self, route, pax: int, bags: int):
        rule = self._rule_for(route)
        per_pax = -(-rule["base"] * 3 // 2) if pax > 2 else rule["base"]
        fees: list = []
        for fee in rule["fees"]:
            fees.append((fee["code"], fee["amount"] * pax))
        extra = max(0, bags - rule["bags"] * pax)
        if extra:
            fees.append(("BAG", extra * rule["bag_fee"]))
        base = per_pax * pax
        return Quote(base, tuple(fees), (base * rule["tax"] + 50) // 100)


def total(rules, route, pax, bags):
    return Book(rules).quote(route, pax, bags).total
"""


def _rules() -> dict:
    fees = [{"code": "YQ", "amount": 30}, {"code": "SVC", "amount": 5}]
    return {"A-B": {"base": 100, "fees": fees, "bags": 1, "bag_fee": 25, "tax": 12}}


def test_arithmetic_max_tuple_and_a_dataclass_with_a_property_are_followed() -> None:
    result = DEEP.apply(QUOTE, function="_rule_for")
    after = result.source
    assert result.sites == 1, result.summary
    assert "        rule = Book.__rule_for_view(self, route)\n" in after
    assert 'fees.append((copy.deepcopy(fee["code"], memo)' in after
    old, new = load(QUOTE)["total"], load(after)["total"]
    for pax, bags in [(1, 0), (1, 5), (3, 0), (3, 5)]:
        assert old(_rules(), "A-B", pax, bags) == new(_rules(), "A-B", pax, bags)
    for module in (load(QUOTE), load(after)):
        with pytest.raises(KeyError):
            module["total"](_rules(), "X-Y", 1, 0)
    module = load(after)
    rules = _rules()
    module["total"](rules, "A-B", 3, 9)
    assert rules == _rules()


REFUSED = {
    "augmented assignment": (
        QUOTE.replace("        return Quote(", "        extra += 1\n        return Quote("),
        "extra is bound more than once (an augmented assignment",
    ),
    "operand from elsewhere leaves": (
        QUOTE.replace(
            "def quote(self, route, pax: int, bags: int):", "def quote(self, route, pax, bags):"
        ),
        "flows into",
    ),
    "property named like a field": (
        QUOTE.replace("    def total(self)", "    def taxes(self)"),
        "calls Quote()",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    assert source != QUOTE
    result = DEEP.apply(source)
    assert result.source == source and not result.changed
    assert why in result.summary, result.summary


REBOUND = """\
import copy


def _rule(table, key):
    return copy.deepcopy(table[key])


def price(table, key, month: int):
    rule = _rule(table, key)
    per_pax = rule["base"]
    for band in rule["seasons"]:
        if band["from"] <= month <= band["to"]:
            per_pax = per_pax * band["pct"] // 100
            break
    for step in rule["steps"]:
        per_pax = per_pax + step
    return [per_pax, rule["tags"]]
"""


def _table() -> dict:
    return {"k": {"base": 100, "seasons": [{"from": 1, "to": 3, "pct": 150}], "steps": [5, 7],
                  "tags": ["t"]}}  # fmt: skip


def test_a_name_rebound_only_to_reads_is_followed() -> None:
    result = DEEP.apply(REBOUND)
    assert result.sites == 1, result.summary
    assert "    rule = _rule_view(table, key)\n" in result.source
    assert 'per_pax = per_pax * band["pct"] // 100\n' in result.source
    old, new = load(REBOUND)["price"], load(result.source)["price"]
    for month in (1, 6):
        assert old(_table(), "k", month) == new(_table(), "k", month)
    table = _table()
    new(table, "k", 2)[1].append("leaked")
    assert table == _table()


REBOUND_REFUSED = {
    "rebound by +=": (
        REBOUND.replace("per_pax = per_pax + step", "per_pax += step"),
        "per_pax is bound more than once (an augmented assignment",
    ),
    "rebound to a value from elsewhere": (
        REBOUND.replace("per_pax = per_pax + step", "per_pax = table"),
        "per_pax is bound more than once, not always to a value read from the copy",
    ),
    "rebound by a for loop": (
        REBOUND.replace(
            '    for step in rule["steps"]:\n        per_pax = per_pax + step\n',
            '    for per_pax in rule["steps"]:\n        pass\n',
        ),
        "per_pax is bound more than once, not always to a value read from the copy",
    ),
    "rebound by an import": (
        REBOUND.replace("        per_pax = per_pax + step\n", "        import per_pax\n"),
        "per_pax is bound more than once",
    ),
}


@pytest.mark.parametrize("case", sorted(REBOUND_REFUSED))
def test_rebinding_refusals(case: str) -> None:
    source, why = REBOUND_REFUSED[case]
    assert source != REBOUND
    result = DEEP.apply(source)
    assert result.source == source and not result.changed
    assert why in result.summary, result.summary
