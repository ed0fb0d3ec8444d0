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

Run: ``.venv/bin/python -m benchmarks.sap_hana [--no-docs]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import platform
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import adtk
import numpy as np
import pandas as pd
import river
import ruptures as rpt
from adtk.transformer import DoubleRollingAggregate
from click.testing import CliRunner
from river import drift

from benchmarks.common import cpu_model, datasets_dir, load_average, write_section
from efficiency.cli import cli
from efficiency.detect.changepoint import ChangepointDetector

DATA = datasets_dir() / "sap-hana-perf"
MARGIN_BUILDS = 5
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


def dev_split(data: list[Series]) -> set[str]:
    """The development split the CLI defaults were tuned on: every other Regression series and
    every other non-regression series, in name order (3 + 10 series); the rest is test."""
    regressions = [s.name for s in data if s.label is not None]
    others = [s.name for s in data if s.label is None]
    return set(regressions[0::2]) | set(others[0::2])


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


# ------------------------------------------------------------------------------ scoring


@dataclass
class Outcome:
    """One method on one series."""

    series: Series
    detections: list[int]
    seconds: float
    hit: int | None = None  #: the detection that found the regression
    false_alarms: int = 0
    error_points: int | None = None
    error_builds: int | None = None
    notes: list[str] = field(default_factory=list)


def judge(series: Series, detections: list[int], seconds: float) -> Outcome:
    out = Outcome(series, sorted(detections), seconds)
    if series.label is None:
        out.false_alarms = len(detections)
        return out
    label_build = series.builds[series.label]
    near = [d for d in detections if abs(series.builds[d] - label_build) <= MARGIN_BUILDS]
    if near:
        best = min(near, key=lambda d: abs(d - series.label))  # type: ignore[operator]
        out.hit = best
        out.error_points = abs(best - series.label)
        out.error_builds = int(abs(series.builds[best] - label_build))
    out.false_alarms = len(detections) - (1 if near else 0)
    return out


@dataclass
class Summary:
    name: str
    detections: int
    hits: int
    regressions: int
    precision: float
    recall: float
    error_points: float
    error_builds: float
    stable_alarms: int
    stable_series_alarmed: int
    stable_series: int
    other_alarms: int
    seconds: float


def summarise(name: str, outcomes: list[Outcome]) -> Summary:
    detections = sum(len(o.detections) for o in outcomes)
    hits = sum(o.hit is not None for o in outcomes)
    regressions = sum(o.series.label is not None for o in outcomes)
    found = [o for o in outcomes if o.hit is not None]
    stable = [o for o in outcomes if o.series.kind == "Stable"]
    other = [o for o in outcomes if o.series.kind not in ("Stable", "Regression")]
    return Summary(
        name=name,
        detections=detections,
        hits=hits,
        regressions=regressions,
        precision=hits / detections if detections else 1.0,
        recall=hits / regressions if regressions else 1.0,
        error_points=float(np.mean([o.error_points for o in found])) if found else float("nan"),
        error_builds=float(np.mean([o.error_builds for o in found])) if found else float("nan"),
        stable_alarms=sum(o.false_alarms for o in stable),
        stable_series_alarmed=sum(o.false_alarms > 0 for o in stable),
        stable_series=len(stable),
        other_alarms=sum(o.false_alarms for o in other),
        seconds=sum(o.seconds for o in outcomes),
    )


# ------------------------------------------------------------------------------ report


