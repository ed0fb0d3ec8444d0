import pytest
from app import FieldPlan, RotationAuditor


@pytest.fixture
def auditor() -> RotationAuditor:
    return RotationAuditor()


def test_same_family_back_to_back_is_flagged(auditor):
    plan = FieldPlan("A", 1.0, ("tomato", "potato", "wheat"))
    (audit,) = auditor.audit([plan])
    assert audit.conflicts == ((1, "tomato", "potato"),)
    assert not audit.is_compliant


def test_same_crop_repeated_is_flagged(auditor):
    (audit,) = auditor.audit([FieldPlan("B", 1.0, ("corn", "corn"))])
    assert audit.conflicts == ((1, "corn", "corn"),)


def test_fallow_breaks_the_chain(auditor):
    (audit,) = auditor.audit([FieldPlan("C", 1.0, ("corn", "fallow", "wheat"))])
    assert audit.is_compliant
    assert audit.nitrogen_kg == 0.0


def test_legume_nitrogen_credit_and_score(auditor):
    (audit,) = auditor.audit([FieldPlan("D", 2.0, ("soybean", "corn", "pea", "wheat"))])
    assert audit.is_compliant
    assert audit.nitrogen_kg == 180.0
    assert audit.score == 4 + 1.8


def test_unknown_crops_never_conflict(auditor):
    (audit,) = auditor.audit([FieldPlan("E", 1.0, ("hemp", "hemp", "flax"))])
    assert audit.is_compliant
    assert audit.score == 2.0


def test_ordering_by_score_then_field_id(auditor):
    plans = [
        FieldPlan("Z", 1.0, ("wheat", "carrot")),
        FieldPlan("Y", 1.0, ("wheat", "carrot")),
        FieldPlan("X", 1.0, ("wheat", "barley")),
        FieldPlan("W", 1.0, ("soybean", "wheat", "onion")),
    ]
    assert [a.field_id for a in auditor.audit(plans)] == ["W", "Y", "Z", "X"]


def test_summary_counts(auditor):
    plans = [
        FieldPlan("1", 1.5, ("clover", "kale", "kale")),
        FieldPlan("2", 1.0, ("oats", "beet")),
    ]
    assert auditor.summary(plans) == {"fields": 2, "compliant": 1, "nitrogen_kg": 67.5}


def test_custom_family_table():
    auditor = RotationAuditor({"x": ("a", "b")})
    assert auditor.known_crops == ["a", "b"]
    assert auditor.family("b") == "x"
    (audit,) = auditor.audit([FieldPlan("F", 1.0, ("a", "b", "c"))])
    assert audit.conflicts == ((1, "a", "b"),)
