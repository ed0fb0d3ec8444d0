"""Canary metric checks: false fails on identical versions and regressions caught, with and
without the between-host test, as hosts differ more.

Workload (a simulation; its parameters are assumptions, not measurements): each host of
each side serves Poisson(200) requests per 15 s step for 20 steps, 1% of them 5xx, costs
10 ms of CPU per request (lognormal noise 0.1 per step) and answers with a latency gauge
(lognormal 0.1 around 135 ms). Each host has its own speed factor (lognormal, sigma
``HOST_SIGMA``) on CPU and latency, as hardware and neighbours differ. A planted regression
multiplies the canary's latency by ``1 + r``.

Methods, both on the checks' defaults (``[canary]``, as `efficiency canary` runs them):
- **cells only**: one-sided Mann-Whitney over (host, step) cells, Holm over the checks;
- **cells + hosts** (what `efficiency canary` does): the larger of that and the per-host
  t-test's p-value.

Splits: *dev* is seed 1, the runs looked at while choosing the host test; *test* is seed 2,
run once for the table. Run: ``python -m benchmarks.canary_metrics``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from efficiency.config import Config
from efficiency.detect.canary_metrics import check_series
from efficiency.detect.canary_stats import MetricCheck, MetricRules
from efficiency.stages.canary_checks import metric_rules

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOST_SIGMA = [0.0, 0.03, 0.10]
LAYOUTS = [(3, 3), (1, 8)]
NULLS, TRIALS = 50, 25
RS = [0.10, 0.30]
SPLITS = {"dev": 1, "test": 2}


def _pair(rng: np.random.Generator, sigma: float, hosts: tuple[int, int], r: float) -> pd.DataFrame:
    rows = []
    ids: dict[tuple[str, str, str], int] = {}
    for side, n_hosts in zip(("canary", "control"), hosts, strict=True):
        for h in range(n_hosts):
            speed = rng.lognormal(0, sigma)
            host = f"{side}{h}"
            ok = err = cpu = 0.0
            for step in range(20):
                n = rng.poisson(200)
                bad = rng.binomial(n, 0.01)
                ok, err = ok + n - bad, err + bad
                cpu += n * 0.01 * speed * rng.lognormal(0, 0.1)
                lat = rng.lognormal(-2, 0.1) * speed * (1 + r if side == "canary" else 1.0)
                ts = T0 + timedelta(seconds=15 * step)
                for name, extra, value in (
                    ("api_requests_total", "200", ok), ("api_requests_total", "503", err),
                    ("process_cpu_seconds_total", "", cpu), ("api_latency_seconds", "", lat),
                ):  # fmt: skip
                    labels = {"host": host, **({"code": extra} if extra else {})}
                    sid = ids.setdefault((name, host, extra), len(ids) + 1)
                    rows.append((sid, name, labels, ts, float(value), side))
    frame = pd.DataFrame(rows, columns=["series_id", "name", "labels", "ts", "value", "side"])
    frame["ts"] = pd.to_datetime(frame["ts"], utc=True)
    return frame


def _fails_cells_only(checks: list[MetricCheck], rules: MetricRules) -> set[str]:
    judged = sorted((c for c in checks if c.p_value is not None),
                    key=lambda c: c.detail["p_cells"])  # fmt: skip
    out, running = set(), 0.0
    for rank, c in enumerate(judged):
        running = max(running, min(1.0, (len(judged) - rank) * c.detail["p_cells"]))
        if running < rules.alpha and (c.effect or 0.0) >= rules.min_relative:
            out.add(c.kind)
    return out


def run(seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    rules = metric_rules(Config())
    out = []
    for hosts in LAYOUTS:
        for sigma in HOST_SIGMA:
            row: dict = {"hosts": hosts, "sigma": sigma}
            both = cells = 0
            for _ in range(NULLS):
                checks = check_series(_pair(rng, sigma, hosts, 0.0), rules)
                both += any(c.status == "fail" for c in checks)
                cells += bool(_fails_cells_only(checks, rules))
            row["null"] = (cells / NULLS, both / NULLS)
            for r in RS:
                both = cells = 0
                for _ in range(TRIALS):
                    checks = check_series(_pair(rng, sigma, hosts, r), rules)
                    both += any(c.status == "fail" and c.kind == "latency" for c in checks)
                    cells += "latency" in _fails_cells_only(checks, rules)
                row[r] = (cells / TRIALS, both / TRIALS)
            out.append(row)
    return out


def report(results: dict[str, list[dict]]) -> str:
    out = ["<!-- canary-metrics:start -->",
           "## Canary metric checks: false fails and regressions caught as hosts differ",
           "", "Command: `make bench-canary-metrics` (`python -m benchmarks.canary_metrics`). "
           "Workload (a simulation: its parameters are assumptions), methods and splits: the "
           f"script's docstring. False fails on {NULLS} identical pairs; latency regressions "
           f"caught in {TRIALS} pairs each; defaults of `[canary]` (metric_alpha 0.01, Holm "
           "over 3 checks). Each cell: cells only / cells + hosts (what `efficiency canary` "
           "does).", "",
           "| split | hosts (canary v control) | host sigma | false fails | caught +10% latency "
           "| caught +30% latency |", "| --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    for split, rows in results.items():
        for row in rows:
            cells = " | ".join(
                f"{a:.0%} / {b:.0%}" for a, b in (row["null"], *[row[r] for r in RS])
            )
            out.append(f"| {split} | {row['hosts'][0]} v {row['hosts'][1]} | {row['sigma']:g} | "
                       f"{cells} |")  # fmt: skip
    out.append("<!-- canary-metrics:end -->")
    return "\n".join(out) + "\n"


def main() -> None:
    text = report({split: run(seed) for split, seed in SPLITS.items()})
    sys.stdout.write(text)
    doc = Path(__file__).parents[1] / "docs" / "benchmarks.md"
    body = doc.read_text()
    if "<!-- canary-metrics:start -->" in body:
        head, _, rest = body.partition("<!-- canary-metrics:start -->")
        body = head + text + rest.partition("<!-- canary-metrics:end -->\n")[2]
    else:
        body = body.rstrip("\n") + "\n\n" + text
    doc.write_text(body)


if __name__ == "__main__":
    main()
