from decimal import Decimal

import pytest
from app import Claim, Formulary, adjudicate, normalise_ndc, run_batch

COPAYS = {1: Decimal("5.00"), 2: Decimal("15.00"), 3: Decimal("45.00")}
COINS = {4: Decimal("0.25"), 5: Decimal("0.33")}
ROWS = [
    {"ndc": "0002-3227-30", "tier": 1},
    {"ndc": "00093-0058-01", "tier": 2, "ql": 60},
    {"ndc": "50090-123-4", "tier": 4, "pa": True},
    {"ndc": "12345-6789-1", "excluded": True},
    {"ndc": "00777-3105-02", "tier": 5},
]


@pytest.fixture()
def plan():
    return Formulary.from_rows("TEST", ROWS, COPAYS, COINS)


def _claim(ndc, qty=30, days=30, cost="40.00", **kw):
    return Claim("C1", "M1", normalise_ndc(ndc), qty, days, Decimal(cost), **kw)


def test_normalise_ndc_forms():
    assert normalise_ndc("0002-3227-30") == "00002322730"
    assert normalise_ndc("50090-123-4") == "50090012304"
    assert normalise_ndc("00093-0058-01") == "00093005801"
    assert normalise_ndc("00093005801") == "00093005801"
    for bad in ("123", "1-2", "0009300580a", "1-2-3-4"):
        with pytest.raises(ValueError):
            normalise_ndc(bad)


def test_formulary_loading(plan):
    assert plan.tiers == {"00002322730": 1, "00093005801": 2, "50090012304": 4, "00777310502": 5}
    assert set(plan.excluded) == {"12345678901"}
    assert plan.pa_required == frozenset({"50090012304"})
    assert plan.quantity_limits == {"00093005801": 60}


def test_copay_tiers_and_fills(plan):
    d = adjudicate(_claim("0002-3227-30"), plan)
    assert (d.status, d.tier, d.member_pays, d.plan_pays) == (
        "paid",
        1,
        Decimal("5.00"),
        Decimal("36.75"),
    )
    d = adjudicate(_claim("0002-3227-30", qty=90, days=90), plan)
    assert d.member_pays == Decimal("15.00")
    cheap = adjudicate(_claim("00093-0058-01", cost="2.00"), plan)
    assert cheap.member_pays == Decimal("3.75") and cheap.plan_pays == Decimal("0.00")


def test_specialty_coinsurance_with_cap(plan):
    d = adjudicate(_claim("00777-3105-02", cost="100.00"), plan)
    assert d.member_pays == Decimal("33.58") and d.plan_pays == Decimal("68.17")
    big = adjudicate(_claim("00777-3105-02", days=60, cost="5000.00"), plan)
    assert big.member_pays == Decimal("500.00")
    assert big.plan_pays == Decimal("4501.75")


def test_reject_codes(plan):
    assert adjudicate(_claim("12345-6789-1"), plan).reject_code == "70"
    assert adjudicate(_claim("99999-9999-99"), plan).reject_code == "70"
    assert adjudicate(_claim("0002-3227-30", days=120), plan).reject_code == "19"
    assert adjudicate(_claim("50090-123-4"), plan).reject_code == "75"
    assert adjudicate(_claim("50090-123-4", prior_auth="PA1"), plan).status == "paid"
    assert adjudicate(_claim("00093-0058-01", qty=61), plan).reject_code == "76"
    assert adjudicate(_claim("00093-0058-01", qty=120, days=60), plan).status == "paid"
    assert adjudicate(_claim("0002-3227-30", qty=0), plan).reject_code == "E19"


def test_batch_summary(plan):
    claims = [
        _claim("0002-3227-30"),
        _claim("12345-6789-1"),
        _claim("50090-123-4"),
        _claim("00777-3105-02", cost="100.00"),
    ]
    summary = run_batch(claims, plan)
    assert summary == {
        "claims": 4,
        "paid": 2,
        "plan_pays": Decimal("104.92"),
        "member_pays": Decimal("38.58"),
        "rejects": {"70": 1, "75": 1},
        "paid_by_tier": {1: 1, 5: 1},
    }
