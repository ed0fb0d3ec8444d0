"""Fix yield: planted inefficiencies in small programs, found by profiling and turned into
code-fix proposals by ``efficiency remediate`` with its defaults (no playbook, no function
named), checked for behaviour and measured for speed, all through the product's command line.

The corpus (``benchmarks/fix_yield_corpus/``, listed in its ``manifest.json``) is our own: small
realistic programs (a logfmt parser, a URL router, a CSV export ...), each with one planted
inefficiency of a kind the playbooks name, its own tests, a ``workload.py`` that runs the hot
path for ``--seconds`` and a ``bench.py`` that times the hot path and prints
``{"seconds": ...}``. A few programs plant an advice-only hot spot (``advice:<playbook>``); they
count for "proposed" when that advice is recorded, and are reported apart. The manifest's
``planted`` kind is only read to judge and report; nothing from the manifest reaches the
product. Each program is in the ``dev`` split (codemods and playbooks may be tuned on it) or
the ``test`` split (held out: never tuned on), and the two are reported separately.

Per program, in a temporary directory of its own (so the run also tests the product end to end):

1. the program is committed to a fresh git repository (branch ``main``);
2. ``efficiency profile --service S --duration 6 --window 3 --native -- python workload.py``
   profiles it with py-spy into a fresh SQLite database;
3. ``efficiency remediate --service S --repo REPO --verify --json`` proposes what it can and
   verifies it, the user's path for a verified proposal: a services file names only the
   program's test command (``python -m pytest``) and benchmark (``python bench.py``);
4. green: every proposal branch changes ``app.py`` only, ``main`` and the work tree are
   untouched, and the program's tests pass on the branch (run here in a separate git
   worktree, and by the product's verification);
5. speedup: the product's verification of the branch remediate lists first (its report's
   ``best_first``: the best verified speedup first, the product's own ranking):
   ``bench.py`` before and after alternating, the geometric mean of the paired ratios with a
   95% interval; a win when the interval lies above 1.0.

The metrics, per split: **proposed** = programs with a proposal (a branch, or for advice
programs the planted advice) / programs; **green** = programs whose branches are all green /
programs with a branch; **speedup** = median (and minimum) of the verified speedups over green
programs; **wins** = green programs whose interval lies above 1.0. Targets: proposed >= 90%,
green 100%, median speedup >= 1.3x.

Run with ``.venv/bin/python -m benchmarks.fix_yield`` (``make bench-fix-yield``; a few minutes:
about 40 s per program). It writes the "fix-yield" section of ``docs/benchmarks.md``
(``--no-docs`` leaves it alone, and so does a run of some programs only, ``--programs NAME``);
the report is ``benchmarks/fix_yield_report.py``. Unit tests never run it;
``tests/benchmarks/test_fix_yield.py`` checks the manifest validation, reading the remediate
report and its verification, and the metrics.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.fix_yield_manifest import Program, load_manifest
from benchmarks.fix_yield_report import Outcome, measured, render
from benchmarks.fix_yield_steps import (
    Settings,
    check_branch,
    git,
    make_repo,
    profile_and_list,
    pyspy_version,
    remediate,
    remediate_available,
    run,
    write_config,
)

# -- reading the remediate report ---------------------------------------------------------


def report_proposals(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The proposals of a ``remediate --json`` report, costliest hot spot first, each with
    its hot spot's id (``hotspot_id``); one proposal once (several hot spots may share it)."""
    out: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for spot in report.get("hotspots") or []:
        for p in spot.get("proposals") or []:
            if p.get("id") not in seen:
                seen.add(p.get("id"))
                out.append({**p, "hotspot_id": spot.get("hotspot_id")})
    return out


def refusals(report: Mapping[str, Any], limit: int = 2) -> list[str]:
    """The first reasons given for hot spots nothing was made for."""
    reasons = [
        f"{spot.get('frame')}: {r}"
        for spot in report.get("hotspots") or []
        if spot.get("outcome") in ("refused", "no playbook")
        for r in spot.get("reasons") or []
    ]
    return reasons[:limit]


