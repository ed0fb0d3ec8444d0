import copy
import random

import pytest
from app import (
    RATE_SHEETS,
    Application,
    monthly_payment,
    pipeline_summary,
    price,
    quote_all,
    register_sheet,
)
from workload import build_sheet


def _sheet(base_rate=6.0, term=360):
    return {
        "term_months": term,
        "max_points": 1.0,
        "limits": {
            "min_fico": 640,
            "max_ltv": {"primary": 95, "second": 90, "investment": 75},
            "max_loan": {"1": 700_000, "2": 900_000},
        },
        "excluded_states": ["NY"],
        "ltv_bands": [{"name": "lo", "max_ltv": 80}, {"name": "hi", "max_ltv": 95}],
        "fico_buckets": [640, 700, 760],
        "llpa_grid": {
            "640": {"lo": 1.5, "hi": 2.0},
            "700": {"lo": 0.75, "hi": 1.25},
            "760": {"lo": 0.0, "hi": 0.5},
        },
        "occupancy_llpa": {"primary": 0.0, "second": 0.5, "investment": 1.5},
        "units_llpa": 1.0,
        "loan_size_adjusters": [{"min": 0, "max": 150_000, "points": 0.5}],
        "lock_adjusters": [{"days": 30, "points": 0.0}, {"days": 60, "points": 0.25}],
        "rate_ladder": [
            {"rate": round(base_rate + 0.25 * k, 2), "price": -2.0 + 0.5 * k} for k in range(10)
        ],
        "fees": [
            {"name": "origination", "amount": 1000.0},
            {"name": "title", "amount": 500.0, "waived_in": ["TX"]},
        ],
    }


@pytest.fixture(autouse=True)
def sheets():
    RATE_SHEETS.clear()
    register_sheet("fixed30", _sheet())
    register_sheet("fixed15", _sheet(5.5, 180))
    yield
    RATE_SHEETS.clear()


def _app(**kw):
    base = dict(
        app_id="X1", loan_amount=400_000, property_value=500_000, fico=765, occupancy="primary"
    )
    base.update(kw)
    return Application(**base)


def test_monthly_payment_amortises():
    assert monthly_payment(200_000, 6.0, 360) == pytest.approx(1199.10, abs=0.01)
    assert monthly_payment(120_000, 0.0, 120) == 1000.0


def test_best_execution_picks_lowest_rate_within_points_cap():
    q = price(_app(), "fixed30")
    # no adjustments at 80% LTV / 760+: 6.0 costs 2 points, 6.25 costs 1.5,
    # and 6.5 costs exactly the 1-point cap
    assert (q.rate, q.points) == (6.5, 1.0)
    q = price(_app(fico=650, lock_days=45), "fixed30")
    # 1.5 grid + 0.25 lock (45 days falls in the 60-day band) = 1.75; the 7.5 row prices at +1.0
    assert q.rate == 7.5 and q.points == pytest.approx(0.75)
    assert q.monthly_payment == round(monthly_payment(400_000, 7.5, 360), 2)
    assert q.closing_costs == pytest.approx(1500 + 400_000 * 0.0075)
    assert q.rate < q.apr_estimate < q.rate + 0.2
    short = price(_app(fico=765, loan_amount=300_000), "fixed15")
    assert (short.rate, short.points) == (6.0, 1.0)


def test_eligibility_rules():
    assert price(_app(fico=620), "fixed30") is None
    assert price(_app(occupancy="investment"), "fixed30") is None  # 80% > 75% cap
    assert price(_app(loan_amount=750_000, property_value=1_000_000), "fixed30") is None
    assert (
        price(_app(loan_amount=750_000, property_value=1_000_000, units=2), "fixed30") is not None
    )
    assert price(_app(state="NY"), "fixed30") is None
    assert price(_app(lock_days=90), "fixed30") is None


def test_fee_waivers_and_small_loan_adjuster():
    assert price(_app(), "fixed30").closing_costs == 1500.0 + 4000.0
    assert price(_app(state="TX"), "fixed30").closing_costs == 1000.0 + 4000.0
    small = price(_app(loan_amount=100_000, property_value=400_000), "fixed30")
    assert (small.rate, small.points) == (6.75, 1.0)
    cheap = price(
        _app(fico=780, loan_amount=100_000, property_value=400_000, lock_days=30), "fixed30"
    )
    assert cheap == small


def test_quote_all_orders_by_payment_and_leaves_sheets_untouched():
    before = copy.deepcopy(RATE_SHEETS)
    quotes = quote_all([_app(), _app(app_id="X2", fico=600)])
    assert [q.product for q in quotes["X1"]] == ["fixed30", "fixed15"]
    assert quotes["X2"] == []
    assert before == RATE_SHEETS


def test_pipeline_summary_on_generated_sheets():
    rng = random.Random(1)
    RATE_SHEETS.clear()
    register_sheet("a", build_sheet(rng, 6.0, 360, 97))
    apps = [_app(app_id=f"P{i}", fico=640 + 20 * i) for i in range(8)] + [
        _app(app_id="bad", fico=500)
    ]
    summary = pipeline_summary(apps)
    assert summary["applications"] == 9 and summary["priced"] == 8
    assert 6.0 <= summary["avg_rate"] <= 10.0
    firsts = [quote_all(apps)[f"P{i}"][0] for i in range(8)]
    assert summary["total_monthly"] == pytest.approx(sum(q.monthly_payment for q in firsts))
    assert [q.rate for q in firsts] == sorted((q.rate for q in firsts), reverse=True)
