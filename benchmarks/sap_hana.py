"""SAP HANA benchmark: performance regressions in build-by-build timings, against the human
judgement that ships with the data, with ruptures, river and adtk run beside our detector.

Data: SAP's performance-regression data set (small, 2021; SAP/performance-regression-data-set
@ 2a9f422, CC-BY-4.0): 25 series of time measurements, several per build (``GHC``), each
labelled Stable, Regression (with the last index before it), Spike, High deviation or
Build-dependent (the last three: "looks like a regression, but is explained otherwise").

What counts, for every method alike (all change points count, up or down):

- a **hit**: on a Regression series, a detection at most ``MARGIN_BUILDS`` builds from the
  first regressed measurement's build (builds are ranked by GHC; distance is the difference of
  ranks). At most one hit per label.
- an **alarm** is any detection. On Stable, Spike, High-deviation and Build-dependent series
  every alarm is false: the humans judged that nothing regressed there (a detector that marks
  both edges of a spike has told a triager "regression" twice). On a Regression series, every
  detection beyond the one hit is false.
- **precision** = hits / detections over all series; **recall** = hits / labelled regressions;
  **change-index error** = mean distance, in measurements and in builds, from each label to the
  nearest detection, over the regressions found.

Our detector runs the way a user runs it: ``efficiency score-series FILE --detector
changepoint -o -`` with no options and no configuration file, one CSV per series. Its defaults
(``detect.changepoint_*``) were chosen on a development split (every other Regression series and
every other non-regression series, sorted by name); the rest is the test split, reported apart.

The scoring is in :mod:`benchmarks.sap_hana_scoring`, the section's text in
:mod:`benchmarks.sap_hana_report`.

Run: ``.venv/bin/python -m benchmarks.sap_hana [--no-docs]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import ruptures as rpt
from adtk.transformer import DoubleRollingAggregate
from click.testing import CliRunner
from river import drift

from benchmarks.common import datasets_dir, load_average, write_section
from benchmarks.sap_hana_report import report
from benchmarks.sap_hana_scoring import Outcome, judge
from efficiency.cli import cli
from efficiency.detect.changepoint import ChangepointDetector

DATA = datasets_dir() / "sap-hana-perf"
OURS_CLI = "efficiency score-series --detector changepoint (CLI defaults)"

Predictor = Callable[[np.ndarray], list[int]]


@dataclass(frozen=True)
class Series:
    name: str
    kind: str  #: Stable, Regression, Spike, High deviation, Build-dependent
    values: np.ndarray
    builds: np.ndarray  #: rank of each measurement's build (GHC), 0-based
    label: int | None  #: row of the first regressed measurement (Regression series only)


def load_sap(root: Path = DATA) -> list[Series]:
    """Every series with its label; ``Change Point`` is the last Index before the regression,
    so the first regressed measurement is the row whose Index is one more."""
    meta = pd.read_csv(root / "metadata" / "dataset_details.csv", sep=";")
    out = []
    for _, row in meta.iterrows():
        frame = pd.read_csv(root / "data" / row["Dataset"])
        kind = " ".join(str(row["Type"]).split()).capitalize()
        label = None
        if kind == "Regression":
            label = int(np.flatnonzero(frame["Index"].to_numpy() == row["Change Point"] + 1)[0])
        builds = np.unique(frame["GHC"].to_numpy(), return_inverse=True)[1]
        out.append(
            Series(
                name=str(row["Dataset"]).removesuffix(".csv"),
                kind=kind,
                values=frame["Measurement"].to_numpy(dtype=np.float64),
                builds=builds.astype(np.int64),
                label=label,
            )
        )
    return sorted(out, key=lambda s: s.name)


# ------------------------------------------------------------------------------ methods


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std()
    return (x - x.mean()) / (sd if sd > 0 else 1.0)


def cli_default(x: np.ndarray) -> list[int]:
    """``efficiency score-series FILE --detector changepoint -o -`` with no option and no
    configuration file; the rows it marks ``change_point=1``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "series.csv"
        path.write_text("value\n" + "\n".join(repr(float(v)) for v in x) + "\n")
        result = CliRunner().invoke(
            cli,
            ["score-series", str(path), "--detector", "changepoint", "-o", "-"],
            env={"EFFICIENCY_CONFIG": ""},
        )
    if result.exit_code != 0:
        raise RuntimeError(f"score-series failed: {result.output}")
    rows = csv.DictReader(io.StringIO(result.stdout))
    return [i for i, row in enumerate(rows) if row["change_point"] == "1"]