def inclusive_cores(hotspot: Mapping[str, Any]) -> float | None:
    """Cores spent in the frame and everything it calls (inclusive share x busy cores)."""
    evidence = hotspot.get("evidence") or {}
    share, cores = evidence.get("share_inclusive"), evidence.get("cores")
    if isinstance(share, int | float) and isinstance(cores, int | float):
        return float(share) * float(cores)
    return None


def read_verification(outcome: Outcome, proposal: Mapping[str, Any]) -> str | None:
    """The first branch's verification onto ``outcome``; why it measured nothing, or None."""
    v = proposal.get("verification") or {}
    if v.get("tests_after") != "pass":
        return f"verification: tests {v.get('tests_after') or 'not run'} on the branch"
    if not isinstance(v.get("speedup"), int | float):
        return f"verification: {v.get('bench_error') or v.get('verdict') or v.get('verify')}"
    outcome.speedup = float(v["speedup"])
    low, high = v.get("speedup_low"), v.get("speedup_high")
    outcome.speedup_low = float(low) if isinstance(low, int | float) else None
    outcome.speedup_high = float(high) if isinstance(high, int | float) else None
    outcome.verdict = str(v.get("verdict") or "")
    for side, key in (
        ("main_seconds", "bench_before_seconds"),
        ("branch_seconds", "bench_after_seconds"),
    ):
        if isinstance(v.get(key), int | float):
            setattr(outcome, side, float(v[key]))
    return None


def run_program(
    program: Program,
    work: Path,
    settings: Settings,
    can_remediate: bool,
    log: Callable[[str], None] = print,
) -> Outcome:
    outcome = Outcome(program.name, program.planted, program.split)
    repo = work / "repo"
    why = make_repo(program, repo)
    if why is None:
        tests = run([settings.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], repo, 300)
        why = None if tests.ok else f"tests fail on main: {tests.why()}"
    if why:
        outcome.note = f"corpus: {why}"
        return outcome
    main_commit = git(repo, "rev-parse", "main").stdout.strip()
    write_config(program, work, repo, settings)
    hotspots, why = profile_and_list(program, repo, work, settings)
    if hotspots is None:
        outcome.note = why
        return outcome
    if not can_remediate:
        outcome.note = "remediate: not available"
        return outcome
    report, why = remediate(program, repo, work, settings)
    if report is None:
        outcome.note = why
        return outcome
    outcome.hotspots = len(report["hotspots"])
    proposals = report_proposals(report)
    outcome.matched = sorted({str(p.get("playbook")) for p in proposals})
    log(f"  {outcome.hotspots} hot spots, {len(proposals)} proposal(s)")
    if not proposals:
        outcome.note = "nothing proposed: " + "; ".join(refusals(report))
        return outcome
    ranked = first_ranked(report, [p for p in proposals if p.get("branch")])
    return _judge(outcome, proposals, ranked, hotspots, program, repo, main_commit, settings)


def first_ranked(
    report: Mapping[str, Any], branches: Sequence[Mapping[str, Any]]
) -> list[Mapping[str, Any]]:
    """The branch proposals in the order remediate ranks them (its report's ``best_first``:
    best verified speedup first); any it does not rank keep their report order, after."""
    order = {r.get("id"): n for n, r in enumerate(report.get("best_first") or [])}
    return sorted(branches, key=lambda p: order.get(p.get("id"), len(order)))


