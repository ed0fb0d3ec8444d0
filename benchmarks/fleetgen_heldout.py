"""Held-out fleet profiles through the CLI a user runs: ``efficiency ingest profile`` then
``efficiency detect`` with its defaults, on a generator the detector was not built on.

The generator (unlike ``benchmarks/fleet.py``'s share simulator) writes folded-stack windows:
4 services x 8 hosts, one 60 s window per host per minute, 200 windows. Each service has a
call tree of 3 handlers with 6 leaves each; leaf costs are drawn per seed; every host has its
own core count and, per window, its own multiplicative jitter on every leaf (log-normal, sd
0.08: host-to-host over-dispersion on top of the sampling noise). One leaf of service ``s0``
holds 2% of its samples. Cases, onset at window 150:

- ``regress5`` / ``regress2``: that leaf costs 5% / 2% more from the onset on. The windows
  arrive in parts (up to onset + 3, + 10, + 20, + 30, + 40, + 50 windows) with an
  ``efficiency detect`` pass after each, as a daemon would run it; judged found once a pass
  reports a regression of that function with its onset within 3 windows of the true one.
  The delay is the windows after the onset in the data of that first pass.
- ``shift``: 40% of one leaf's cost moves to its sibling under the same handler (the handler's
  and the service's totals do not change).
- ``spike``: one leaf +30% for 3 windows, then back.
- ``seasonal``: every leaf of ``s0`` follows its own sine (period 60 windows, 10% amplitude).

For the last three, an alarm is any detection on all 200 windows. Dev seeds (0-1) are the
ones tuning may use, test seeds (100-101, and 1000-1001 added with the onset posterior) are
never tuned on. The detector runs with every CLI default (10-minute buckets, onsets refined
to the windows' minute afterwards: the window most likely within 3 of the change; a later
pass moves a stored onset to its own estimate). ``--seeds`` runs some seeds, ``--save`` keeps
their rows and ``--rows`` writes the docs from several saved runs (one run of all six seeds
takes about an hour). On dev
seed 1 a first version (``detect.fdr`` 0.01) raised one chance alarm in the spike case (an
unrelated function at p = 7.5e-5); ``detect.fdr`` is 0.001 since, chosen as one false
alarm a week at a pass per bucket, not from the test seeds.

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
#: windows after the onset at which a regression case runs a detection pass
CUTS = (3, 10, 20, 30, 40, 50)
DEV_SEEDS, TEST_SEEDS = (0, 1), (100, 101, 1000, 1001)
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


def _target(found: list[dict[str, object]]) -> float | None:
    """The onset error, in windows, of the first regression reported for the target."""
    onset = T0 + timedelta(seconds=60 * ONSET)
    for d in found:
        if (
            d["service"] == "s0"
            and d["kind"] == "regression"
            and str(d["function"]).startswith(TARGET)
        ):
            at = datetime.fromisoformat(str(d["onset_at"]).replace("Z", "+00:00"))
            return (at - onset).total_seconds() / 60
    return None


def _one_pass(lines: list[str]) -> list[dict[str, object]]:
    """The detections of one pass over all the windows, on a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        (home / "all.jsonl").write_text("\n".join(lines) + "\n")
        _cli(home, "ingest", "profile", str(home / "all.jsonl"), "--format", "jsonl")
        _cli(home, "detect")
        return list(json.loads(_cli(home, "detections", "list", "--json", "--limit", "1000")))


