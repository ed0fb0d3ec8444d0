from datetime import date

from app import Adjudicator, Claim, adjudicate_batch


def _claim(**kw):
    base = dict(
        claim_id="C1",
        plan="extended",
        purchased=date(2024, 1, 15),
        filed=date(2025, 3, 1),
        cause="defect",
        parts=[("P-1", 120.0), ("P-2", 30.5)],
        labor_hours=1.5,
    )
    base.update(kw)
    return Claim(**base)


def test_covered_claim_pays_parts_labor_minus_deductible():
    d = Adjudicator().decide(_claim())
    assert d.approved and d.reason == "covered"
    assert d.payout == round(150.5 + 1.5 * 65.0 - 25.0, 2)


def test_expired_by_month_boundary():
    d = Adjudicator().decide(
        _claim(plan="basic", purchased=date(2024, 3, 10), filed=date(2025, 3, 10))
    )
    assert not d.approved and d.reason == "expired"
    d2 = Adjudicator().decide(
        _claim(plan="basic", purchased=date(2024, 3, 10), filed=date(2025, 3, 9))
    )
    assert d2.approved


def test_excluded_cause_and_unknown_plan():
    assert Adjudicator().decide(_claim(cause="water")).reason == "excluded cause: water"
    assert Adjudicator().decide(_claim(plan="gold")).reason == "unknown plan"


def test_payout_capped_and_never_negative():
    big = Adjudicator(cap=200.0).decide(_claim(parts=[("X", 5000.0)]))
    assert big.payout == 200.0
    tiny = Adjudicator().decide(
        _claim(plan="basic", filed=date(2024, 6, 1), parts=[("X", 10.0)], labor_hours=0.0)
    )
    assert tiny.approved and tiny.payout == 0.0


def test_batch_summary_and_debug_log(caplog):
    claims = [_claim(claim_id="A"), _claim(claim_id="B", cause="drop"), _claim(claim_id="C")]
    with caplog.at_level("DEBUG", logger="app"):
        summary = adjudicate_batch(claims)
    assert summary["approved"] == 2 and summary["denied"] == 1
    assert summary["total_payout"] == round(2 * (150.5 + 97.5 - 25.0), 2)
    assert [d.claim_id for d in summary["decisions"]] == ["A", "B", "C"]
    debug = [r.getMessage() for r in caplog.records if r.levelname == "DEBUG"]
    assert len(debug) == 3
    assert "<Claim B plan=extended cause=drop" in debug[1]
    assert "P-1@120.00" in debug[0]
