import logging

import pytest
from app import DoseChecker, DoseRule, Order, Verdict, describe_order, summarize

RULES = [
    DoseRule("Vancomycin", 10.0, 20.0, 4000.0, 0.5),
    DoseRule("Paracetamol", 10.0, 15.0, 4000.0),
]


def _order(drug="Vancomycin", dose=1000.0, per_day=2, weight=70.0, egfr=90.0, oid="O1"):
    return Order(oid, "MRN1", drug, dose, per_day, weight, egfr)


@pytest.fixture
def checker():
    return DoseChecker(RULES)


def test_in_range_order_is_ok(checker):
    f = checker.check(_order())
    assert f.verdict is Verdict.OK
    assert f.mg_per_kg == pytest.approx(14.2857)
    assert f.daily_mg == 2000.0


def test_high_low_and_daily_max(checker):
    assert checker.check(_order(dose=1500.0, per_day=1)).verdict is Verdict.HIGH
    assert checker.check(_order(dose=500.0)).verdict is Verdict.LOW
    assert checker.check(_order(dose=1400.0, per_day=3)).verdict is Verdict.MAX_DAILY


def test_renal_adjustment_lowers_ceiling(checker):
    assert checker.check(_order(egfr=25.0)).verdict is Verdict.HIGH
    assert checker.check(_order(drug="paracetamol", dose=1000.0, egfr=20.0)).verdict is Verdict.OK


def test_unknown_drug_and_zero_weight(checker):
    assert checker.check(_order(drug="Heparin")).verdict is Verdict.UNKNOWN
    f = checker.check(_order(weight=0.0))
    assert (f.verdict, f.mg_per_kg, f.daily_mg) == (Verdict.UNKNOWN, 0.0, 0.0)


def test_drug_lookup_is_case_insensitive(checker):
    assert checker.check(_order(drug="VANCOMYCIN")).verdict is Verdict.OK


def test_screen_keeps_order_and_summary(checker):
    orders = [_order(oid="A"), _order(drug="x", oid="B"), _order(dose=500.0, oid="C")]
    findings = checker.screen(orders)
    assert [f.order_id for f in findings] == ["A", "B", "C"]
    assert summarize(findings) == {"below_range": 1, "ok": 1, "unknown_drug": 1}


def test_debug_logging_describes_order(checker, caplog):
    with caplog.at_level(logging.DEBUG, logger="pharmacy.dose_checker"):
        checker.screen([_order(oid="O42")])
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0].startswith("screening order O42: patient=MRN1, drug=Vancomycin")
    assert "renal_adj=20.000" in messages[0]
    assert messages[-1] == "0 of 1 orders need pharmacist review"


def test_nothing_logged_at_info(checker, caplog):
    with caplog.at_level(logging.INFO, logger="pharmacy.dose_checker"):
        checker.screen([_order(), _order(drug="x")])
    assert caplog.records == []


def test_describe_order_without_rule():
    text = describe_order(_order(drug="Heparin", dose=5000.0), None)
    assert text == "patient=MRN1, drug=Heparin, dose=5000.00mg x2/day, weight=70.0kg, eGFR=90"