def run_case(case: str, seed: int) -> dict[str, object]:
    """Ingest and detect through the CLI: regressions in parts with a pass after each (see
    ``CUTS``), the other cases in one pass over all 200 windows."""
    lines = generate(case, seed)
    cuts = CUTS if case.startswith("regress") else (WINDOWS - ONSET,)
    delay = None
    hit3 = False
    first: tuple[int, float] | None = None  # (windows after onset, onset error in windows)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        done = 0
        for cut in cuts:
            upto = _stamp(ONSET + cut)
            part = [line for line in lines if _stamp(done) <= json.loads(line)["start"] < upto]
            done = ONSET + cut
            batch = home / f"windows{cut}.jsonl"
            batch.write_text("\n".join(part) + "\n")
            _cli(home, "ingest", "profile", str(batch), "--format", "jsonl")
            _cli(home, "detect")
            found = json.loads(_cli(home, "detections", "list", "--json", "--limit", "1000"))
            target = _target(found)
            if first is None and target is not None:
                first = (cut, target)
            if delay is None and _hit(found):
                delay = cut
                hit3 = cut <= 3
    regress = case.startswith("regress")
    whole = _one_pass(lines) if regress else found
    return {
        "case": case,
        "seed": seed,
        "hit3": hit3 if regress else None,
        "delay": delay if regress else None,
        "hit200": _hit(whole) if regress else None,
        "first": first,
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
        "`efficiency ingest profile FILE --format jsonl`, then `efficiency detect` with every "
        "setting at its default (10-minute buckets, onsets refined to the window most likely "
        "within `detect.onset_tolerance_windows` = 3 windows of the change, and moved by a "
        "later pass that saw more data after it), "
        "then `efficiency detections list --json`. 4 services x 8 hosts, 60 s windows, 200 "
        "windows, host-to-host over-dispersion, onset at window 150 (see the script's "
        "docstring). Regressions arrive in parts with a pass after each (onset + 3, 10, 20, "
        "30, 40, 50 windows); found = a pass reports a regression of the target function with "
        "its onset within 3 windows of the true one; delay = windows after the onset in the "
        "data of the first such pass; one pass on 200 = a fresh database given all the windows "
        "at once, as a one-off `efficiency detect` would see them. The other cases: one pass "
        "on all 200 windows, any detection is an alarm. Dev seeds 0-1 (tuning may look at "
        "them), test seeds 100-101 and 1000-1001 (never; 1000-1001 added with the onset "
        "posterior, which no rule was fitted to).",
        "",
        "| case | split | seed | found within 3 windows of data | found (delay, windows) "
        "| first reported (delay; onset error, windows) | found by one pass on 200 windows "
        "| detections (of other functions) |",
        "| --- | --- | ---: | --- | --- | --- | --- | ---: |",
    ]
    for r in rows:
        split = "dev" if r["seed"] in DEV_SEEDS else "test"

        def yes(v: object) -> str:
            return "-" if v is None else ("yes" if v else "no")

        delay = "-" if r["delay"] is None else f"yes ({r['delay']})"
        if r["case"].startswith("regress") and r["delay"] is None:
            delay = "no"
        first = r["first"]
        shown = "-" if first is None else f"{first[0]}; {first[1]:+.0f}"
        if r["case"].startswith("regress") and first is None:
            shown = "no"
        lines.append(
            f"| {r['case']} | {split} | {r['seed']} | {yes(r['hit3'])} | {delay} | {shown} "
            f"| {yes(r['hit200'])} | {r['detections']} ({r['other']}) |"
        )
    lines += [
        "",
        "Service `s0` runs 8 hosts of 16-48 cores, half busy: about 120-135 cores (the "
        "detector reads it from the profiles: samples over the sampling rate, per process over "
        "the time its windows cover), so +5% of its 2% function costs about 0.13 cores, over "
        "the cost floor `detect.min_cores` = 0.05; there is no relative floor where the cost "
        "is known. Within 3 windows of the onset the change cannot be significant at any "
        "level that keeps the other cases quiet: with this over-dispersion one 60 s window "
        "of `s0` measures the 2% function's share to about 3.3% (a quasi-binomial dispersion "
        "near 17), so 3 windows after the onset put +5% about 2.6 standard errors out, while "
        "the largest of the ~170 null series of a pass scanned over every split reaches 4. "
        "With 10-minute buckets a pass also sees only complete buckets: the first pass that "
        "can hold 3 buckets after the onset is at onset + 30.",
        "",
        "Why the buckets stay 10 minutes although the profiles carry their 60 s windows: a "
        "pass runs per complete bucket, so 60 s buckets would spend `detect.fdr` (one false "
        "alarm a week at 144 passes a day) ten times as often, and three days of history (two "
        "daily periods for the seasonality filter) would be 4,320 columns per function series "
        "instead of 432; the paragraph above shows why no bucket length can find the change "
        "within 3 windows of data, and the onset is placed at the windows' resolution anyway "
        "(the window most likely within 3 of the change, from an over-dispersed binomial "
        "posterior over the windows within a bucket of the coarse onset).",
        "",
        "Dev seed 0, the miss: windows 140-148 of its target share sit half-way between the "
        "old and the new level by chance, so the onset posterior holds about 60% of its mass "
        "5-10 windows before the true onset and the rule places it 8 windows early; the single "
        "most likely window (149 on all 200 windows, 140 on 170-180) is no rule to prefer: on "
        "1,800 simulated over-dispersed fleets it is within 3 windows 95.9% of the time, the "
        "rule 96.7% (`tests/detect/test_floors.py` checks the same on 300).",
        "",
        f"Cases run: {', '.join(c for c in CASES if any(r['case'] == c for r in rows))}. "
        f"Whole run: {seconds:.0f} s (the wall-clock seconds of the runs added up where "
        "they ran apart, three at a time on 2 cores).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="print, do not write the docs")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated cases")
    parser.add_argument(
        "--seeds",
        default=",".join(str(s) for s in (*DEV_SEEDS, *TEST_SEEDS)),
        help="comma-separated seeds (dev: 0,1; test: 100,101,1000,1001)",
    )
    parser.add_argument("--save", type=Path, help="also write the rows to this JSON file")
    parser.add_argument(
        "--rows",
        type=Path,
        nargs="+",
        help="render the docs from rows saved by earlier runs (--save) instead of running",
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    rows: list[dict[str, object]] = []
    seconds = 0.0
    if args.rows:
        for path in args.rows:
            saved = json.loads(path.read_text())
            rows += saved["rows"]
            seconds += saved["seconds"]
        order = {seed: i for i, seed in enumerate((*DEV_SEEDS, *TEST_SEEDS))}
        rows.sort(key=lambda r: (order.get(int(str(r["seed"])), 99), CASES.index(str(r["case"]))))
    else:
        for seed in (int(s) for s in args.seeds.split(",")):
            for case in args.cases.split(","):
                rows.append(run_case(case, seed))
                print(rows[-1], flush=True)
        seconds = time.perf_counter() - t0
        if args.save:
            args.save.write_text(json.dumps({"rows": rows, "seconds": seconds}))
    text = render(rows, seconds)
    print(text)
    if not args.no_docs:
        write_section("fleet_heldout", text)


if __name__ == "__main__":
    main()
