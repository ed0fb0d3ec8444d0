"""Seasonal forecasts of a daily resource series (cores, GPU-hours), with prediction
intervals, for the capacity outlook.

An estimator: parameters in ``__init__``, ``fit(y)`` on a daily series, ``predict(horizon)``
returning the mean and the interval per day. The models (statsmodels):

- ``seasonal_naive``: the last week, repeated (the baseline every other must beat);
- ``ets``: exponential smoothing with a damped additive trend and an additive weekly season
  (ETS(A,Ad,A));
- ``stl_ets``: STL takes the weekly season out, ETS(A,Ad,N) forecasts the rest, the season is
  added back;
- ``sarima``: the "airline" model, SARIMA(0,1,1)(0,1,1)₇;
- ``stl_drift``: STL's season, and a random walk with drift for the rest.

:data:`DEFAULT_MODEL` is the one a rolling-origin backtest on public series picked on its
development half (``benchmarks/capacity_forecast.py``; numbers in docs/benchmarks.md). With
fewer than two weeks of history no season can be learned: the forecast is then the mean of
the last week, flat, with the spread of the days seen.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

MODELS = ("seasonal_naive", "ets", "stl_ets", "sarima", "stl_drift")
#: chosen by the backtest on the development series (docs/benchmarks.md)
DEFAULT_MODEL = "ets"
SEASON = 7
#: fewest days a seasonal model is fitted on (two weekly cycles)
MIN_SEASONAL_DAYS = 2 * SEASON


class ForecastError(ValueError):
    """The series cannot be forecast (empty, or not daily)."""


@dataclass
class Forecast:
    """Per future day: ``mean``, ``lower`` and ``upper`` (the central ``level`` interval)."""

    model: str
    frame: pd.DataFrame
    level: float


def daily(values: pd.Series) -> pd.Series:
    """A daily series from per-day values indexed by time: one point a UTC day from the first
    to the last, missing days interpolated linearly (a day nobody profiled is not zero)."""
    if values.empty:
        raise ForecastError("no data to forecast")
    s = values.copy()
    s.index = pd.DatetimeIndex(s.index).tz_convert("UTC").normalize()
    s = s.groupby(level=0).mean().asfreq("D")
    return s.interpolate(limit_direction="both").astype("float64")


class SeasonalForecaster:
    """Fit one of :data:`MODELS` to a daily series and forecast it."""

    def __init__(self, model: str = DEFAULT_MODEL, level: float = 0.8) -> None:
        if model not in MODELS:
            raise ValueError(f"model: one of {', '.join(MODELS)}")
        if not 0 < level < 1:
            raise ValueError("level: between 0 and 1")
        self.model, self.level = model, level
        self._y: pd.Series | None = None
        self._fitted: Any = None
        self.used_model = model

    def fit(self, y: pd.Series) -> SeasonalForecaster:
        if len(y) == 0 or not isinstance(y.index, pd.DatetimeIndex):
            raise ForecastError("fit a non-empty daily series indexed by time")
        self._y = y.astype("float64")
        self.used_model = self.model if len(y) >= MIN_SEASONAL_DAYS else "recent_mean"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence chatter on short, flat series
            self._fitted = self._fit(self._y)
        return self

    def _fit(self, y: pd.Series) -> Any:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        model = self.used_model
        if model == "ets":
            return ETSModel(y, error="add", trend="add", damped_trend=True, seasonal="add",
                            seasonal_periods=SEASON).fit(disp=False)  # fmt: skip
        if model == "stl_ets":
            from statsmodels.tsa.forecasting.stl import STLForecast

            return STLForecast(
                y, ETSModel, model_kwargs={"error": "add", "trend": "add", "damped_trend": True},
                period=SEASON,
            ).fit(fit_kwargs={"disp": False})  # fmt: skip
        if model == "stl_drift":
            from statsmodels.tsa.arima.model import ARIMA
            from statsmodels.tsa.forecasting.stl import STLForecast

            return STLForecast(
                y, ARIMA, model_kwargs={"order": (0, 1, 0), "trend": "t"}, period=SEASON
            ).fit()
        if model == "sarima":
            from statsmodels.tsa.statespace.sarimax import SARIMAX

            return SARIMAX(y, order=(0, 1, 1), seasonal_order=(0, 1, 1, SEASON)).fit(disp=False)
        return None  # seasonal_naive, recent_mean: nothing to estimate

    def predict(self, horizon: int) -> Forecast:
        if self._y is None:
            raise ForecastError("fit before predict")
        if horizon < 1:
            raise ValueError("horizon: at least one day")
        y = self._y
        index = pd.date_range(y.index[-1] + pd.Timedelta(days=1), periods=horizon, freq="D")
        alpha = 1 - self.level
        if self.used_model in ("seasonal_naive", "recent_mean"):
            frame = self._naive(y, horizon, alpha)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = self._model_frame(horizon, alpha)
        frame.index = index
        return Forecast(self.used_model, frame, self.level)

    def _model_frame(self, horizon: int, alpha: float) -> pd.DataFrame:
        fitted, n = self._fitted, len(self._y)  # type: ignore[arg-type]
        if self.used_model == "ets":
            summary = fitted.get_prediction(start=n, end=n + horizon - 1).summary_frame(alpha=alpha)
            lower, upper = summary["pi_lower"], summary["pi_upper"]
        else:
            if self.used_model == "sarima":
                summary = fitted.get_forecast(horizon).summary_frame(alpha=alpha)
            else:
                summary = fitted.get_prediction(start=n, end=n + horizon - 1).summary_frame(
                    alpha=alpha
                )
            lower, upper = summary["mean_ci_lower"], summary["mean_ci_upper"]
        return pd.DataFrame(
            {"mean": summary["mean"].to_numpy(), "lower": np.asarray(lower),
             "upper": np.asarray(upper)}
        )  # fmt: skip

    @staticmethod
    def _naive(y: pd.Series, horizon: int, alpha: float) -> pd.DataFrame:
        """The last week repeated (or, with less than two weeks, its mean), with an interval
        from the spread of week-on-week (or day-to-day) differences, widening as the square
        root of the weeks ahead."""
        z = stats.norm.ppf(1 - alpha / 2)
        if len(y) >= MIN_SEASONAL_DAYS:
            last = y.to_numpy()[-SEASON:]
            mean = np.resize(last, horizon)
            diffs = (y - y.shift(SEASON)).dropna()
            steps = np.arange(horizon) // SEASON + 1
        else:
            mean = np.full(horizon, float(y.to_numpy()[-SEASON:].mean()))
            diffs = y.diff().dropna()
            steps = np.arange(horizon) + 1
        sd = float(diffs.std(ddof=1)) if len(diffs) > 1 else 0.0
        half = z * sd * np.sqrt(steps)
        return pd.DataFrame({"mean": mean, "lower": mean - half, "upper": mean + half})


def mase(actual: np.ndarray, predicted: np.ndarray, history: np.ndarray) -> float:
    """Mean absolute error scaled by the in-sample MAE of the weekly seasonal naive forecast
    (Hyndman & Koehler 2006): below 1 beats "same as last week" on average."""
    lag = SEASON if len(history) > SEASON else 1
    scale = float(np.mean(np.abs(history[lag:] - history[:-lag]))) if len(history) > lag else 0.0
    err = float(np.mean(np.abs(actual - predicted)))
    return err / scale if scale > 0 else (0.0 if err == 0 else float("inf"))
