"""The Kineto importer against Meta's Holistic Trace Analysis (HTA), trace by trace.

For every shipped trace in ``shared/datasets/kineto-traces/`` this runs our parser
(``collectors.kineto.parse_kineto``) and HTA's own analyses on the same file —
``TraceAnalysis.get_temporal_breakdown()`` and ``get_idle_time_breakdown()`` with their
defaults — and compares the GPU idle / compute / non-compute shares (the target: within one
percentage point) and the per-stream idle breakdown into host wait / kernel wait / other.

HTA is not a dependency of the project: it runs in a Python of its own, given with
``--hta-python PATH`` (``make bench-kineto`` makes one in ``.venv/hta``), or in this
interpreter when ``hta`` is importable here. Each trace is analysed by HTA in a fresh process
and the answers come back as JSON.

Run: ``make bench-kineto`` (``.venv/bin/python -m benchmarks.kineto_hta --hta-python
.venv/hta/bin/python``); it rewrites the "Kineto traces vs HTA" section of
``docs/benchmarks.md``. Unit tests never run this; ``tests/collectors/test_kineto.py`` keeps
HTA's numbers from this run as constants.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.common import cpu_model, datasets_dir, load_average, write_section
from collectors.kineto import KinetoTrace, parse_kineto

ROOT = Path(__file__).resolve().parents[1]
DATASETS = datasets_dir() / "kineto-traces"
COMMAND = "make bench-kineto"
TARGET_PP = 1.0
PAIR = ("kineto__resnet50_num_workers_0", "kineto__resnet50_num_workers_4")

#: runs inside HTA's Python: one trace file in, HTA's breakdowns out as JSON on stdout
HTA_SCRIPT = r"""
import json, logging, sys, time, warnings
from importlib.metadata import version
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from hta.trace_analysis import TraceAnalysis
path = sys.argv[1]
out = {"version": version("HolisticTraceAnalysis")}
t0 = time.perf_counter()
try:
    analysis = TraceAnalysis(trace_files={0: path}, trace_dir="/")
    temporal = analysis.get_temporal_breakdown(visualize=False)
    idle, _ = analysis.get_idle_time_breakdown(ranks=[0], visualize=False)
    out["temporal"] = temporal.to_dict("records")[0]
    out["idle"] = idle.to_dict("records")
