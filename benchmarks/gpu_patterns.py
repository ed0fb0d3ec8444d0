"""GPU playbooks on real H200 traces, through the path a user runs.

For each trace: a fresh SQLite store, ``efficiency ingest trace`` and ``efficiency hotspots list
--json`` (no hints), then the playbooks matched over all of the trace's hot spots are compared
with the one the trace was recorded to show (none for clean traces), and the time breakdown
(idle, compute, non-compute shares) is checked to lie within [0, 100] %.

Development split: ``tests/data/datasets/kineto-traces/h200_*`` (the rules were written on
them). Test split: ``tests/data/gpu-heldout/`` (recorded after the rules; see docs/benchmarks.md
for how they were used). Run: ``make bench-gpu-patterns`` (``--write`` updates the table).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests/data/datasets/kineto-traces"
TEST = ROOT / "tests/data/gpu-heldout"
DOC = ROOT / "docs/benchmarks.md"
BEGIN, END = "<!-- gpu-patterns:begin -->", "<!-- gpu-patterns:end -->"

#: trace file stem → the playbooks it was recorded to show
EXPECTED: dict[str, tuple[str, dict[str, set[str]]]] = {
    "dev": (str(DEV), {
        "h200_pattern_fp32_gemm": {"gpu-fp32-gemm-tf32"},
        "h200_pattern_pageable_h2d": {"gpu-pageable-h2d"},
        "h200_pattern_host_sync": {"gpu-host-sync"},
        "h200_pattern_alloc_thrash": {"gpu-caching-allocator-thrash"},
        "h200_pattern_launch_bound": {"gpu-launch-bound"},
        "h200_convnet_dataloader_num_workers_0": {"gpu-dataloader-stall"},
        "h200_pattern_clean": set(),
    }),
    "test": (str(TEST), {
        "h200_heldout_fp32_linear": {"gpu-fp32-gemm-tf32"},
        "h200_heldout_fp32_conv": {"gpu-fp32-gemm-tf32"},
        "h200_heldout_pageable_d2h": {"gpu-pageable-h2d"},
        "h200_heldout_sync_tolist": {"gpu-host-sync"},
        "h200_heldout_small_ops": {"gpu-launch-bound"},
        "h200_heldout_empty_cache": {"gpu-caching-allocator-thrash"},
        "h200_heldout_dataloader_cpu_transforms": {"gpu-dataloader-stall"},
        "h200_heldout_clean_bf16_autocast": set(),
        "h200_heldout_clean_tf32_conv": set(),
    }),
}  # fmt: skip


def _cli(db: str, *args: str) -> object:
    env = {**os.environ, "EFFICIENCY_DB_URL": f"sqlite:///{db}"}
    out = subprocess.run(
        [sys.executable, "-m", "efficiency", *args, "--json"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def run_trace(path: Path) -> dict[str, object]:
    """Ingest one trace into a fresh store and read its hot spots back, as a user would."""
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        ingested = _cli(db, "ingest", "trace", "--service", "bench", str(path))
        spots = _cli(db, "hotspots", "list", "--service", "bench")
    assert isinstance(ingested, dict) and isinstance(spots, list)
    temporal = ingested.get("temporal") or {}
    shares = [100 * temporal[k] for k in ("idle_share", "compute_share", "non_compute_share")
              if temporal.get(k) is not None]  # fmt: skip
    matched = sorted({p for s in spots for p in s["playbooks"]})
    return {"matched": matched, "shares": shares}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="Update docs/benchmarks.md.")
    args = ap.parse_args()
    lines = ["| split | trace | expected | matched | found | exact | idle / compute / other % |",
             "| --- | --- | --- | --- | --- | --- | --- |"]  # fmt: skip
    totals: dict[str, list[int]] = {}
    for split, (folder, cases) in EXPECTED.items():
        for stem, expected in cases.items():
            got = run_trace(Path(folder) / f"{stem}.pt.trace.json.gz")
            matched, shares = set(got["matched"]), got["shares"]  # type: ignore[call-overload]
            sane = all(0.0 <= v <= 100.0 for v in shares)
            # found: the planted pattern's playbook matched (a clean trace: none matched)
            found = expected <= matched if expected else not matched
            t = totals.setdefault(split, [0, 0, 0, 0])
            t[0] += found
            t[1] += matched == expected
            t[2] += sane
            t[3] += 1
            lines.append(
                f"| {split} | `{stem}` | {', '.join(sorted(expected)) or 'none'} | "
                f"{', '.join(sorted(matched)) or 'none'} | {'yes' if found else 'NO'} | "
                f"{'yes' if matched == expected else 'no'} | "
                + " / ".join(f"{v:.1f}" for v in shares)
                + " |"
            )
    summary = "; ".join(
        f"{k}: planted pattern found (clean: none) {f}/{n}, exactly the expected set {e}/{n}, "
        f"shares in [0, 100] {ok}/{n}"
        for k, (f, e, ok, n) in totals.items()
    )
    table = "\n".join(lines) + f"\n\n{summary}\n"
    print(table)
    if args.write:
        text = DOC.read_text()
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{BEGIN}\n{table}{END}{tail}")
    return 0 if all(f == ok == n for f, _, ok, n in totals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
