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
5. speedup: the product's verification of the first branch (the costliest hot spot's):
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
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.fix_yield_report import SPLITS, Outcome, measured, render

CORPUS = Path(__file__).resolve().parent / "fix_yield_corpus"
#: the code fixes a program may plant, named as the codemod that makes them (or would:
#: ``min-of-sorted`` names a kind real code has that no codemod makes, since ``min`` answers
#: differently for empty or partially ordered input); ``advice:<playbook id>`` is the other kind
CODEMODS = (
    "hoist-re-compile",
    "lazy-logging",
    "join-strings",
    "append-to-comprehension",
    "struct-precompile",
    "deepcopy-read-only",
    "set-membership",
    "min-of-sorted",
)
PROGRAM_FILES = ("app.py", "test_app.py", "workload.py", "bench.py")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
_ADVICE = re.compile(r"advice:[a-z0-9]+(-[a-z0-9]+)*")
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "fix-yield",
    "GIT_AUTHOR_EMAIL": "fix-yield@example.invalid",
    "GIT_COMMITTER_NAME": "fix-yield",
    "GIT_COMMITTER_EMAIL": "fix-yield@example.invalid",
}


# -- the corpus ----------------------------------------------------------------------------


class ManifestError(ValueError):
    """The corpus manifest is unusable; the message lists every problem."""


@dataclass(frozen=True)
class Program:
    name: str
    #: a codemod name, or ``advice:<playbook id>`` (for judging and the report only)
    planted: str
    service: str
    #: ``dev`` (may be tuned on) or ``test`` (held out)
    split: str
    folder: Path

    @property
    def advice(self) -> str | None:
        """The advice playbook's id for an advice-only program, else None."""
        return self.planted.removeprefix("advice:") if self.planted.startswith("advice:") else None


def validate_manifest(doc: Any, root: Path, check_files: bool = True) -> list[Program]:
    """The programs of a parsed manifest (``{"programs": [{name, planted, service, split},
    ...]}``); every problem of every entry is collected before raising."""
    if not isinstance(doc, dict) or not isinstance(doc.get("programs"), list):
        raise ManifestError('the manifest is an object with a "programs" list')
    problems: list[str] = []
    programs: list[Program] = []
    seen: dict[str, set[str]] = {"name": set(), "service": set()}
    for i, entry in enumerate(doc["programs"]):
        where = f"programs[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        where = f"programs[{i}] ({entry.get('name', '?')})"
        found = _entry_problems(entry, root, check_files)
        for key in ("name", "service"):
            value = entry.get(key)
            if not isinstance(value, str):
                continue
            if value in seen[key]:
                found.append(f"{key} {value!r} is used twice")
            seen[key].add(value)
        problems += [f"{where}: {p}" for p in found]
        if not found:
            programs.append(
                Program(
                    entry["name"],
                    entry["planted"],
                    entry["service"],
                    entry["split"],
                    root / entry["name"],
                )
            )
    if not doc["programs"]:
        problems.append("no programs")
    if problems:
        raise ManifestError("\n".join(problems))
    return programs


def _entry_problems(entry: Mapping[str, Any], root: Path, check_files: bool) -> list[str]:
    keys = {"name", "planted", "service", "split"}
    found = [f"missing {k}" for k in sorted(keys - entry.keys())]
    found += [f"unknown key {k}" for k in sorted(entry.keys() - keys)]
    found += [
        f"{k} is not a string" for k in sorted(keys & entry.keys()) if not isinstance(entry[k], str)
    ]
    if found:
        return found
    if not _NAME.fullmatch(entry["name"]):
        found.append("name: lower-case letters, digits and _ (it is a folder name)")
    if entry["planted"] not in CODEMODS and not _ADVICE.fullmatch(entry["planted"]):
        found.append(f"planted: one of {', '.join(CODEMODS)} or advice:<playbook id>")
    if entry["split"] not in SPLITS:
        found.append(f"split: one of {', '.join(SPLITS)}")
    if not _SERVICE.fullmatch(entry["service"]):
        found.append("service: lower-case letters, digits and -")
    if check_files and _NAME.fullmatch(entry["name"]):
        folder = root / entry["name"]
        missing = [f for f in PROGRAM_FILES if not (folder / f).is_file()]
        if missing:
            found.append(f"{folder.name}/ lacks {', '.join(missing)}")
    return found


def load_manifest(root: Path = CORPUS, check_files: bool = True) -> list[Program]:
    path = root / "manifest.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    return validate_manifest(doc, root, check_files)


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


# -- running the product -------------------------------------------------------------------


@dataclass(frozen=True)
class Done:
    returncode: int | None  #: None: timed out or could not start
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def why(self) -> str:
        if self.returncode is None:
            return self.stderr
        lines = (self.stderr or self.stdout).strip().splitlines()
        return f"exit {self.returncode}: {lines[-1] if lines else 'no output'}"


def _env() -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("EFFICIENCY_CONFIG", "EFFICIENCY_DB_URL")
    }
    env.update(_GIT_IDENTITY, PYTHONDONTWRITEBYTECODE="1")
    return env


def run(command: Sequence[str], cwd: Path, timeout: float) -> Done:
    """``command`` (an argument list, no shell) in ``cwd`` with a time limit."""
    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env=_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Done(None, "", f"timed out after {timeout:.0f} s: {' '.join(command[:6])}")
    except OSError as exc:
        return Done(None, "", f"cannot run {command[0]}: {exc}")
    return Done(done.returncode, done.stdout, done.stderr)


