from __future__ import annotations

import pytest
from app import (
    ClimateProfile,
    ModuleSpec,
    Proposal,
    ProposalError,
    YieldModel,
    cell_temperature,
    specific_yield,
    synthetic_profile,
)

MODULE = ModuleSpec("M400", 400, -0.004, 45)


def flat_profile(g=1000.0, t=25.0, hours=range(10, 14)) -> ClimateProfile:
    irr = [[g if h in hours else 0.0 for h in range(24)] for _ in range(12)]
    amb = [[t] * 24 for _ in range(12)]
    return ClimateProfile("FLAT", irr, amb)


@pytest.fixture
def model() -> YieldModel:
    return YieldModel({"FLAT": flat_profile(), "SYN": synthetic_profile("SYN", 40, 12)}, [MODULE])


def test_cell_temperature_at_noct_conditions():
    assert cell_temperature(20.0, 800.0, 45.0) == pytest.approx(45.0)


def test_hand_computed_month(model):
    # 10 modules * 400 W = 4 kW; cell temp 25 + 25*1000/800 = 56.25 -> factor 0.875
    est = model.estimate(Proposal("A", "FLAT", "M400", 10, 10.0, system_losses=0.0))
    assert est.monthly_kwh[0] == pytest.approx(4 * 0.875 * 4 * 31, abs=0.01)
    assert est.clipped_kwh == 0.0


def test_inverter_clipping(model):
    est = model.estimate(Proposal("A", "FLAT", "M400", 10, 2.0, system_losses=0.0))
    assert est.monthly_kwh[1] == pytest.approx(2.0 * 4 * 28, abs=0.01)
    assert est.clipped_kwh == pytest.approx((3.5 - 2.0) * 4 * 365, abs=0.05)


def test_losses_scale_output(model):
    base = model.estimate(Proposal("A", "FLAT", "M400", 10, 10.0, system_losses=0.0))
    lossy = model.estimate(Proposal("B", "FLAT", "M400", 10, 10.0, system_losses=0.2))
    assert lossy.annual_kwh == pytest.approx(base.annual_kwh * 0.8, rel=1e-4)


def test_estimate_does_not_alter_climate(model):
    before = [row[:] for row in model.climates["SYN"].irradiance]
    model.estimate(Proposal("A", "SYN", "M400", 20, 6.0))
    assert model.climates["SYN"].irradiance == before


def test_summer_beats_winter_in_synthetic_profile(model):
    est = model.estimate(Proposal("A", "SYN", "M400", 20, 20.0))
    assert est.monthly_kwh[6] > est.monthly_kwh[0]
    assert len(est.monthly_kwh) == 12


def test_bad_proposals_are_reported(model):
    proposals = [
        Proposal("OK", "FLAT", "M400", 10, 5.0),
        Proposal("X1", "MARS", "M400", 10, 5.0),
        Proposal("X2", "FLAT", "NOPE", 10, 5.0),
        Proposal("X3", "FLAT", "M400", 0, 5.0),
    ]
    estimates, errors = model.estimate_all(proposals)
    assert [e.ref for e in estimates] == ["OK"]
    assert len(errors) == 3
    with pytest.raises(ProposalError, match="unknown region"):
        model.estimate(proposals[1])


def test_specific_yield(model):
    est = model.estimate(Proposal("A", "FLAT", "M400", 10, 10.0, system_losses=0.0))
    assert specific_yield(est, 4.0) == pytest.approx(est.annual_kwh / 4, abs=0.1)
    with pytest.raises(ValueError):
        specific_yield(est, 0)


def test_model_rejects_short_climate():
    bad = ClimateProfile("BAD", [[0.0] * 24] * 11, [[0.0] * 24] * 11)
    with pytest.raises(ValueError):
        YieldModel({"BAD": bad}, [MODULE])
