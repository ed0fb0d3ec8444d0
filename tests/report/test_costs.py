"""The cost model: cores and GPUs saved, in dollars and energy per month."""

from __future__ import annotations

import pytest

from efficiency.config import CostsConfig
from efficiency.report.costs import HOURS_PER_MONTH, CostModel


def test_a_core_and_a_gpu_saved_for_a_month() -> None:
    model = CostModel.from_config(CostsConfig(dollars_per_core_hour=0.05,
                                              dollars_per_gpu_hour=2.0, watts_per_core=10,
                                              watts_per_gpu=300, pue=1.5))  # fmt: skip
    month = model.monthly(cores=2.0, gpus=0.5)
    assert month["core_hours_per_month"] == pytest.approx(2 * HOURS_PER_MONTH, abs=0.01)
    assert month["dollars_per_month"] == pytest.approx(
        2 * HOURS_PER_MONTH * 0.05 + 0.5 * HOURS_PER_MONTH * 2.0, abs=0.01
    )
    energy = (2 * 10 + 0.5 * 300) * HOURS_PER_MONTH * 1.5 / 1000
    assert month["kwh_per_month"] == pytest.approx(energy, abs=0.01)
    assert CostModel().monthly()["dollars_per_month"] == 0
