"""The seasonal forecaster on series whose future is known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from efficiency.report.forecast import (
    DEFAULT_MODEL,
    MODELS,
    ForecastError,
    SeasonalForecaster,
    daily,
    mase,
)


def weekly(days: int, trend: float = 0.02, noise: float = 0.05, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(days)
    values = 10 + trend * t + np.where(t % 7 >= 5, -3.0, 0.0) + rng.normal(0, noise, days)
    return pd.Series(values, index=pd.date_range("2026-01-05", periods=days, freq="D", tz="UTC"))


@pytest.mark.parametrize("model", MODELS)
def test_every_model_learns_the_week_and_the_trend(model: str) -> None:
    y = weekly(70)
    fc = SeasonalForecaster(model).fit(y.iloc[:56]).predict(14)
    assert list(fc.frame.columns) == ["mean", "lower", "upper"]
    assert fc.frame.index[0] == y.index[56] and len(fc.frame) == 14
    assert (fc.frame["lower"] <= fc.frame["mean"]).all() and (
        fc.frame["mean"] <= fc.frame["upper"]
    ).all()
    error = mase(y.iloc[56:].to_numpy(), fc.frame["mean"].to_numpy(), y.iloc[:56].to_numpy())
    # "same as last week" misses the trend; the others must beat it (MASE below 1)
    assert error < (2.0 if model == "seasonal_naive" else 1.0), (model, error)
    weekend = fc.frame["mean"][fc.frame.index.day_of_week >= 5].mean()
    weekday = fc.frame["mean"][fc.frame.index.day_of_week < 5].mean()
    assert weekday - weekend > 2  # the weekly dip is kept


def test_short_history_is_a_flat_forecast_with_a_spread() -> None:
    y = weekly(9)
    forecaster = SeasonalForecaster(DEFAULT_MODEL).fit(y)
    fc = forecaster.predict(30)
    assert forecaster.used_model == "recent_mean" and fc.model == "recent_mean"
    assert fc.frame["mean"].nunique() == 1
    assert (
        fc.frame["upper"].iloc[-1] - fc.frame["lower"].iloc[-1]
        > fc.frame["upper"].iloc[0] - fc.frame["lower"].iloc[0]
    )


def test_daily_fills_gaps_and_refuses_nothing_to_forecast() -> None:
    idx = pd.to_datetime(["2026-01-01T10:00Z", "2026-01-01T20:00Z", "2026-01-03T01:00Z"])
    s = daily(pd.Series([1.0, 3.0, 4.0], index=idx))
    assert s.tolist() == [2.0, 3.0, 4.0] and str(s.index.freq) == "<Day>"
    with pytest.raises(ForecastError):
        daily(pd.Series([], dtype="float64"))
    with pytest.raises(ValueError, match="model"):
        SeasonalForecaster("prophet")
    with pytest.raises(ForecastError, match="fit before"):
        SeasonalForecaster().predict(3)


def test_mase_is_one_for_the_seasonal_naive_error() -> None:
    history = np.array([1.0, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7, 8])
    assert mase(np.array([3.0]), np.array([2.0]), history) == pytest.approx(1.0)
