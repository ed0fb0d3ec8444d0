"""TCPD benchmark: our changepoint detector against ruptures Pelt and Binseg on the same series.

The Turing Change Point Dataset (van den Burg & Williams, "An Evaluation of Change Point
Detection Algorithms", 2020) ships real series with change points marked by several human
annotators. Its benchmark (TCPDBench) scores a method by F1 (margin 5 points) and by
segmentation covering, both implemented in :mod:`benchmarks.cp_metrics` from the paper's
definitions (see that module for what each counts).

"Default" is one setting per method for all series; "oracle" the best setting of a declared grid
chosen per series (separately for F1 and for cover), as TCPDBench reports them. The methods and
their grids are in :mod:`benchmarks.tcpd_methods`, the section's text in
:mod:`benchmarks.tcpd_report`.

Run: ``.venv/bin/python -m benchmarks.tcpd [--no-docs]``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import datasets_dir, load_average, write_section
from benchmarks.cp_metrics import covering, f1_score
from benchmarks.tcpd_methods import Method, methods
from benchmarks.tcpd_report import report
from efficiency.detect.changepoint import ChangepointDetector

# ------------------------------------------------------------------------------ data

DATA = datasets_dir() / "tcpd"


@dataclass(frozen=True)
class Series:
    """One TCPD series: ``values`` is ``n_obs x n_dim``, missing values left as NaN."""

    name: str
    values: np.ndarray
    annotations: dict[str, list[int]]

    @property
    def n_obs(self) -> int:
        return int(self.values.shape[0])


def load_tcpd(root: Path = DATA) -> list[Series]:
    """Every series under ``root/datasets`` with its annotations (sorted by name)."""
    annotations = json.loads((root / "annotations.json").read_text())
    out = []
    for path in sorted((root / "datasets").glob("*/*.json")):
        data = json.loads(path.read_text())
        columns = [[np.nan if v is None else float(v) for v in s["raw"]] for s in data["series"]]
        values = np.asarray(columns, dtype=np.float64).T
        out.append(Series(data["name"], values, annotations[data["name"]]))
    return out


# ------------------------------------------------------------------------------ run


@dataclass
class Result:
    """One method on one series: default F1/cover and the oracle's best of the grid."""

    method: str
    series: str
    n_points: int
    default_cps: list[int]
    f1: float
    cover: float
    oracle_f1: float
    oracle_cover: float
    oracle_f1_setting: str
    oracle_cover_setting: str
    seconds: float


def evaluate(method: Method, series: Series) -> Result:
    t0 = time.perf_counter()
    _, predict = method.default
    cps = predict(series.values)
    f1 = f1_score(series.annotations, cps)
    cover = covering(series.annotations, cps, series.n_obs)
    # the default setting is one point of the oracle's choice too, as in TCPDBench
    best_f1, best_cover = (f1, method.default[0]), (cover, method.default[0])
    for label, grid_predict in method.grid:
        g = grid_predict(series.values)
        best_f1 = max(best_f1, (f1_score(series.annotations, g), label), key=lambda r: r[0])
        best_cover = max(
            best_cover, (covering(series.annotations, g, series.n_obs), label), key=lambda r: r[0]
        )
    return Result(
        method=method.name,
        series=series.name,
        n_points=series.n_obs,
        default_cps=cps,
        f1=f1,
        cover=cover,
        oracle_f1=best_f1[0],
        oracle_cover=best_cover[0],
        oracle_f1_setting=best_f1[1],
        oracle_cover_setting=best_cover[1],
        seconds=time.perf_counter() - t0,
    )


# ------------------------------------------------------------------------------ tuning

#: values of ``min_explained`` (the relevance floor of the penalty) tried for the default
MIN_EXPLAINED_GRID = (
    0.0,
    0.001,
    0.002,
    0.003,
    0.004,
    0.005,
    0.006,
    0.007,
    0.008,
    0.01,
    0.015,
    0.02,
)


@dataclass(frozen=True)
class Tuning:
    """Our default with each ``min_explained`` of the grid, and a leave-one-series-out check."""

    values: tuple[float, ...]
    f1: list[float]  #: mean F1 over the series, per value
    cover: list[float]  #: mean cover over the series, per value
    loo_f1: float  #: mean F1 when each series gets the value best for the other series' cover
    loo_cover: float
    loo_picks: list[float]  #: the values the leave-one-out choice made


def tune(data: list[Series], values: tuple[float, ...] = MIN_EXPLAINED_GRID) -> Tuning:
    """Score every value of ``min_explained`` (the rest at the defaults) on every series; then,
    for each series, pick the value with the best mean cover on the *other* series and score
    that value on the one left out: how much of the gain survives choosing without the series."""
    f1 = np.zeros((len(values), len(data)))
    cover = np.zeros_like(f1)
    for i, v in enumerate(values):
        for j, s in enumerate(data):
            cps = ChangepointDetector(min_explained=v).fit(s.values).predict()
            f1[i, j] = f1_score(s.annotations, cps)
            cover[i, j] = covering(s.annotations, cps, s.n_obs)
    loo_f1, loo_cover, picks = [], [], []
    for j in range(len(data)):
        others = np.arange(len(data)) != j
        i = int(np.argmax(cover[:, others].mean(axis=1)))
        picks.append(values[i])
        loo_f1.append(f1[i, j])
        loo_cover.append(cover[i, j])
    return Tuning(
        values=values,
        f1=f1.mean(axis=1).tolist(),
        cover=cover.mean(axis=1).tolist(),
        loo_f1=float(np.mean(loo_f1)),
        loo_cover=float(np.mean(loo_cover)),
        loo_picks=picks,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print, do not write the docs")
    args = parser.parse_args(argv)
    load_start = load_average()
    t0 = time.perf_counter()
    data = load_tcpd()
    results: dict[str, list[Result]] = {}
    for method in methods():
        results[method.name] = [evaluate(method, s) for s in data]
    seconds = time.perf_counter() - t0
    text = report(results, data, seconds, (load_start, load_average()), tune(data))
    print(text)
    if not args.no_docs:
        write_section("tcpd", text)


if __name__ == "__main__":
    main()
