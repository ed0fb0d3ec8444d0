"""Numenta Anomaly Benchmark (NAB): our metric anomaly detector against a windowed-Gaussian
baseline, scored here by the rules NAB publishes, with results written in NAB's own layout.

Why a scorer of our own: NAB's scorer is a separate Python 2/3 code base with its own
dependencies; re-implementing the published definition (datasets README, NAB README and
whitepaper: Lavin & Ahmad 2015, "Evaluating Real-time Anomaly Detection Algorithms - the
Numenta Anomaly Benchmark") keeps this benchmark runnable offline, and the per-series CSVs
written in NAB's layout let NAB's own scorer check the numbers. The scorer is validated in
every run: the null detector (never fires) must score 0 and the perfect detector (fires at the
first point of every window) must score 100 on every profile.

The rules, as implemented in ``benchmarks/nab_scoring.py``:

- the first 15% of each file, at most 750 rows, is a probation period: nothing there counts;
- a window (``labels/combined_windows.json``) is detected by its earliest detection; a
  detection at row ``i`` of window ``[a, b]`` (width ``w = b - a + 1``) earns
  ``tpWeight * sigma(-(b - i + 1) / w) / sigma(-1)`` with ``sigma(y) = 2 / (1 + e^(5y)) - 1``
  (so the left edge earns exactly ``tpWeight``, the right edge almost nothing);
- a detection outside every window costs ``fpWeight * sigma(d)``: ``d = 3`` (full cost, -1)
  before the file's first window, else ``d = (i - b_prev) / (w_prev - 1)`` after the previous
  window, so a late detection just after a window is almost free;
- a window with no detection costs ``fnWeight``;
- one threshold per detector and profile (detection = score >= threshold) is chosen to
  maximize the summed score over the whole corpus, by an exact sweep over every distinct score;
- the final score is ``100 * (S - S_null) / (S_perfect - S_null)`` with
  ``S_null = -fnWeight * windows`` and ``S_perfect = tpWeight * windows``.

Run with ``.venv/bin/python -m benchmarks.nab`` (seconds on two cores). It writes the
"NAB" section of ``docs/benchmarks.md`` (only between its markers; ``--no-docs`` skips it) and
the per-series results under ``--out`` (default ``benchmarks/results/nab``, git-ignored).
Unit tests never run it; ``tests/benchmarks/test_nab_scoring.py`` checks the scorer on
hand-computed cases.

This module is the runner; the corpus is in ``nab_corpus.py``, the detectors in
``nab_detectors.py`` and the docs section in ``nab_report.py`` (their names are re-exported here).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from benchmarks.common import load_average, write_section
from benchmarks.nab_corpus import (
    NAB,
    PROFILE_ORDER,
    Series,
    load_corpus,
    load_profiles,
    window_rows,
)
from benchmarks.nab_detectors import (
    CHECKS,
    DETECTORS,
    Detector,
    DetectorRun,
    efficiency_detector,
    null_detector,
    perfect_detector,
    run_detector,
    score_run,
    windowed_gaussian,
)
from benchmarks.nab_report import COMMAND, PUBLISHED, TARGETS, category_breakdown, render, why_not
from benchmarks.nab_scoring import (
    MAX_TP,
    PROBATION_CAP_ROWS,
    PROBATION_PERCENT,
    Array,
    PointWeights,
    Profile,
    SweepResult,
    file_score,
    point_weights,
    probation_rows,
    scaled_sigmoid,
    sweep,
)

__all__ = [
    "CHECKS",
    "COMMAND",
    "DETECTORS",
    "MAX_TP",
    "NAB",
    "PROBATION_CAP_ROWS",
    "PROBATION_PERCENT",
    "PROFILE_ORDER",
    "PUBLISHED",
    "TARGETS",
    "Array",
    "Detector",
    "DetectorRun",
    "PointWeights",
    "Profile",
    "Series",
    "SweepResult",
    "category_breakdown",
    "efficiency_detector",
    "file_score",
    "load_corpus",
    "load_profiles",
    "main",
    "null_detector",
    "perfect_detector",
    "point_weights",
    "probation_rows",
    "render",
    "run_detector",
    "scaled_sigmoid",
    "score_run",
    "sweep",
    "validate_scorer",
    "why_not",
    "window_rows",
    "windowed_gaussian",
    "write_results",
]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "nab"


def write_results(run: DetectorRun, corpus: Sequence[Series], out: Path) -> None:
    """NAB's layout: ``out/<detector>/<category>/<detector>_<file>.csv`` with
    ``timestamp,value,anomaly_score,label``; NAB's scorer reads the detector name back from
    the file name up to the first underscore, so detector names have none."""
    for series, scores in zip(corpus, run.scores, strict=True):
        path = out / run.name / series.category / f"{run.name}_{series.file_name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        pd.DataFrame(
            {
                "timestamp": series.timestamps,
                "value": series.values,
                "anomaly_score": scores,
                "label": series.labels(),
            }
        ).to_csv(path, index=False)


def validate_scorer(corpus: Sequence[Series], profiles: Sequence[Profile]) -> list[str]:
    """The two fixed points of the normalization, on the real corpus: never firing scores 0
    and hitting every window at its left edge scores 100, on every profile."""
    lines = []
    for name, detector in CHECKS.items():
        run = run_detector(name, detector, corpus)
        score_run(run, corpus, profiles)
        expected = 0.0 if name == "null" else 100.0
        for profile in profiles:
            got = run.results[profile.name].normalized
            if abs(got - expected) > 1e-9:
                raise AssertionError(f"scorer check failed: {name} {profile.name} = {got}")
        got_all = ", ".join(f"{run.results[p.name].normalized:.1f}" for p in profiles)
        lines.append(f"{name}: {got_all}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder")
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)

    load_start = load_average()
    corpus = load_corpus()
    profiles = load_profiles()
    checks = validate_scorer(corpus, profiles)
    runs = []
    for name, detector in DETECTORS.items():
        run = run_detector(name, detector, corpus)
        score_run(run, corpus, profiles)
        write_results(run, corpus, args.out)
        runs.append(run)
        scores = " / ".join(f"{run.results[p.name].normalized:.1f}" for p in profiles)
        print(f"{name:28s} {scores}   ({run.seconds:.1f} s)")
    print("scorer checks: " + "; ".join(checks))
    if not args.no_docs:
        load = (load_start, load_average())
        text = render(runs, corpus, profiles, checks, load, why_not(runs[0], corpus))
        write_section("nab", text)
        print("wrote the nab section of docs/benchmarks.md")
    print(f"results in NAB's layout under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
