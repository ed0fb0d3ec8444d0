"""The methods :mod:`benchmarks.tcpd` runs on every series: our ``ChangepointDetector`` and
ruptures ``Pelt``/``Binseg``, each with its default setting and the grid its oracle picks from."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from efficiency.detect.changepoint import ChangepointDetector

Predictor = Callable[[np.ndarray], list[int]]


def fill_missing(values: np.ndarray) -> np.ndarray:
    """Linear interpolation of NaN (ruptures cannot take them; ours does the same inside)."""
    frame = pd.DataFrame(values).interpolate(limit_direction="both").fillna(0.0)
    return frame.to_numpy(dtype=np.float64)


def standardise(values: np.ndarray) -> np.ndarray:
    """Zero mean, unit sd per dimension, so one ruptures penalty means the same on every
    series (TCPDBench also hands its methods normalised data)."""
    x = fill_missing(values)
    sd = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def ours(**params: Any) -> Predictor:
    def predict(values: np.ndarray) -> list[int]:
        return ChangepointDetector(**params).fit(values).predict()

    return predict


def ruptures_method(algo: str, model: str, pen_factor: float) -> Predictor:
    """ruptures ``Pelt``/``Binseg`` with its own defaults (``min_size=2``, ``jump=5``) and a
    penalty of ``pen_factor x log(n)`` on the standardised series."""
    import ruptures as rpt  # the peer: a bench extra, not needed to test our scoring

    cls = {"pelt": rpt.Pelt, "binseg": rpt.Binseg}[algo]

    def predict(values: np.ndarray) -> list[int]:
        x = standardise(values)
        n = x.shape[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bkps = cls(model=model, min_size=2, jump=5).fit(x).predict(pen=pen_factor * np.log(n))
        return [int(b) for b in bkps if b < n]

    return predict


@dataclass(frozen=True)
class Method:
    """A method with its default setting and the grid its oracle picks from."""

    name: str
    default: tuple[str, Predictor]
    grid: list[tuple[str, Predictor]]
    grid_text: str


OUR_DEFAULT = ChangepointDetector().get_params()
OUR_COSTS = ("mean", "meanvar", "linear")
OUR_FACTORS = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
RPT_MODELS = ("l2", "l1", "normal", "rbf")
RPT_FACTORS = (0.1, 0.3, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
RPT_DEFAULT = ("l2", 3.0)


def methods() -> list[Method]:
    out = [
        Method(
            "efficiency ChangepointDetector",
            ("defaults", ours()),
            [
                (f"{c}, factor {f:g}", ours(cost=c, penalty_factor=f))
                for c in OUR_COSTS
                for f in OUR_FACTORS
            ],
            f"cost in {OUR_COSTS} x penalty_factor in {OUR_FACTORS} "
            f"({len(OUR_COSTS) * len(OUR_FACTORS)} settings)",
        )
    ]
    for algo in ("pelt", "binseg"):
        model, factor = RPT_DEFAULT
        out.append(
            Method(
                f"ruptures {algo.capitalize()}",
                (f"{model}, pen {factor:g} log n", ruptures_method(algo, model, factor)),
                [
                    (f"{m}, pen {f:g} log n", ruptures_method(algo, m, f))
                    for m in RPT_MODELS
                    for f in RPT_FACTORS
                ],
                f"model in {RPT_MODELS} x pen/log(n) in {RPT_FACTORS} "
                f"({len(RPT_MODELS) * len(RPT_FACTORS)} settings)",
            )
        )
    return out