def report(results: dict[str, list[Outcome]], seconds: float, load: tuple[str, str]) -> str:
    summaries = [summarise(name, outs) for name, outs in results.items()]
    mine = summaries[0]
    lines = [
        "## SAP HANA: performance regressions against SAP's human labels",
        "",
        "Command: `make bench-sap` (runs `.venv/bin/python -m benchmarks.sap_hana`; "
        "`--no-docs` prints without writing). Generated by that script; edit the script, not "
        "this section.",
        "",
        "Data: SAP's performance-regression data set (small, 2021; "
        "SAP/performance-regression-data-set @ 2a9f422, CC-BY-4.0): 25 series of build-by-"
        "build time measurements (several measurements per build), judged by SAP engineers: "
        "5 Stable, 5 Regression (with the last index before the regression), and 15 that look "
        "like a regression but are explained otherwise (5 Spike, 5 High deviation, "
        "5 Build-dependent). No published detector scores exist; the peers run here.",
        "",
        "What counts, for every method alike (every change point counts, up or down):",
        "",
        f"- **hit**: on a Regression series, a detection at most {MARGIN_BUILDS} builds (GHC "
        "ranks) from the build of the first regressed measurement; at most one per label.",
        "- **alarm**: any detection. On Stable, Spike, High-deviation and Build-dependent "
        "series every alarm is false, since the humans judged that nothing regressed there "
        "(marking both edges of a spike tells a triager 'regression' twice); on a Regression "
        "series every detection beyond the hit is false.",
        "- **precision** = hits / all detections; **recall** = hits / 5 labelled regressions; "
        "**error** = distance from label to the hitting detection, in measurements and builds.",
        "",
        "Methods: ours as a user runs it, `efficiency score-series FILE --detector "
        "changepoint -o -` with no option and no configuration file (its defaults "
        "`detect.changepoint_penalty_factor = 4`, `changepoint_min_shift = 2`, "
        "`changepoint_min_explained = 0.02` were chosen on the development split below), "
        "and the `ChangepointDetector` class with its own defaults (the TCPD setting) for "
        "reference; "
        "ruptures Pelt and Binseg with the TCPD benchmark's default (l2, `pen = 3 log n`, "
        "standardised series, `min_size=2`, `jump=5`); river `PageHinkley` and `ADWIN` with "
        "their default parameters, streaming over the standardised series (whole-series mean "
        "and sd: a mild look-ahead in their favour, since their thresholds are in raw units); "
        "adtk `LevelShiftAD` with its defaults and `window=5` (a run of flagged points is one "
        "detection; adtk 0.6.2's detector class fails on current pandas, so its pipeline runs "
        "by hand: adtk's `DoubleRollingAggregate` and its `Q3 + 6 IQR` rule).",
        "",
        "### Machine",
        "",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores visible (single process)",
        f"- Python {platform.python_version()}, ruptures {rpt.__version__}, river "
        f"{river.__version__}, adtk {adtk.__version__}",
        f"- Load average (1 min) at start / end: {load[0]} / {load[1]}",
        f"- Whole run: {seconds:.1f} s; measured {datetime.date.today().isoformat()}",
        "",
        "### Results",
        "",
        f"| method | precision | recall | regressions found within {MARGIN_BUILDS} builds | "
        "mean error (points / builds) | alarms on Stable (series) | false alarms on "
        "Spike/High dev./Build-dep. | detections | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in summaries:
        lines.append(
            f"| {s.name} | {s.precision:.2f} | {s.recall:.2f} | {s.hits} / {s.regressions} | "
            f"{s.error_points:.1f} / {s.error_builds:.1f} | {s.stable_alarms} "
            f"({s.stable_series_alarmed} / {s.stable_series}) | {s.other_alarms} | "
            f"{s.detections} | {s.seconds:.2f} |"
        )
    dev = dev_split([o.series for o in results[mine.name]])
    lines += [
        "",
        "### Development / test split (CLI defaults)",
        "",
        "Development (tuned on): every other Regression series and every other non-regression "
        "series in name order; test: the rest. The defaults were picked on a grid "
        "(`penalty_factor` 3-6, `min_shift` 0-3, `min_explained` 0.005-0.05) as the setting "
        "that finds every development regression, raises no alarm on a development "
        "non-regression series, and has the most such settings around it (ties: the lowest "
        "penalty). The grid run printed test numbers beside the development ones, so the "
        "test split was seen, though not used by the rule.",
        "",
        f"| split | series | regressions found within {MARGIN_BUILDS} builds | "
        "non-regression series with any alarm |",
        "| --- | --- | ---: | ---: |",
    ]
    for split, keep in (("development", True), ("test", False)):
        outs = [o for o in results[mine.name] if (o.series.name in dev) == keep]
        regs = [o for o in outs if o.series.label is not None]
        others = [o for o in outs if o.series.label is None]
        lines.append(
            f"| {split} | {', '.join(o.series.name for o in outs)} | "
            f"{sum(o.hit is not None for o in regs)} / {len(regs)} | "
            f"{sum(o.false_alarms > 0 for o in others)} / {len(others)} |"
        )
    regs = [o for o in results[mine.name] if o.series.label is not None]
    others = [o for o in results[mine.name] if o.series.label is None]
    alarmed = sum(o.false_alarms > 0 for o in others)
    reference = summaries[1]
    ref_alarmed = sum(o.false_alarms > 0 for o in results[reference.name] if o.series.label is None)
    lines += [
        "",
        "### Targets (all 25 series, CLI defaults)",
        "",
        f"- Every labelled regression found within {MARGIN_BUILDS} builds: "
        + (
            f"**reached** ({mine.hits} / {mine.regressions}, mean error "
            f"{mine.error_points:.1f} measurements / {mine.error_builds:.1f} builds)."
            if mine.hits == mine.regressions
            else f"**not reached**: {mine.hits} / {mine.regressions}."
        ),
        "- No alarm on the 20 non-regression series: "
        + (
            f"**reached** (0 of {len(others)})."
            if alarmed == 0
            else f"**not reached**: {alarmed} of {len(others)} series alarm."
        ),
        f"- Regressions found: {sum(o.hit is not None for o in regs)} / {len(regs)}.",
        "",
        "With the class's own (TCPD) defaults the detector finds "
        f"{reference.hits} / {reference.regressions} regressions and alarms on "
        f"{ref_alarmed} of {len(others)} non-regression series (small slope changes such as "
        "Stable "
        "`0024`, -0.6% in level, and the edges of spikes): certain enough to pay the "
        "penalty, too small or too short to be a regression. The CLI's defaults ask more of "
        "a change; the class keeps its TCPD defaults because annotators there mark small "
        "changes too.",
        "",
        "On the 15 explained series the CLI defaults alarm "
        + (
            ", ".join(
                f"{o.false_alarms} times on `{o.series.name}` ({o.series.kind})"
                for o in results[mine.name]
                if o.series.kind not in ("Stable", "Regression") and o.false_alarms
            )
            + " (real changes of the series that SAP's engineers traced to the environment or "
            "the build; telling them apart needs more than the series, so they count as false "
            "alarms here)"
            if mine.other_alarms
            else "nowhere"
        )
        + ". The detector measures the noise from differences of neighbouring points; "
        "ruptures' penalty is in units of the whole series' spread, which a regression "
        "inflates.",
        "",
        "### Per series (detections; **hit** marked)",
        "",
        "| series | type | n | builds | label | " + " | ".join(results) + " |",
        "| --- | --- | ---: | ---: | ---: | " + " | ".join("---" for _ in results) + " |",
    ]
    columns = list(results.values())
    for k, s in enumerate(columns[0]):
        series = s.series
        label = "" if series.label is None else str(series.label)
        cells = []
        for outs in columns:
            o = outs[k]
            shown = [f"**{d}**" if d == o.hit else str(d) for d in o.detections[:8]]
            more = f" (+{len(o.detections) - 8})" if len(o.detections) > 8 else ""
            cells.append((", ".join(shown) or "-") + more)
        lines.append(
            f"| {series.name} | {series.kind} | {len(series.values)} | "
            f"{series.builds.max() + 1} | {label} | " + " | ".join(cells) + " |"
        )
    return "\n".join(lines) + "\n"


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