def _judge(
    outcome: Outcome,
    proposals: Sequence[Mapping[str, Any]],
    branches: Sequence[Mapping[str, Any]],
    hotspots: Sequence[Mapping[str, Any]],
    program: Program,
    repo: Path,
    main_commit: str,
    settings: Settings,
) -> Outcome:
    by_id = {h.get("id"): h for h in hotspots}
    if program.advice:
        advice = [p for p in proposals if p.get("playbook") == program.advice]
        outcome.proposed = bool(advice)
        judged = advice[0] if advice else proposals[0]
        outcome.playbook, outcome.status = str(judged.get("playbook")), str(judged.get("status"))
        outcome.estimated_cores = _estimated(judged)
        if not advice:
            outcome.note = f"no {program.advice} advice among {', '.join(outcome.matched)}"
        return outcome
    if not branches:
        outcome.note = f"advice only ({', '.join(outcome.matched)})"
        return outcome
    outcome.proposed = True
    first = branches[0]
    outcome.playbook, outcome.status = str(first.get("playbook")), str(first.get("status"))
    outcome.estimated_cores = _estimated(first)
    spot = by_id.get(first.get("hotspot_id"))
    outcome.hot_cores = inclusive_cores(spot) if spot else None
    problems = []
    for n, proposal in enumerate(branches):
        branch, tree = str(proposal["branch"]), repo.parent / f"branch-{n}"
        added = git(repo, "worktree", "add", "-q", str(tree), branch)
        why = check_branch(repo, tree, branch, main_commit, settings) if added.ok else (
            f"git worktree add {branch}: {added.why()}"
        )  # fmt: skip
        tested = (proposal.get("verification") or {}).get("tests_after")
        if not why and tested != "pass":
            why = f"the verification's tests on {branch}: {tested or 'not run'}"
        if why:
            problems.append(why)
    outcome.green = not problems
    if problems:
        outcome.note = "; ".join(problems)
        return outcome
    why = read_verification(outcome, first)
    if why:
        outcome.note = why
    elif len(branches) > 1:
        outcome.note = (
            f"{len(branches)} branches, all green; remediate's first shown "
            f"(of {', '.join(_speedup(p) for p in branches)})"
        )
    return outcome


def _speedup(proposal: Mapping[str, Any]) -> str:
    speedup = (proposal.get("verification") or {}).get("speedup")
    return f"{speedup:.2f}x" if isinstance(speedup, int | float) else "n/a"


def _estimated(proposal: Mapping[str, Any]) -> float | None:
    estimated = (proposal.get("estimated_savings") or {}).get("cores")
    return float(estimated) if isinstance(estimated, int | float) else None


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--programs", nargs="+", metavar="NAME", help="only these programs")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds to profile")
    parser.add_argument("--window", type=float, default=3.0, help="profile window, seconds")
    parser.add_argument(
        "--no-native", dest="native", action="store_false", help="profile Python frames only"
    )
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the work folders here")
    args = parser.parse_args(argv)
    programs = load_manifest()
    if args.programs:
        unknown = sorted(set(args.programs) - {p.name for p in programs})
        if unknown:
            parser.error(f"unknown program(s): {', '.join(unknown)}")
        programs = [p for p in programs if p.name in args.programs]
    settings = Settings(duration=args.duration, window=args.window, native=args.native)
    load = load_average()
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="fix-yield-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        can_remediate = remediate_available(settings, root)
        if not can_remediate:
            print("remediate: not available (`efficiency remediate --help` fails)")
        outcomes = []
        for program in programs:
            print(f"{program.name} ({program.planted}, {program.split})", flush=True)
            work = root / program.name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            outcome = run_program(program, work, settings, can_remediate)
            print(
                f"  proposed {outcome.proposed} green {outcome.green} "
                f"{measured(outcome)} {outcome.note}",
                flush=True,
            )
            outcomes.append(outcome)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    native = " --native" if settings.native else ""
    profile = (
        f"efficiency profile --duration {settings.duration:g} --window {settings.window:g}"
        f"{native} -- python workload.py"
    )
    machine = (
        f"Machine: {cpu_model()}, Python {platform.python_version()}, {pyspy_version()}, "
        f"{len(outcomes)} programs in {(time.monotonic() - started) / 60:.1f} min, 1-minute "
        f"load average {load} at the start."
    )
    text = render(outcomes, profile, machine)
    print(text)
    if not args.no_docs and not args.programs:
        write_section("fix-yield", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
