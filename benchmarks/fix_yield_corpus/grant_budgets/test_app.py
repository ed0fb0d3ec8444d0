import pytest
from app import FUNDER_RULES, Budget, LineItem, screen, screen_all


def _budget(funder="NSF", items=None, **kw):
    items = items or [LineItem("personnel", 80_000), LineItem("equipment", 20_000)]
    return Budget(proposal_id="P-1", funder=funder, items=items, indirect_rate=0.5, **kw)


def test_clean_budget_indirect_excludes_equipment():
    result = screen(_budget())
    assert result.ok
    assert result.direct == 100_000
    assert result.indirect == pytest.approx(40_000)


def test_caps_and_disallowed_categories():
    items = [
        LineItem("travel", 26_000, "domestic"),
        LineItem("travel", 12_000, "foreign"),
        LineItem("meals", 900),
        LineItem("participant_support", 5_000),
        LineItem("equipment", 600_000),
    ]
    problems = screen(_budget("NIH", items)).problems
    assert "meals is not allowable" in problems
    assert "domestic travel 26,000 over cap 25,000" in problems
    assert "foreign travel 12,000 over cap 10,000" in problems
    assert "participant support costs not allowed" in problems
    assert any(p.startswith("equipment 600,000 over cap") for p in problems)


def test_foundation_cost_share_salary_and_rate():
    b = _budget("FOUNDATION", pi_salary=160_000, summer_months=2, cost_share=5_000)
    result = screen(b)
    assert "indirect rate 50% over 15%" in result.problems
    assert "PI salary above the funder's cap" in result.problems
    assert "2 summer months over 1" in result.problems
    assert "cost share 5,000 below required 10,000" in result.problems
    assert result.indirect == pytest.approx(80_000 * 0.15)


def test_participant_support_outside_indirect_base_for_nsf():
    items = [LineItem("personnel", 50_000), LineItem("participant_support", 10_000)]
    result = screen(_budget("NSF", items))
    assert result.ok and result.indirect == pytest.approx(25_000)


def test_screen_all_groups_and_rules_unchanged():
    before = repr(FUNDER_RULES)
    grouped = screen_all([_budget("NSF"), _budget("NIH"), _budget("NSF")])
    assert {k: len(v) for k, v in grouped.items()} == {"NSF": 2, "NIH": 1}
    assert repr(FUNDER_RULES) == before
    with pytest.raises(ValueError):
        screen(_budget("ESA"))
