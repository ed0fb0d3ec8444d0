"""Which seasonal model forecasts daily resource use best: a rolling-origin backtest of every
model of :mod:`efficiency.report.forecast` on public series, on a development half (where the
default model is chosen) and a held-out test half (reported, never used to choose).

Series: the real (not artificial) NAB series with at least seven weeks of data, averaged per
UTC day: cloud CPU, request and traffic volumes, temperatures of real machines. Sorted by name,
every other one is development, the rest test. For each series, forecasts are made from
origins 7 days apart, each from the (up to) 91 days before it; the horizon is 14 days (every
series) and 91 days, a quarter (the series long enough). Score: MASE (the mean absolute error
over the horizon divided by the in-sample error of "same as last week"), averaged over origins
then series, and how often the actual day fell inside the 80% interval.

    make bench-capacity        # EFFICIENCY_DATASETS=/path/to/datasets
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import cpu_model, datasets_dir, load_average, write_section
from efficiency.report.forecast import (
    DEFAULT_MODEL,
    MODELS,
    ForecastError,
    SeasonalForecaster,
    mase,
)

MIN_DAYS = 49
HISTORY = 91
STEP = 7
FIRST_ORIGIN = 28
HORIZONS = (14, 91)
#: the per-series choice: every model backtested on the history's last 14 days
AUTO = "auto"


def load_series(root: Path) -> dict[str, pd.Series]:
    out = {}
    for path in sorted((root / "nab" / "data").glob("real*/*.csv")):
        frame = pd.read_csv(path, parse_dates=["timestamp"])
        daily = frame.set_index("timestamp")["value"].resample("D").mean().dropna()
        full = daily.asfreq("D").interpolate()
        if len(full) >= MIN_DAYS:
            out[f"{path.parent.name}/{path.stem}"] = full
    return out


def split(names: list[str]) -> tuple[list[str], list[str]]:
    ordered = sorted(names)
    return ordered[0::2], ordered[1::2]


def auto_model(history: pd.Series) -> str:
    """The model with the lowest MASE over the history's last 14 days, fitted on the rest."""
    fit, check = history.iloc[:-14], history.iloc[-14:]
    best, best_err = "seasonal_naive", float("inf")
    for model in MODELS:
        try:
            pred = SeasonalForecaster(model).fit(fit).predict(14).frame["mean"].to_numpy()
        except (ForecastError, ValueError, np.linalg.LinAlgError):
            continue
        err = mase(check.to_numpy(), pred, fit.to_numpy())
        if err < best_err:
            best, best_err = model, err
    return best


@dataclass
class Score:
    mase: list[float] = field(default_factory=list)
    covered: int = 0
    days: int = 0
    seconds: float = 0.0


def backtest(series: pd.Series, horizon: int, models: list[str]) -> dict[str, list[float | int]]:
    """Per model: [mean MASE over origins, days inside the interval, days, fit seconds]."""
    scores = {m: Score() for m in models}
    origin = FIRST_ORIGIN
    while origin + horizon <= len(series):
        history = series.iloc[max(0, origin - HISTORY) : origin]
        actual = series.iloc[origin : origin + horizon].to_numpy()
        chosen = auto_model(history) if AUTO in models else ""
        for model in models:
            started = time.perf_counter()
            use = chosen if model == AUTO else model
            fc = SeasonalForecaster(use).fit(history).predict(horizon).frame
            s = scores[model]
            s.seconds += time.perf_counter() - started
            s.mase.append(mase(actual, fc["mean"].to_numpy(), history.to_numpy()))
            inside = (actual >= fc["lower"].to_numpy()) & (actual <= fc["upper"].to_numpy())
            s.covered += int(inside.sum())
            s.days += horizon
        origin += STEP
    return {m: [float(np.mean(s.mase)) if s.mase else float("nan"), s.covered, s.days,
                s.seconds] for m, s in scores.items()}  # fmt: skip


def summarize(results: dict[str, dict[str, list[float | int]]], models: list[str]) -> pd.DataFrame:
    rows = []
    for model in models:
        per_series = [r[model][0] for r in results.values() if np.isfinite(r[model][0])]
        covered = sum(int(r[model][1]) for r in results.values())
        days = sum(int(r[model][2]) for r in results.values())
        rows.append({
            "model": model,
            "series": len(per_series),
            "mean MASE": float(np.mean(per_series)) if per_series else float("nan"),
            "median MASE": float(np.median(per_series)) if per_series else float("nan"),
            "80% interval coverage": covered / days if days else float("nan"),
            "fit s": sum(float(r[model][3]) for r in results.values()),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("mean MASE")


def table(frame: pd.DataFrame) -> str:
    lines = ["| model | series | mean MASE | median MASE | 80% interval coverage | fit s |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for r in frame.itertuples(index=False):
        mark = " (default)" if r.model == DEFAULT_MODEL else ""
        lines.append(f"| {r.model}{mark} | {r.series} | {r[2]:.3f} | {r[3]:.3f} | "
                     f"{r[4]:.0%} | {r[5]:.1f} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="Print, do not edit the docs.")
    args = parser.parse_args()
    series = load_series(datasets_dir())
    dev, test = split(list(series))
    models = [*MODELS, AUTO]
    load_before = load_average()
    started = time.perf_counter()
    parts = []
    for horizon in HORIZONS:
        for label, names in (("development", dev), ("test (held out)", test)):
            results = {n: backtest(series[n], horizon, models) for n in names
                       if len(series[n]) >= FIRST_ORIGIN + horizon}  # fmt: skip
            if not results:
                continue
            frame = summarize(results, models)
            print(f"\nhorizon {horizon} days, {label}: {', '.join(results)}")
            print(frame.to_string(index=False))
            parts.append(f"**Horizon {horizon} days, {label}** ({len(results)} series: "
                         f"{', '.join(sorted(results))})\n\n{table(frame)}\n")  # fmt: skip
    elapsed = time.perf_counter() - started
    section = (
        "## Capacity forecast: which seasonal model (`make bench-capacity`)\n\n"
        "The capacity outlook (`efficiency report capacity`, the dashboard's Capacity page) "
        "forecasts each service's daily cores and GPU-hours a quarter ahead. Every model of "
        "`efficiency/report/forecast.py` is backtested here from rolling origins (7 days "
        "apart, each fitted on up to 91 days before it) on the real NAB series with at least "
        "seven weeks of data, averaged per day. Sorted by name, every other series is "
        "**development** (the default model is the best mean MASE there, horizon 14 days); "
        "the rest is the **held-out test** half, reported and never used to choose. MASE "
        "below 1 beats repeating last week; `auto` picks a model per series by a 14-day "
        "holdout of its own history. Default: "
        f"`{DEFAULT_MODEL}`.\n\n"
        + "\n".join(parts)
        + f"\nRun: {elapsed:.0f} s on {cpu_model()}, load average {load_before} at start.\n"
    )
    if not args.no_write:
        write_section("capacity-forecast", section)


if __name__ == "__main__":
    main()
