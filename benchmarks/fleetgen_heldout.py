"""Held-out fleet profiles through the CLI a user runs: ``efficiency ingest profile`` then
``efficiency detect --bucket 60``, on a generator the detector was not tuned on.

The generator (unlike ``benchmarks/fleet.py``'s share simulator) writes folded-stack windows:
4 services x 8 hosts, one 60 s window per host per minute, 200 windows. Each service has a
call tree of 3 handlers with 6 leaves each; leaf costs are drawn per seed; every host has its
own core count and, per window, its own multiplicative jitter on every leaf (log-normal, sd
0.08: host-to-host over-dispersion on top of the sampling noise). One leaf of service ``s0``
holds 2% of its samples. Cases, onset at window 150:

- ``regress5`` / ``regress2``: that leaf costs 5% / 2% more from the onset on. Judged found
  when ``efficiency detect`` run on the windows up to onset + 3 reports it (a regression of
  that function, onset within 3 windows).
- ``shift``: 40% of one leaf's cost moves to its sibling under the same handler (the handler's
  and the service's totals do not change).
- ``spike``: one leaf +30% for 3 windows, then back.
- ``seasonal``: every leaf of ``s0`` follows its own sine (period 60 windows, 10% amplitude).

For the last three, an alarm is any detection on all 200 windows. Dev seeds (0-1) are the
ones any tuning would use; test seeds (100-101) are never tuned on. Nothing was tuned on
this generator: the detector runs with the CLI defaults and ``--bucket 60`` (the default bucket
is 10 minutes; 60 s windows are judged at their own resolution).

Run: ``make bench-fleet-heldout`` (``.venv/bin/python -m benchmarks.fleetgen_heldout``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from benchmarks.common import write_section

SERVICES, HOSTS, WINDOWS, ONSET, HZ = 4, 8, 200, 150, 100
CASES = ("regress5", "regress2", "shift", "spike", "seasonal")
DEV_SEEDS, TEST_SEEDS = (0, 1), (100, 101)
T0 = datetime(2026, 6, 1, tzinfo=UTC)
TARGET = "leaf_0_0"  #: the 2% leaf of service s0


def _stacks() -> list[tuple[str, str]]:
    return [(f"handler_{h}", f"leaf_{h}_{j}") for h in range(3) for j in range(6)]


def generate(case: str, seed: int, windows: int = WINDOWS) -> list[str]:
    """JSON lines of folded windows, one per (service, host, window) up to ``windows``."""
    rng = np.random.default_rng(seed)
    stacks = _stacks()
    lines = []
    for s in range(SERVICES):
        cost = rng.dirichlet(np.full(len(stacks), 2.0))
        if s == 0:  # the target leaf holds 2%, the rest shares 98%
            rest = np.delete(cost, 0)
            cost = np.r_[0.02, 0.98 * rest / rest.sum()]
        cores = rng.integers(16, 48, HOSTS).astype(float)
        for w in range(windows):
            mult = np.ones(len(stacks))
            if s == 0:
                if case == "regress5" and w >= ONSET:
                    mult[0] = 1.05
                if case == "regress2" and w >= ONSET:
                    mult[0] = 1.02
                if case == "spike" and ONSET <= w < ONSET + 3:
                    mult[3] = 1.3
                if case == "seasonal":
                    phase = np.arange(len(stacks)) * 0.7
                    mult = 1 + 0.1 * np.sin(2 * np.pi * w / 60 + phase)
            c = cost * mult
            if s == 0 and case == "shift" and w >= ONSET:
                moved = 0.4 * c[7]
                c[7] -= moved
                c[8] += moved
            start = T0 + timedelta(seconds=60 * w)
            for h in range(HOSTS):
                jitter = np.exp(rng.normal(0.0, 0.08, len(stacks)))
                share = c * jitter
                share /= share.sum()
                # the host's samples: its cores busy, scaled by how much work changed
                total = int(cores[h] * HZ * 60 * c.sum() / cost.sum() * 0.5)
                counts = rng.multinomial(total, share)
                data = "".join(
                    f"main (app.py:1);{hd} (app.py:10);{leaf} (app.py:20) {k}\n"
                    for (hd, leaf), k in zip(stacks, counts, strict=True)
                    if k
                )
                lines.append(
                    json.dumps(
                        {
                            "service": f"s{s}",
                            "host": f"s{s}-h{h}",
                            "start": start.isoformat().replace("+00:00", "Z"),
                            "end": (start + timedelta(seconds=60))
                            .isoformat()
                            .replace("+00:00", "Z"),
                            "rate_hz": HZ,
                            "format": "folded",
                            "data": data,
                        }
                    )
                )
    return lines


def _cli(home: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", str(home / "e.db"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"efficiency {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def _hit(found: list[dict[str, object]]) -> bool:
    onset = T0 + timedelta(seconds=60 * ONSET)
    for d in found:
        at = datetime.fromisoformat(str(d["onset_at"]).replace("Z", "+00:00"))
        if (
            d["service"] == "s0"
            and d["kind"] == "regression"
            and str(d["function"]).startswith(TARGET)
            and abs((at - onset).total_seconds()) <= 180
        ):
            return True
    return False


def run_case(case: str, seed: int) -> dict[str, object]:
    """Ingest and detect through the CLI: for regressions first on the windows up to onset + 3
    (found within 3 windows?), then on all 200; the detections stored at the end."""
    lines = generate(case, seed)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        early = None
        parts = [lines]
        if case.startswith("regress"):
            keep = [line for line in lines if json.loads(line)["start"] < _stamp(ONSET + 3)]
            parts = [
                keep,
                [line for line in lines if json.loads(line)["start"] >= _stamp(ONSET + 3)],
            ]
        for i, part in enumerate(parts):
            batch = home / f"windows{i}.jsonl"
            batch.write_text("\n".join(part) + "\n")
            _cli(home, "ingest", "profile", str(batch), "--format", "jsonl")
            _cli(home, "detect", "--bucket", "60")
            found = json.loads(_cli(home, "detections", "list", "--json", "--limit", "1000"))
            if i == 0 and len(parts) == 2:
                early = _hit(found)
    return {
        "case": case,
        "seed": seed,
        "hit3": early,
        "hit200": _hit(found) if early is not None else None,
        "detections": len(found),
        "other": sum(
            1 for d in found if not (d["service"] == "s0" and str(d["function"]).startswith(TARGET))
        ),
    }


def _stamp(window: int) -> str:
    return (T0 + timedelta(seconds=60 * window)).isoformat().replace("+00:00", "Z")


def render(rows: list[dict[str, object]], seconds: float) -> str:
    lines = [
        "## Held-out fleet profiles through the CLI",
        "",
        "Command: `make bench-fleet-heldout` (runs `.venv/bin/python -m "
        "benchmarks.fleetgen_heldout`). Each case: the generator's windows through "
        "`efficiency ingest profile FILE --format jsonl`, then `efficiency detect --bucket 60` "
        "with every other setting at its default, then `efficiency detections list --json`. "
        "4 services x 8 hosts, 60 s windows, 200 windows, host-to-host over-dispersion "
        "(see the script's docstring). Regressions are judged on the windows up to onset + 3 "
        "(found within 3 windows); the other cases on all 200. Nothing was tuned on this "
        "generator; dev seeds 0-1 are the ones tuning would use, test seeds 100-101 never.",
        "",
        "| case | split | seed | target found within 3 windows | target found on 200 windows "
        "| detections (of other functions) |",
        "| --- | --- | ---: | --- | --- | ---: |",
    ]
    for r in rows:
        split = "dev" if r["seed"] in DEV_SEEDS else "test"

        def yes(v: object) -> str:
            return "-" if v is None else ("yes" if v else "no")

        lines.append(
            f"| {r['case']} | {split} | {r['seed']} | {yes(r['hit3'])} | {yes(r['hit200'])} "
            f"| {r['detections']} ({r['other']}) |"
        )
    lines += [
        "",
        "Service `s0` runs 8 hosts of 16-48 cores, half busy: about 120-135 cores, so +5% of "
        "its 2% function costs about 0.13 cores, under `detect.min_cores` (0.5); it is "
        "reported only once it is also at least `detect.min_relative` (5%) and "
        "`detect.min_absolute`. Within 3 windows the change is not yet significant at "
        "`detect.alpha` = 1e-4 with this over-dispersion (on dev seed 0 the scan's p-value "
        "at onset + 3 is about 6e-4): the 3-window target is not reached.",
        "",
        f"Whole run: {seconds:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print, do not write the docs")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated cases")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows = []
    for seed in (*DEV_SEEDS, *TEST_SEEDS):
        for case in args.cases.split(","):
            rows.append(run_case(case, seed))
            print(rows[-1], flush=True)
    text = render(rows, time.perf_counter() - t0)
    print(text)
    if not args.no_docs:
        write_section("fleet_heldout", text)


if __name__ == "__main__":
    main()