def ours(**params: object) -> Predictor:
    return lambda x: ChangepointDetector(**params).fit(x).predict()  # type: ignore[arg-type]


def ruptures_method(algo: str) -> Predictor:
    """Same default as in the TCPD benchmark: l2 cost, ``pen = 3 log n`` on the standardised
    series, ruptures' own ``min_size=2, jump=5``."""
    cls = {"pelt": rpt.Pelt, "binseg": rpt.Binseg}[algo]

    def predict(x: np.ndarray) -> list[int]:
        z = _standardise(x)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bkps = cls(model="l2", min_size=2, jump=5).fit(z).predict(pen=3 * np.log(len(z)))
        return [int(b) for b in bkps if b < len(z)]

    return predict


def river_method(make: Callable[[], object]) -> Predictor:
    """A river drift detector with its default parameters, fed one standardised point at a
    time; each drift it signals is a detection at that point (it resets itself after one)."""

    def predict(x: np.ndarray) -> list[int]:
        det = make()
        out = []
        for i, v in enumerate(_standardise(x)):
            det.update(float(v))  # type: ignore[attr-defined]
            if det.drift_detected:  # type: ignore[attr-defined]
                out.append(i)
        return out

    return predict


def adtk_level_shift(x: np.ndarray, window: int = 5, c: float = 6.0) -> list[int]:
    """adtk ``LevelShiftAD(window=5)`` (``c=6``, both sides; it has no default window, 5 is the
    one its documentation shows); each run of flagged points is one detection at its first.

    adtk 0.6.2's detector fails on current pandas (it writes NaN into a boolean series where
    the rolling windows leave the edges empty), so its pipeline is run here by hand: adtk's
    own ``DoubleRollingAggregate`` (median of the window before vs after, absolute difference)
    and then its inter-quartile rule, flagged above ``Q3 + c x IQR`` of those differences.
    """
    index = pd.date_range("2020-01-01", periods=len(x), freq="D")
    diff = DoubleRollingAggregate(agg="median", window=window, center=True, diff="l1").transform(
        pd.Series(x, index=index)
    )
    d = diff.to_numpy(dtype=np.float64)
    q1, q3 = np.nanpercentile(d, [25, 75])
    flagged = np.nan_to_num(d, nan=-np.inf) > q3 + c * (q3 - q1)
    starts = flagged & ~np.concatenate([[False], flagged[:-1]])
    return np.flatnonzero(starts).tolist()


def methods() -> dict[str, Predictor]:
    return {
        OURS_CLI: cli_default,
        "efficiency ChangepointDetector() (class defaults, the TCPD setting)": ours(),
        "ruptures Pelt (l2, 3 log n)": ruptures_method("pelt"),
        "ruptures Binseg (l2, 3 log n)": ruptures_method("binseg"),
        "river PageHinkley": river_method(drift.PageHinkley),
        "river ADWIN": river_method(drift.ADWIN),
        "adtk LevelShiftAD": adtk_level_shift,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print, do not write the docs")
    args = parser.parse_args(argv)
    load_start = load_average()
    t0 = time.perf_counter()
    data = load_sap()
    results: dict[str, list[Outcome]] = {}
    for name, predict in methods().items():
        outs = []
        for series in data:
            t = time.perf_counter()
            detections = predict(series.values)
            outs.append(judge(series, detections, time.perf_counter() - t))
        results[name] = outs
    text = report(results, time.perf_counter() - t0, (load_start, load_average()))
    print(text)
    if not args.no_docs:
        write_section("sap_hana", text)


if __name__ == "__main__":
    main()
