"""Function-level regression detection on a simulated fleet: the smallest regression found,
next to the physical limit, at a measured false-alarm rate; detection delay; the filters on
seasonal shapes and cost shifts; and speed against ruptures looping per series.

1. **Sensitivity.** Share series of one function (share ``p`` of ``n`` samples per window,
   binomial or with host over-dispersion ``phi``: beta-binomial with ``phi`` times the
   binomial variance) with a step of relative size ``r`` after window 36 of 48. For every
   cell the smallest ``r`` found in 90% of series (onset within two windows) is compared
   with the smallest a two-proportion z test can find at the same ``n``, the same false-alarm
   level and 90% power *when it is told the onset* (and, for ``phi`` > 1, the variance): no
   detector that has to find the onset can beat it. Minimum-effect thresholds are off here.
2. **False alarms.** The same cells without a step, passed through the detector after every
   new window (12 passes per series): alarms per series-window.
3. **Delay.** Series with a step 1.5 times the smallest detectable, passed through the
   detector after every window after the onset: windows until the first detection.
4. **Filters.** A fleet of services over three days of 10-minute buckets with daily shapes in
   every share, cost shifts (cost moving from a caller to a new callee) and real regressions:
   what the whole pipeline (``detect_function_changes``) reports, with and without filters.
5. **Speed.** One detection pass over 100,000 series of 48 windows, against ruptures
   (``Pelt`` and ``Binseg``, the ``l2`` cost, one series at a time, as it is used), as a ratio.

The series of parts 1-3 and their bound are :mod:`benchmarks.fleet_series`'s.

Run: ``make bench-fleet`` (``.venv/bin/python -m benchmarks.fleet``); it rewrites the
"Simulated fleet" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.fleet_series import (
    AFTER,
    ALPHA,
    BEFORE,
    DISPERSIONS,
    SAMPLES,
    SHARES,
    Cell,
    run_cell,
    simulate,
)
from efficiency.detect.derive import function_shares
from efficiency.detect.functions import detect_function_changes
from efficiency.detect.regression import ShareRegressionDetector

# --- the whole pipeline on a seasonal fleet with cost shifts -------------------------------


@dataclass
class FleetResult:
    services: int
    regressions: int
    shifts: int
    found_with: int
    false_with: int
    found_without: int
    false_without: int
    dropped: dict[str, int]


def fleet(services: int, seed: int) -> FleetResult:
    """Three days of 10-minute buckets. Every service: eight functions under a handler, all
    shares with a daily shape; a third of the services get a real regression (one function
    +50%) on day three, another third a cost shift (half of the handler's own cost moves into
    a new callee), the rest nothing. 20,000 samples a bucket at 1 Hz: services of about 33
    cores, so a +50% regression of a 3% function costs half a core, over the cost floor."""
    rng = np.random.default_rng(seed)
    buckets, day, onset = 432, 144, 360
    rows = []
    truth: set[tuple[str, str]] = set()
    shifts = 0
    base_names = [f"main;handler;f{i}" for i in range(8)] + ["main;handler", "main;io"]
    base_p = np.array([0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04, 0.03, 0.2, 0.25])
    all_names = [*base_names, "main;handler;helper"]
    stacks = {i + 1: tuple(name.split(";")) for i, name in enumerate(all_names)}
    window = 0
    for s in range(services):
        svc = f"svc{s:03d}"
        phase = rng.uniform(0, 2 * np.pi, len(all_names))
        amp = rng.uniform(0.1, 0.4, len(all_names))
        kind = ("regression", "shift", "none")[s % 3]
        victim = int(rng.integers(0, 8))
        if kind == "regression":
            truth.add((svc, f"f{victim}"))
        elif kind == "shift":
            shifts += 1
        t = np.arange(buckets)
        for b in t:
            p = np.append(base_p, 0.0) * (1 + amp * np.sin(2 * np.pi * b / day + phase))
            if b >= onset and kind == "regression":
                p[victim] *= 1.5
            if b >= onset and kind == "shift":
                p[-1], p[8] = p[8] / 2, p[8] / 2
            counts = rng.multinomial(20_000, p / p.sum())
            window += 1
            start = pd.Timestamp("2026-01-01T00:00:00Z") + pd.Timedelta(minutes=10 * int(b))
            rows += [
                (window, svc, "h", start, 1.0, sid, int(c))
                for sid, c in zip(stacks, counts, strict=True)
                if c
            ]
    frame = pd.DataFrame(
        rows, columns=["window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count"]
    )
    panel = function_shares(frame, stacks, "10min")
    with_filters = detect_function_changes(panel, season_buckets=day)
    det = ShareRegressionDetector()
    raw = [
        (str(panel.index.service.iat[c.series]), str(panel.index.function.iat[c.series]))
        for k in (panel.self_k, panel.incl_k)
        for c in det.fit(k, panel.n).changes_
        if det.large_enough(c)
    ]

    def score(pairs: list[tuple[str, str]]) -> tuple[int, int]:
        got = set(pairs)
        return len(got & truth), len(got - truth)

    found_with, false_with = score([(f.service, f.function) for f in with_filters.findings])
    found_without, false_without = score(raw)
    dropped: dict[str, int] = {}
    for d in with_filters.dropped:
        dropped[d.reason] = dropped.get(d.reason, 0) + 1
    return FleetResult(
        services, len(truth), shifts, found_with, false_with, found_without, false_without,
        dropped,
    )  # fmt: skip


# --- speed ---------------------------------------------------------------------------------


def speed(series: int, peer_series: int, seed: int) -> dict[str, float]:
    import ruptures as rpt

    rng = np.random.default_rng(seed)
    sizes = np.where(rng.random(series) < 0.1, 0.3, 0.0)
    k, n = simulate(0.05, 10_000, 2.0, sizes, rng, BEFORE + AFTER)
    det = ShareRegressionDetector()
    ours = []
    for _ in range(3):
        t0 = time.perf_counter()
        det.fit(k, n).predict()
        ours.append(time.perf_counter() - t0)
    shares = k[:peer_series] / n[:peer_series]
    # a BIC-like penalty on the series' own scale, the usual way to use ruptures per series
    peers = {}
    for name, make in (
        ("ruptures Pelt (l2)", lambda: rpt.Pelt(model="l2", min_size=3)),
        ("ruptures Binseg (l2)", lambda: rpt.Binseg(model="l2", min_size=3)),
    ):
        t0 = time.perf_counter()
        for row in shares:
            pen = 2 * np.log(len(row)) * float(np.var(np.diff(row))) / 2
            make().fit(row).predict(pen=max(pen, 1e-12))
        peers[name] = peer_series / (time.perf_counter() - t0)
    return {"ours": series / min(ours), **peers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-size", type=int, default=200, help="series per step size")
    parser.add_argument("--nulls", type=int, default=2000, help="null series per cell")
    parser.add_argument("--services", type=int, default=120, help="services in the fleet part")
    parser.add_argument("--speed-series", type=int, default=100_000)
    parser.add_argument("--peer-series", type=int, default=2_000, help="series timed for peers")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the docs")
    args = parser.parse_args()

    load_before = load_average()
    cells = []
    t0 = time.perf_counter()
    for i, (phi, p, n) in enumerate(
        (phi, p, n) for phi in DISPERSIONS for p in SHARES for n in SAMPLES
    ):
        cell = run_cell(p, n, phi, args.per_size, args.nulls, args.seed + i)
        cells.append(cell)
        ratio = f"{cell.smallest / cell.bound:.2f}x" if cell.smallest else "-"
        print(
            f"p={p:<6} n={n:<8} phi={phi:g}: smallest "
            f"{100 * cell.smallest if cell.smallest else float('nan'):8.3f}% bound "
            f"{100 * cell.bound:8.3f}% ({ratio}), delay {cell.delay_median}, "
            f"false alarms {cell.false_alarms}/{cell.passes}",
            flush=True,
        )
    sensitivity_s = time.perf_counter() - t0
    fleet_result = fleet(args.services, args.seed)
    print(fleet_result, flush=True)
    rates = speed(args.speed_series, args.peer_series, args.seed)
    print(rates, flush=True)
    if args.no_docs:
        return
    write_section("fleet", render(args, cells, fleet_result, rates, load_before, sensitivity_s))


def render(
    args: argparse.Namespace,
    cells: list[Cell],
    fr: FleetResult,
    rates: dict[str, float],
    load_before: str,
    sensitivity_s: float,
) -> str:
    alarms = sum(c.false_alarms for c in cells)
    passes = sum(c.passes for c in cells)
    # cells where the function has fewer samples per window than the detector's
    # ``min_samples`` are not tested until a change lifts them over it: judged apart
    floor = ShareRegressionDetector().min_samples
    testable = [c for c in cells if c.p * c.n >= floor]
    sparse = [c for c in cells if c.p * c.n < floor]
    ratios = [c.smallest / c.bound for c in testable if c.smallest]
    worst = max(ratios) if ratios else float("nan")
    missing = [c for c in testable if c.smallest is None]
    lines = [
        "## Simulated fleet: function-level regressions",
        "",
        "Command: `make bench-fleet` (runs `.venv/bin/python -m benchmarks.fleet`). Generated "
        "by that script; edit the script, not this section.",
        "",
        "Series of one function's share: `p` of `n` samples per window, binomial (`phi` 1) or "
        "with host over-dispersion (`phi` 4: beta-binomial, four times the binomial "
        f"variance), {BEFORE} windows before a step and {AFTER} after. The detector is "
        f"`ShareRegressionDetector` at its false-alarm level alpha = {ALPHA:g} with the "
        "minimum-effect thresholds off, so this measures the test itself. *Smallest "
        "detectable*: the relative step found in 90% of series with its onset within two "
        f"windows ({args.per_size} series per size on a log grid, interpolated). *Bound*: "
        "the smallest step a two-proportion z test finds with 90% power at the same `n` and "
        "two-sided level when it is *told* the onset (and the over-dispersion): the physical "
        "limit, which no detector that must find the onset can reach. *Delay*: windows "
        "after the onset until the first detection, for a step 1.5 times the smallest "
        "detectable, passing the detector after every window (it needs at least "
        "`min_segment` = 3 windows on each side of an onset). *False alarms*: the same cells "
        f"without a step ({args.nulls} series each), a pass after each of the last {AFTER} "
        "windows.",
        "",
        "### Machine",
        "",
        f"- CPU: {cpu_model()}; Python {platform.python_version()}; load average (1 min) at "
        f"start / end: {load_before} / {load_average()}",
        f"- Measured: {datetime.now(UTC):%Y-%m-%d}; sensitivity part {sensitivity_s:.0f} s",
        "",
        "### Sensitivity, delay and false alarms",
        "",
        "| phi | share p | samples n | smallest detectable | bound | ratio | delay (windows, "
        "median) | found within 12 | false alarms / series-windows |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in cells:
        small = f"{100 * c.smallest:.3g}%" if c.smallest else "> 800%"
        ratio = f"{c.smallest / c.bound:.2f}x" if c.smallest else "-"
        delay = f"{c.delay_median:g}" if c.delay_median is not None else "-"
        lines.append(
            f"| {c.phi:g} | {100 * c.p:g}% | {c.n:,} | {small} | {100 * c.bound:.3g}% | {ratio} "
            f"| {delay} | {100 * c.delay_found:.0f}% | {c.false_alarms} / {c.passes:,} |"
        )
    far = alarms / passes
    lines += [
        "",
        f"- False-alarm rate over all cells: **{alarms} in {passes:,} series-windows = "
        f"{far:.2g}** (target at most 1e-4: **{'met' if far <= 1e-4 else 'not met'}**).",
        f"- Smallest detectable within 1.5x of the bound, in the {len(testable)} cells with at "
        f"least {floor:g} of the function's samples per window: **"
        f"{'met' if worst <= 1.5 and not missing else 'not met'}** (worst cell {worst:.2f}x, "
        f"median {statistics.median(ratios):.2f}x"
        + (f"; {len(missing)} found nothing up to +800%" if missing else "")
        + f"). The {len(sparse)} cells with fewer (p x n under {floor:g}) are below the "
        "detector's `min_samples`: a series is tested only once a change lifts it over that, "
        "so only steps of several times the bound are found there, by design (with a few "
        "counts per window neither the normal approximation nor the over-dispersion "
        "estimate holds, and testing them anyway multiplied false alarms).",
        "",
        "What separates us from the bound: the detector must find the onset, so it pays for "
        "testing every split (the p-value of the largest of ~40 correlated split statistics, "
        "by the James-James-Siegmund approximation), it must estimate each series' "
        "over-dispersion from the series itself (Student's t with calibrated degrees of "
        "freedom instead of the normal), and a found onset must be within two windows of "
        "the truth.",
        "",
        "### The whole pipeline on a seasonal fleet",
        "",
        f"{fr.services} services over three days of 10-minute buckets (20,000 samples per "
        "bucket), every share with its own daily shape (10% to 40% amplitude); "
        f"{fr.regressions} services get a real regression (one function +50% on day three), "
        f"{fr.shifts} a cost shift (half of a handler's own cost moves into a new callee), "
        "the rest nothing. Reported (service, function) pairs against the injected "
        "regressions:",
        "",
        "| | regressions found | false reports |",
        "| --- | ---: | ---: |",
        f"| detector alone (significance and minimum effect only) | {fr.found_without} of "
        f"{fr.regressions} | {fr.false_without} |",
        f"| whole pipeline (filters, most specific frame) | {fr.found_with} of "
        f"{fr.regressions} | {fr.false_with} |",
        "",
        "Removed by each filter: "
        + ", ".join(f"{reason} {n}" for reason, n in sorted(fr.dropped.items()))
        + ".",
        "",
        "### Speed",
        "",
        f"One detection pass over {args.speed_series:,} series of {BEFORE + AFTER} windows "
        f"(ours, best of 3), against ruptures on {args.peer_series:,} of the same series one "
        "at a time (a BIC-like penalty scaled to each series):",
        "",
        "| detector | series per second | ours / it |",
        "| --- | ---: | ---: |",
    ]
    for name, rate in rates.items():
        lines.append(f"| {name} | {rate:,.0f} | {rates['ours'] / rate:,.1f}x |")
    slowest_peer = max(v for k, v in rates.items() if k != "ours")
    lines += [
        "",
        f"- At least 20x faster than ruptures per series: **"
        f"{'met' if rates['ours'] / slowest_peer >= 20 else 'not met'}** "
        f"({rates['ours'] / slowest_peer:,.0f}x against the faster peer).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