except Exception as exc:
    out["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
out["seconds"] = time.perf_counter() - t0
print(json.dumps(out, default=float))
"""


@dataclass
class Row:
    trace: str
    ours: KinetoTrace
    ours_seconds: float
    hta: dict[str, Any]

    @property
    def ours_pct(self) -> tuple[float, float, float] | None:
        t = self.ours.temporal
        if t is None:
            return None
        return 100 * t.idle_share, 100 * t.compute_share, 100 * t.non_compute_share

    @property
    def hta_pct(self) -> tuple[float, float, float] | None:
        t = self.hta.get("temporal")
        if t is None:
            return None
        return t["idle_time_pctg"], t["compute_time_pctg"], t["non_compute_time_pctg"]

    def max_diff_pp(self) -> float | None:
        a, b = self.ours_pct, self.hta_pct
        if a is None or b is None:
            return None
        return max(abs(x - y) for x, y in zip(a, b, strict=True))

    def hta_idle(self) -> dict[int, dict[str, float]]:
        """HTA's idle breakdown, stream → category → µs."""
        out: dict[int, dict[str, float]] = {}
        for r in self.hta.get("idle", []):
            out.setdefault(int(r["stream"]), {})[r["idle_category"]] = float(r["idle_time"])
        return out

    def idle_diff_us(self) -> float | None:
        """The largest difference, in µs, between our and HTA's idle time in any category of
        any stream (HTA's numbers are rounded to 0.01 µs)."""
        if "idle" not in self.hta:
            return None
        theirs = self.hta_idle()
        worst = 0.0
        for s in self.ours.idle:
            h = theirs.pop(s.stream, {})
            for cat in ("host_wait", "kernel_wait", "other"):
                worst = max(worst, abs(getattr(s, f"{cat}_us") - h.get(cat, 0.0)))
        for h in theirs.values():  # streams only HTA saw
            worst = max(worst, *h.values())
        return worst


def run_hta(python: str, path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [python, "-c", HTA_SCRIPT, str(path)], capture_output=True, text=True, timeout=600
    )
    if proc.returncode != 0:
        raise SystemExit(f"HTA failed on {path.name}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_ours(path: Path) -> tuple[KinetoTrace, float]:
    data = path.read_bytes()
    t0 = time.perf_counter()
    parsed = parse_kineto(data)
    return parsed, time.perf_counter() - t0


def trace_label(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".json").removesuffix(".pt.trace")


def fmt_pct(values: tuple[float, float, float] | None) -> list[str]:
    return [f"{v:.2f}" for v in values] if values else ["-", "-", "-"]


def render(rows: list[Row], hta_version: str) -> str:
    lines = [
        "## Kineto traces vs HTA",
        "",
        f"Command: `{COMMAND}` (runs `.venv/bin/python -m benchmarks.kineto_hta --hta-python "
        ".venv/hta/bin/python`). Generated by that script; edit the script, not this section.",
        "",
        f"How it is checked: for every trace in `shared/datasets/kineto-traces/`, our importer "
        f"(`collectors/kineto.py`) and Meta's Holistic Trace Analysis (**{hta_version}**, "
        "`TraceAnalysis(...).get_temporal_breakdown()` and `get_idle_time_breakdown()` with "
        "their defaults, run in a separate virtual environment) read the same file. The shares "
        "are percent of HTA's span: first GPU event start to last GPU event end. Target: every "
        f"share within {TARGET_PP:g} percentage point of HTA's. HTA prints shares rounded to "
        "0.01, which is all the differences below are.",
        "",
        f"- Measured: {datetime.now(UTC).date()} on {cpu_model()}, load average (1 min) "
        f"{load_average()}, Python {sys.version.split()[0]}",
        "",
        "### GPU time breakdown: idle / compute / non-compute, percent",
        "",
        "| trace | ours idle | HTA idle | ours compute | HTA compute | ours non-compute "
        "| HTA non-compute | max diff (pp) | idle breakdown max diff (µs) | ours s | HTA s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        o, h = fmt_pct(r.ours_pct), fmt_pct(r.hta_pct)
        diff = r.max_diff_pp()
        idle_diff = r.idle_diff_us()
        note = ""
        if r.ours.temporal is None:
            note = " (no GPU events; HTA: " + r.hta.get("error", "no result") + ")"
        lines.append(
            f"| `{r.trace}`{note} | {o[0]} | {h[0]} | {o[1]} | {h[1]} | {o[2]} | {h[2]} | "
            f"{'-' if diff is None else f'{diff:.3f}'} | "
            f"{'-' if idle_diff is None else f'{idle_diff:.2f}'} | {r.ours_seconds:.2f} | "
            f"{r.hta.get('seconds', 0):.2f} |"
        )
    diffs = [d for r in rows if (d := r.max_diff_pp()) is not None]
    worst = max(diffs) if diffs else float("nan")
    verdict = "met" if diffs and worst <= TARGET_PP else "not met"
    lines += [
        "",
        f"Largest difference on any share of any trace: **{worst:.3f} pp** — target "
        f"(≤ {TARGET_PP:g} pp) **{verdict}**. Seconds are wall-clock time to parse and analyse "
        "one file (ours: `parse_kineto` on the bytes; HTA: loading the trace and both analyses).",
        "",
        "### Idle time per stream: host wait / kernel wait / other",
        "",
        "Share of the rank's span, ours (HTA in parentheses; HTA reports µs, converted here).",
        "",
        "| trace | stream | host wait % | kernel wait % | other % |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        t = r.ours.temporal
        if t is None:
            continue
        theirs = r.hta_idle()
        for s in r.ours.idle:
            h = theirs.get(s.stream, {})
            cells = [
                f"{100 * getattr(s, f'{c}_us') / t.span_us:.2f} "
                f"({100 * h.get(c, 0.0) / t.span_us:.2f})"
                for c in ("host_wait", "kernel_wait", "other")
            ]
            lines.append(f"| `{r.trace}` | {s.stream} | " + " | ".join(cells) + " |")
    lines += pair_section(rows)
    lines += [
        "",
        "Definitions (HTA's, re-implemented in `collectors/kineto.py`): idle is time in the span "
        "covered by no GPU event; compute is the union of kernels whose names are not copies, "
        "fills, NCCL or synchronization; non-compute is the rest of the busy time. Per stream, "
        "a gap between consecutive operations is host wait when the next one's launch call "
        "began after the previous one ended, else kernel wait when it is under 30 µs, else "
        "other. As HTA does, timestamps of traces with fractional microseconds are rounded "
        "inwards to whole µs, and a trace with two or more `ProfilerStep#N` annotations is cut "
        "before the last step.",
    ]
    return "\n".join(lines)


def pair_section(rows: list[Row]) -> list[str]:
    by_name = {r.trace: r for r in rows}
    if not all(p in by_name for p in PAIR):
        return []
    out = [
        "",
        "### ResNet-50: DataLoader `num_workers=0` vs `num_workers=4`",
        "",
        "| | GPU idle % | host wait % of span | host wait % of idle | DataLoader % of steps "
        "| mean step |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in PAIR:
        r = by_name[name]
        t = r.ours.temporal
        if t is None:
            return []
        host = sum(s.host_wait_us for s in r.ours.idle)
        idle = sum(s.idle_us for s in r.ours.idle)
        hta_host = sum(h.get("host_wait", 0.0) for h in r.hta_idle().values())
        steps, loader = r.ours.steps, r.ours.dataloader
        loader_pct = 100 * loader.total / steps.total if steps.total else 0.0
        out.append(
            f"| `{name.split('__')[1]}` | {100 * t.idle_share:.1f} | "
            f"{100 * host / t.span_us:.1f} (HTA {100 * hta_host / t.span_us:.1f}) | "
            f"{100 * host / idle:.1f} | {loader_pct:.1f} | {(steps.mean or 0) / 1000:.1f} ms |"
        )
    out += [
        "",
        "With four loader workers the host stops starving the GPU: the time the GPU waits for "
        "the host to launch work (host wait) and the share of each step spent fetching the next "
        "batch both fall, and steps get shorter. Host wait stays most of the remaining idle "
        "time, so its share *of idle* hardly moves; its share of the span is the input-stall "
        "number to watch.",
    ]
    return out


def find_hta_python(given: str | None) -> str:
    if given:
        return given
    if importlib.util.find_spec("hta") is not None:
        return sys.executable
    raise SystemExit(
        "HTA is not importable here: give --hta-python PATH of a Python with "
        "HolisticTraceAnalysis installed (make bench-kineto creates .venv/hta)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hta-python", help="Python with HolisticTraceAnalysis installed")
    parser.add_argument("--datasets", type=Path, default=DATASETS, help="folder of traces")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite the docs")
    args = parser.parse_args()
    python = find_hta_python(args.hta_python)
    paths = sorted(p for p in args.datasets.iterdir() if p.name.endswith((".json", ".json.gz")))
    if not paths:
        raise SystemExit(f"no traces in {args.datasets}")
    rows = []
    for path in paths:
        ours, seconds = run_ours(path)
        hta = run_hta(python, path)
        rows.append(Row(trace_label(path), ours, seconds, hta))
        print(f"{path.name}: ours {fmt_pct(rows[-1].ours_pct)} HTA {fmt_pct(rows[-1].hta_pct)}")
    version = next((r.hta["version"] for r in rows if "version" in r.hta), "unknown")
    section = render(rows, f"HolisticTraceAnalysis {version}")
    print()
    print(section)
    if not args.no_docs:
        write_section("kineto", section)


if __name__ == "__main__":
    main()
