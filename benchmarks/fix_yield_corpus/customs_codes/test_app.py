from __future__ import annotations

from decimal import Decimal

import pytest
from app import (
    Declaration,
    DeclarationLine,
    LineStatus,
    TariffClassifier,
    batch_report,
    normalise_code,
)

NOMENCLATURE = [
    "# code|description",
    "8471.30.00|Portable automatic data-processing machines",
    "8471.41.00|Other data-processing machines",
    "6109.10.00|T-shirts of cotton",
    "6109.90.20|T-shirts of wool",
    "6109.90.90|T-shirts of other textile materials",
    "0901.21.00|Coffee, roasted, not decaffeinated",
    "12345|broken row",
]
RATES = ["# prefix|rate", "84|0%", "61|12%", "0901|7.5%", "090121|2.6%"]


@pytest.fixture
def classifier() -> TariffClassifier:
    return TariffClassifier(NOMENCLATURE, RATES, preference_origins=["TR", "CH"])


def _line(code: str, value: str = "1000", origin: str = "CN", pref: bool = False):
    return DeclarationLine(1, code, "goods", origin, Decimal(value), Decimal("1"), pref)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("8471.30.00", "84713000"), ("8471 30 00 90", "84713000"), ("610910", "610910")],
)
def test_normalise_code(raw: str, expected: str) -> None:
    assert normalise_code(raw) == expected


def test_malformed_rows_skipped(classifier: TariffClassifier) -> None:
    assert len(classifier.valid_codes) == 6
    assert "84713000" in classifier.valid_codes


def test_resolve_exact_and_residual(classifier: TariffClassifier) -> None:
    assert classifier.resolve("8471.30.00") == ("84713000", LineStatus.ACCEPTED)
    assert classifier.resolve("847130") == ("84713000", LineStatus.ACCEPTED)
    assert classifier.resolve("6109.10.50") == ("61091000", LineStatus.RECLASSIFIED)
    assert classifier.resolve("6109.90.50") == ("61099090", LineStatus.RECLASSIFIED)
    assert classifier.resolve("9999.99.99") == (None, LineStatus.REJECTED)
    assert classifier.resolve("84") == (None, LineStatus.REJECTED)


def test_longest_prefix_rate(classifier: TariffClassifier) -> None:
    assert classifier.duty_rate("09012100") == Decimal("0.026")
    assert classifier.duty_rate("61099090") == Decimal("0.12")
    assert classifier.duty_rate("84714100") == Decimal("0")
    assert classifier.duty_rate("30049000") == Decimal("0")


def test_assess_line_duty_and_vat(classifier: TariffClassifier) -> None:
    line = classifier.assess_line(_line("6109.10.00", "250.00"))
    assert line.status is LineStatus.ACCEPTED
    assert line.duty == Decimal("30.00")
    assert line.vat == Decimal("56.00")


def test_preference_granted_only_for_partners(classifier: TariffClassifier) -> None:
    granted = classifier.assess_line(_line("61091000", "100", origin="TR", pref=True))
    refused = classifier.assess_line(_line("61091000", "100", origin="CN", pref=True))
    assert granted.duty == Decimal("0.00")
    assert refused.duty == Decimal("12.00")
    assert "preference refused for origin CN" in refused.notes


def test_batch_report(classifier: TariffClassifier) -> None:
    good = Declaration("D1", "GB1", (_line("6109.10.00", "100"), _line("0901.21.00", "200")))
    bad = Declaration("D2", "GB2", (_line("7777.77.77"),))
    report = batch_report(classifier, [good, bad])
    assert report["declarations"] == 2
    assert report["queried"] == 1
    assert report["duty"] == Decimal("17.20")
    assert report["statuses"] == {"accepted": 2, "rejected": 1}
    assert report["by_chapter"] == {"09": Decimal("5.20"), "61": Decimal("12.00")}