def git(repo: Path, *args: str) -> Done:
    return run(["git", *args], repo, timeout=60)


@dataclass
class Settings:
    python: str = sys.executable
    duration: float = 6.0
    window: float = 3.0
    native: bool = True

    def efficiency(self, work: Path, *args: str) -> list[str]:
        """The CLI with the program's config (its services file) and its own database."""
        config, db = work / "efficiency.toml", work / "efficiency.sqlite"
        return [self.python, "-m", "efficiency", "--config", str(config), "--db", str(db), *args]


def write_config(program: Program, work: Path, repo: Path, settings: Settings) -> None:
    """A services file naming only the program's tests and benchmark, and a config file
    pointing at it (every other setting is the default)."""
    services = {
        "services": {
            program.service: {
                "repo": str(repo),
                "test_command": [settings.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                "bench_command": [settings.python, "bench.py"],
            }
        }
    }
    (work / "services.yaml").write_text(json.dumps(services, indent=1))  # JSON is YAML
    path = json.dumps(str(work / "services.yaml"))
    (work / "efficiency.toml").write_text(f"[notify]\nservices_file = {path}\n")


def pyspy_version() -> str:
    """``py-spy x.y.z`` from beside the interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "py-spy"
    done = run([str(beside) if beside.exists() else "py-spy", "--version"], Path.cwd(), 30)
    return done.stdout.strip() if done.ok else "py-spy version unknown"


def remediate_available(settings: Settings, cwd: Path) -> bool:
    return run([settings.python, "-m", "efficiency", "remediate", "--help"], cwd, 60).ok


def make_repo(program: Program, repo: Path) -> str | None:
    """The program committed on ``main`` of a fresh repository; None, or why not."""
    shutil.copytree(program.folder, repo, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    (repo / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n")
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "program")):
        done = git(repo, *args)
        if not done.ok:
            return f"git {args[0]}: {done.why()}"
    return None


def profile_and_list(
    program: Program, repo: Path, work: Path, settings: Settings
) -> tuple[list[dict[str, Any]] | None, str]:
    """Profile the workload, then the service's hot spots; (None, why) on failure."""
    workload = [settings.python, "workload.py", "--seconds", str(settings.duration + 30)]
    args = [
        "profile",
        "--service",
        program.service,
        "--duration",
        str(settings.duration),
        "--window",
        str(settings.window),
    ]
    if settings.native:
        args.append("--native")
    done = run(settings.efficiency(work, *args, "--", *workload), repo, settings.duration + 120)
    if not done.ok:
        return None, f"profile: {done.why()}"
    listed = run(
        settings.efficiency(
            work, "hotspots", "list", "--service", program.service, "--json", "--limit", "50"
        ),
        repo,
        120,
    )
    if not listed.ok:
        return None, f"hotspots list: {listed.why()}"
    try:
        hotspots = json.loads(listed.stdout)
    except ValueError as exc:
        return None, f"hotspots list --json: not JSON ({exc})"
    if not isinstance(hotspots, list):
        return None, "hotspots list --json: not a JSON array"
    lacking = sorted({k for h in hotspots for k in ("id", "playbooks") if k not in h})
    if lacking:
        return None, f"hotspots list --json: no {', '.join(lacking)} in the hot spots"
    return hotspots, ""


def remediate(
    program: Program, repo: Path, work: Path, settings: Settings
) -> tuple[dict[str, Any] | None, str]:
    """``efficiency remediate --service S --repo REPO --verify --json``, defaults otherwise."""
    args = ["remediate", "--service", program.service, "--repo", str(repo), "--verify", "--json"]
    done = run(settings.efficiency(work, *args), repo, 1800)
    if not done.ok:
        return None, f"remediate: {done.why()}"
    try:
        report = json.loads(done.stdout)
    except ValueError as exc:
        return None, f"remediate --json: not JSON ({exc})"
    if not isinstance(report, dict) or not isinstance(report.get("hotspots"), list):
        return None, "remediate --json: not a report object"
    return report, ""


def check_branch(
    repo: Path, tree: Path, branch: str, main_commit: str, settings: Settings
) -> str | None:
    """Why the proposal is not green (scope, main untouched, tests), or None."""
    if git(repo, "rev-parse", "main").stdout.strip() != main_commit:
        return "main moved"
    head = git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip()
    status = git(repo, "status", "--porcelain").stdout.strip()
    if head != "main" or status:
        return f"the work tree changed (on {head or '?'}: {status[:80]})"
    changed = git(repo, "diff", "--name-only", f"main...{branch}")
    if not changed.ok:
        return f"git diff: {changed.why()}"
    files = changed.stdout.split()
    if files != ["app.py"]:
        return f"the branch changes {', '.join(files) or 'nothing'}, not only app.py"
    tests = run([settings.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], tree, 300)
    return None if tests.ok else f"tests fail on {branch}: {tests.why()}"


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
    return _judge(outcome, proposals, hotspots, program, repo, main_commit, settings)


def _judge(
    outcome: Outcome,
    proposals: Sequence[Mapping[str, Any]],
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
    branches = [p for p in proposals if p.get("branch")]
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
        outcome.note = f"{len(branches)} branches, all green; the first's verification shown"
    return outcome


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
