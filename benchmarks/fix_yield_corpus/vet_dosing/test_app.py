from __future__ import annotations

import pytest
from app import (
    DoseCalculator,
    DosingError,
    Order,
    Patient,
    build_formulary,
    round_to_graduation,
    syringe_increment,
    ward_summary,
)


def _monograph(name: str, **overrides):
    entry = {
        "name": name,
        "concentration_mg_per_ml": 5.0,
        "route": "PO",
        "frequency": "BID",
        "scaling": "linear",
        "species": {
            "canine": {
                "mg_per_kg": (0.1, 0.2),
                "default_mg_per_kg": 0.2,
                "max_dose_mg": 8.0,
                "route": "SC",
                "geriatric_age": 10,
            },
            "feline": {"mg_per_kg": (0.05, 0.1), "frequency": "SID"},
        },
        "adjustments": {"renal": 0.5},
        "geriatric_factor": 0.8,
        "contraindications": ["dehydration"],
        "breed_sensitivities": [{"breed": "collie", "note": "MDR1 sensitivity"}],
        "interactions": [{"drug": "prednisolone", "effect": "GI ulceration"}],
    }
    entry.update(overrides)
    return entry


@pytest.fixture
def calc() -> DoseCalculator:
    return DoseCalculator({"Meloxicam": _monograph("Meloxicam")})


def test_default_dose_for_dog(calc):
    dog = Patient("p1", "canine", 20.0, "Labrador")
    result = calc.dose(Order("o1", dog, "meloxicam"))
    assert result.dose_mg == pytest.approx(4.0)
    assert result.volume_ml == pytest.approx(0.8)
    assert result.route == "SC"
    assert result.frequency == "BID"
    assert result.warnings == []
    assert not result.needs_review


def test_species_specific_frequency_and_target(calc):
    cat = Patient("p2", "feline", 4.0)
    result = calc.dose(Order("o2", cat, "Meloxicam", target_mg_per_kg=0.1))
    assert result.dose_mg == pytest.approx(0.4)
    assert result.volume_ml == pytest.approx(0.08)
    assert result.frequency == "SID"
    assert result.route == "PO"


def test_out_of_range_target_needs_review(calc):
    dog = Patient("p3", "canine", 10.0)
    result = calc.dose(Order("o3", dog, "meloxicam", target_mg_per_kg=0.5))
    assert result.needs_review
    assert "above labelled range" in result.warnings[0]


def test_renal_adjustment_and_cap(calc):
    dog = Patient("p4", "canine", 60.0, conditions=frozenset({"renal"}))
    result = calc.dose(Order("o4", dog, "meloxicam"))
    assert result.dose_mg == pytest.approx(6.0)
    heavy = Patient("p5", "canine", 80.0)
    capped = calc.dose(Order("o5", heavy, "meloxicam"))
    assert capped.dose_mg == pytest.approx(8.0)
    assert any("capped" in w for w in capped.warnings)


def test_safety_flags(calc):
    dog = Patient(
        "p6",
        "canine",
        15.0,
        "Border Collie",
        age_years=12,
        conditions=frozenset({"dehydration"}),
        current_drugs=frozenset({"prednisolone"}),
    )
    result = calc.dose(Order("o6", dog, "meloxicam"))
    text = " | ".join(result.warnings)
    assert "MDR1 sensitivity (Border Collie)" in text
    assert "contraindicated with dehydration" in text
    assert "interaction with prednisolone" in text
    assert "geriatric" in text
    assert result.dose_mg == pytest.approx(2.4)


def test_errors_and_dose_many(calc):
    with pytest.raises(DosingError):
        calc.dose(Order("x", Patient("p", "equine", 400.0), "meloxicam"))
    with pytest.raises(DosingError):
        calc.dose(Order("y", Patient("p", "canine", 0.0), "meloxicam"))
    orders = [
        Order("a", Patient("p", "canine", 10.0), "meloxicam"),
        Order("b", Patient("p", "canine", 10.0), "aspirin"),
    ]
    results, rejected = calc.dose_many(orders)
    assert [r.order_id for r in results] == ["a"]
    assert rejected == ["b"]


def test_formulary_not_mutated_by_dosing(calc):
    dog = Patient("p7", "canine", 30.0, conditions=frozenset({"renal"}))
    first = calc.dose(Order("o7", dog, "meloxicam"))
    second = calc.dose(Order("o8", dog, "meloxicam"))
    assert first.dose_mg == second.dose_mg
    assert calc.drugs() == ["meloxicam"]


def test_syringe_rounding():
    assert syringe_increment(0.5) == 0.01
    assert syringe_increment(7.0) == 0.2
    assert syringe_increment(200.0) == 1.0
    assert round_to_graduation(0.123) == pytest.approx(0.12)
    assert round_to_graduation(7.05) == pytest.approx(7.0)
    assert round_to_graduation(0.001) == pytest.approx(0.01)


def test_built_formulary_and_summary():
    formulary = build_formulary(["a", "b", "c"], iter([0.5] * 200))
    calc = DoseCalculator(formulary)
    results, _ = calc.dose_many(
        [Order(str(i), Patient("p", "canine", 12.0), name) for i, name in enumerate("abc")]
    )
    summary = ward_summary(results)
    assert summary["orders"] == len(results)
    assert set(summary["volume_ml_by_drug"]) <= {"a", "b", "c"}
    assert formulary["a"]["scaling"] == "metabolic"
