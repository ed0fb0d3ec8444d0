"""Fix yield: planted inefficiencies in small programs, found by profiling, turned into code-fix
proposals, checked for behaviour and measured for speed, all through the product's command line.

The corpus (``benchmarks/fix_yield_corpus/``, listed in its ``manifest.json``) is our own: small
realistic programs (a logfmt parser, a URL router, a CSV export ...), each with one planted
inefficiency that one of the Python codemods fixes (``hoist-re-compile``, ``lazy-logging``,
``join-strings``, ``append-to-comprehension``), its own tests, a ``workload.py`` that runs the hot
path for ``--seconds`` and a ``bench.py`` that times the hot function and prints
``{"seconds": ...}``. A few programs plant an advice-only hot spot (``advice:<playbook>``); they
count for "proposed" but carry no diff, so they are reported apart.

Per program, in a temporary directory of its own (so the run also tests the product end to end):

1. the program is committed to a fresh git repository (branch ``main``);
2. ``efficiency profile --service S --duration 6 --window 3 --native -- python workload.py``
   profiles it with py-spy into a fresh SQLite database;
3. ``efficiency hotspots list --service S --json`` gives the hot spots and their playbooks;
4. the hot spots whose fix lands in the program's ``app.py`` and that matched a playbook
   addressing the planted inefficiency (its codemod, or the advice playbook named) are tried
   with ``efficiency propose HOTSPOT --repo REPO --playbook P --json``, hot function first, then
   by share; the first that exits 0 is the program's proposal;
5. green: the branch changes ``app.py`` only, ``main`` and the work tree are untouched, and the
   program's tests pass on the branch (in a separate git worktree);
6. speedup: ``bench.py`` on ``main`` and on the branch, alternating (ABAB ...), the median of
   each side; speedup = main / branch.

The metrics: **proposed** = programs with a proposal / programs; **green** = green proposals /
proposals with a diff; **speedup** = median (and minimum) over green proposals. Targets:
proposed >= 90%, green 100%, median speedup >= 1.3x.

Run with ``.venv/bin/python -m benchmarks.fix_yield`` (``make bench-fix-yield``; a few minutes:
about 15 s per program). It writes the "fix-yield" section of ``docs/benchmarks.md``
(``--no-docs`` leaves it alone, and so does a run of some programs only, ``--programs NAME``).
Unit tests never run it; ``tests/benchmarks/test_fix_yield.py`` checks the manifest
validation, the hot-spot selection and the metrics.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import cpu_model, load_average, write_section

COMMAND = "make bench-fix-yield"
CORPUS = Path(__file__).resolve().parent / "fix_yield_corpus"
#: the codemods a program may plant (``advice:<playbook id>`` is the other kind)
CODEMODS = ("hoist-re-compile", "lazy-logging", "join-strings", "append-to-comprehension")
PROGRAM_FILES = ("app.py", "test_app.py", "workload.py", "bench.py")
TARGET_PROPOSED = 0.90
TARGET_GREEN = 1.0
TARGET_SPEEDUP = 1.3
#: hot spots tried per program before giving up
MAX_TRIES = 3
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
_QUALNAME = re.compile(r"[A-Za-z_]\w*(\.(<locals>|[A-Za-z_]\w*))*")
_ADVICE = re.compile(r"advice:[a-z0-9]+(-[a-z0-9]+)*")
_FRAME = re.compile(r"(.+) \((.*)\)")
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
    #: a codemod name, or ``advice:<playbook id>``
    planted: str
    #: the function the planted inefficiency sits in, as Python's qualified name
    hot_function: str
    service: str
    folder: Path

    @property
    def advice(self) -> str | None:
        """The advice playbook's id for an advice-only program, else None."""
        return self.planted.removeprefix("advice:") if self.planted.startswith("advice:") else None


def validate_manifest(doc: Any, root: Path, check_files: bool = True) -> list[Program]:
    """The programs of a parsed manifest (``{"programs": [{name, planted, hot_function,
    service}, ...]}``); every problem of every entry is collected before raising."""
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
                    entry["hot_function"],
                    entry["service"],
                    root / entry["name"],
                )
            )
    if not doc["programs"]:
        problems.append("no programs")
    if problems:
        raise ManifestError("\n".join(problems))
    return programs


def _entry_problems(entry: Mapping[str, Any], root: Path, check_files: bool) -> list[str]:
    keys = {"name", "planted", "hot_function", "service"}
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
    if not _QUALNAME.fullmatch(entry["hot_function"]):
        found.append("hot_function: a qualified name like Class.method or f.<locals>.g")
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


# -- choosing the hot spot -----------------------------------------------------------------


def addressing_playbooks(program: Program, codemod_of: Mapping[str, str | None]) -> set[str]:
    """The playbooks whose fix addresses the planted inefficiency: those running its codemod,
    or the advice playbook the manifest names (``codemod_of``: playbook id -> codemod)."""
    if program.advice:
        return {program.advice}
    return {pid for pid, mod in codemod_of.items() if mod == program.planted}


def _short(function: str) -> str:
    """``Router.route_batch`` -> ``route_batch``; ``f.<locals>.g`` -> ``g``."""
    return function.split(".")[-1]


def fix_target(hotspot: Mapping[str, Any]) -> tuple[str, str]:
    """(function, file) of the code a fix of ``hotspot`` would edit: the evidence's
    ``function``/``file`` (the frame, or its heaviest caller in the service's code), else the
    frame's own."""
    evidence = hotspot.get("evidence") or {}
    if evidence.get("function") and evidence.get("file"):
        return str(evidence["function"]), str(evidence["file"])
    return frame_of(hotspot)


def in_planted_file(hotspot: Mapping[str, Any], repo: Path, planted_file: str = "app.py") -> bool:
    """Whether the fix of ``hotspot`` edits ``repo/app.py`` (the profiled path is absolute:
    the workload runs in the repository)."""
    _, file = fix_target(hotspot)
    return bool(file) and Path(file).resolve() == (repo / planted_file).resolve()


def in_hot_function(hotspot: Mapping[str, Any], program: Program) -> bool:
    function, _ = fix_target(hotspot)
    return bool(function) and _short(function) == _short(program.hot_function)


def candidates(
    hotspots: Sequence[Mapping[str, Any]], program: Program, repo: Path, addressing: set[str]
) -> list[tuple[Mapping[str, Any], str]]:
    """(hot spot, playbook) pairs worth proposing, best first: the fix lands in the planted
    file, the playbook addresses the planted inefficiency; fixes of the hot function before
    fixes of its callees, then in the product's own order (self share)."""
    pairs = [
        (h, p)
        for h in hotspots
        if in_planted_file(h, repo)
        for p in h.get("playbooks") or []
        if p in addressing
    ]
    return sorted(pairs, key=lambda hp: (not in_hot_function(hp[0], program), -_self(hp[0])))


def frame_of(hotspot: Mapping[str, Any]) -> tuple[str, str]:
    """(function, file) of the hot frame itself: the evidence's ``hot_function``/``hot_file``,
    else the hot spot's ``function``/``file``, else its ``frame`` (``function (file)``)."""
    evidence = hotspot.get("evidence") or {}
    function = evidence.get("hot_function") or hotspot.get("function")
    file = evidence.get("hot_file") or hotspot.get("file")
    if function and file:
        return str(function), str(file)
    parsed = _FRAME.fullmatch(str(hotspot.get("frame") or ""))
    return (parsed.group(1), parsed.group(2)) if parsed else ("", "")


def hot_function_spot(
    hotspots: Sequence[Mapping[str, Any]], program: Program, repo: Path
) -> Mapping[str, Any] | None:
    """The hot spot of the hot function's own frame, if it was profiled."""
    for h in hotspots:
        function, file = frame_of(h)
        if (
            function
            and _short(function) == _short(program.hot_function)
            and Path(file).resolve() == (repo / "app.py").resolve()
        ):
            return h
    return None


def inclusive_cores(hotspot: Mapping[str, Any]) -> float | None:
    """Cores spent in the frame and everything it calls (inclusive share x busy cores)."""
    evidence = hotspot.get("evidence") or {}
    share, cores = evidence.get("share_inclusive"), evidence.get("cores")
    if isinstance(share, int | float) and isinstance(cores, int | float):
        return float(share) * float(cores)
    return None


def _self(hotspot: Mapping[str, Any]) -> float:
    return float(hotspot.get("share") or 0.0)


def _inclusive(hotspot: Mapping[str, Any]) -> float:
    evidence = hotspot.get("evidence") or {}
    return float(evidence.get("share_inclusive", hotspot.get("share", 0.0)) or 0.0)


# -- outcomes and metrics ------------------------------------------------------------------


@dataclass
class Outcome:
    program: str
    planted: str
    #: a hot spot whose fix lands in the planted file
    found: bool = False
    #: the planted file's hot spots and the playbooks they matched (for the table)
    matched: list[str] = field(default_factory=list)
    playbook: str | None = None
    proposed: bool = False
    status: str | None = None
    #: None when there is nothing to check (no proposal, or advice)
    green: bool | None = None
    speedup: float | None = None
    main_seconds: float | None = None
    branch_seconds: float | None = None
    #: the proposal's estimated saving, cores
    estimated_cores: float | None = None
    #: cores the hot function used, inclusive, in the profile
    hot_cores: float | None = None
    note: str = ""

    @property
    def advice(self) -> bool:
        return self.planted.startswith("advice:")

    @property
    def measured_cores(self) -> float | None:
        """The saving the measured speedup implies: the hot function's cores x (1 - 1/speedup)
        (bench.py times the hot function alone)."""
        if self.hot_cores is None or self.speedup is None:
            return None
        return self.hot_cores * (1.0 - 1.0 / self.speedup)


@dataclass(frozen=True)
class Metrics:
    programs: int
    proposed: int
    code_programs: int
    code_proposed: int
    advice_programs: int
    advice_proposed: int
    with_diff: int
    green: int
    speedups: tuple[float, ...]

    @property
    def proposed_share(self) -> float:
        return self.proposed / self.programs if self.programs else 0.0

    @property
    def green_share(self) -> float | None:
        return self.green / self.with_diff if self.with_diff else None

    @property
    def median_speedup(self) -> float | None:
        return statistics.median(self.speedups) if self.speedups else None

    @property
    def min_speedup(self) -> float | None:
        return min(self.speedups) if self.speedups else None


def metrics(outcomes: Sequence[Outcome]) -> Metrics:
    """The headline numbers: advice programs count for "proposed" (they have no diff to test
    or time); green and speedup are over code proposals, speedup over the green ones."""
    code = [o for o in outcomes if not o.advice]
    advice = [o for o in outcomes if o.advice]
    diffs = [o for o in code if o.proposed]
    return Metrics(
        programs=len(outcomes),
        proposed=sum(o.proposed for o in outcomes),
        code_programs=len(code),
        code_proposed=len(diffs),
        advice_programs=len(advice),
        advice_proposed=sum(o.proposed for o in advice),
        with_diff=len(diffs),
        green=sum(o.green is True for o in diffs),
        speedups=tuple(o.speedup for o in diffs if o.green and o.speedup is not None),
    )


def speedup(main_seconds: Sequence[float], branch_seconds: Sequence[float]) -> float:
    """median(main) / median(branch): above 1 when the branch is faster."""
    if not main_seconds or not branch_seconds:
        raise ValueError("speedup needs timings of both sides")
    return statistics.median(main_seconds) / statistics.median(branch_seconds)


def bench_seconds(output: str) -> float | None:
    """The ``seconds`` of the last JSON line of a bench.py output."""
    for line in reversed(output.strip().splitlines()):
        try:
            value = json.loads(line).get("seconds")
        except (ValueError, AttributeError):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
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
    bench_runs: int = 5

    def efficiency(self, db: Path, *args: str) -> list[str]:
        return [self.python, "-m", "efficiency", "--db", str(db), *args]


def pyspy_version() -> str:
    """``py-spy x.y.z`` from beside the interpreter (or on PATH)."""
    beside = Path(sys.executable).parent / "py-spy"
    done = run([str(beside) if beside.exists() else "py-spy", "--version"], Path.cwd(), 30)
    return done.stdout.strip() if done.ok else "py-spy version unknown"


def propose_available(settings: Settings, cwd: Path) -> bool:
    return run([settings.python, "-m", "efficiency", "propose", "--help"], cwd, 60).ok


def playbook_codemods() -> dict[str, str | None]:
    """Playbook id -> the codemod its fix runs (None for advice, config and environment)."""
    from efficiency.remediate.playbooks import load_playbooks

    return {p.id: p.fix.codemod if p.fix.kind == "codemod" else None for p in load_playbooks()}


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
    program: Program, repo: Path, db: Path, settings: Settings
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
    done = run(settings.efficiency(db, *args, "--", *workload), repo, settings.duration + 120)
    if not done.ok:
        return None, f"profile: {done.why()}"
    listed = run(
        settings.efficiency(
            db, "hotspots", "list", "--service", program.service, "--json", "--limit", "50"
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


def propose(
    pairs: Sequence[tuple[Mapping[str, Any], str]], repo: Path, db: Path, settings: Settings
) -> tuple[dict[str, Any] | None, list[str]]:
    """The first proposal ``efficiency propose`` makes from ``pairs``, and why the ones
    before it failed."""
    failures = []
    for hotspot, playbook in pairs[:MAX_TRIES]:
        args = ["propose", str(hotspot["id"]), "--repo", str(repo), "--playbook", playbook]
        done = run(settings.efficiency(db, *args, "--json"), repo, 300)
        if not done.ok:
            failures.append(f"{playbook} on {hotspot['id']}: {done.why()}")
            continue
        try:
            proposal = json.loads(done.stdout)
        except ValueError:
            failures.append(f"{playbook} on {hotspot['id']}: output is not JSON")
            continue
        if isinstance(proposal, dict):
            return proposal, failures
        failures.append(f"{playbook} on {hotspot['id']}: output is not a JSON object")
    return None, failures


def check_branch(repo: Path, branch: str, main_commit: str, settings: Settings) -> str | None:
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
    tests = run(
        [settings.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        repo.parent / "branch",
        300,
    )
    return None if tests.ok else f"tests fail on the branch: {tests.why()}"


def time_both(repo: Path, settings: Settings) -> tuple[list[float], list[float], str]:
    """bench.py on main and on the branch, alternating; (main, branch, why when short)."""
    sides: dict[str, list[float]] = {"main": [], "branch": []}
    for _ in range(settings.bench_runs):
        for side, cwd in (("main", repo), ("branch", repo.parent / "branch")):
            done = run([settings.python, "bench.py"], cwd, 600)
            seconds = bench_seconds(done.stdout) if done.ok else None
            if seconds is None:
                return sides["main"], sides["branch"], f"bench.py on {side}: {done.why()}"
            sides[side].append(seconds)
    return sides["main"], sides["branch"], ""


def run_program(
    program: Program,
    work: Path,
    settings: Settings,
    codemod_of: Mapping[str, str | None],
    can_propose: bool,
    log: Callable[[str], None] = print,
) -> Outcome:
    outcome = Outcome(program.name, program.planted)
    repo, db = work / "repo", work / "efficiency.sqlite"
    why = make_repo(program, repo)
    if why is None:
        tests = run([settings.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], repo, 300)
        why = None if tests.ok else f"tests fail on main: {tests.why()}"
    if why:
        outcome.note = f"corpus: {why}"
        return outcome
    main_commit = git(repo, "rev-parse", "main").stdout.strip()
    hotspots, why = profile_and_list(program, repo, db, settings)
    if hotspots is None:
        outcome.note = why
        return outcome
    ours = [h for h in hotspots if in_planted_file(h, repo)]
    outcome.found = bool(ours)
    spot = hot_function_spot(hotspots, program, repo)
    outcome.hot_cores = inclusive_cores(spot) if spot else None
    outcome.matched = sorted({p for h in ours for p in h.get("playbooks") or []})
    addressing = addressing_playbooks(program, codemod_of)
    pairs = candidates(hotspots, program, repo, addressing)
    log(f"  {len(hotspots)} hot spots, {len(ours)} in app.py, {len(pairs)} to try")
    if not pairs:
        outcome.note = _unmatched_note(hotspots, ours, spot, program, addressing)
        return outcome
    if not can_propose:
        outcome.playbook = pairs[0][1]
        outcome.note = "propose: not available"
        return outcome
    proposal, failures = propose(pairs, repo, db, settings)
    if proposal is None:
        outcome.playbook = pairs[0][1]
        outcome.note = "propose failed: " + "; ".join(failures)
        return outcome
    return _judge(outcome, proposal, failures, program, repo, main_commit, settings)


def _unmatched_note(
    hotspots: Sequence[Mapping[str, Any]],
    ours: Sequence[Mapping[str, Any]],
    spot: Mapping[str, Any] | None,
    program: Program,
    addressing: set[str],
) -> str:
    if not ours:
        return "no hot spot's fix lands in app.py"
    wanted = ", ".join(sorted(addressing)) or "none"
    note = f"no playbook addressing {program.planted} ({wanted}) matched"
    if spot is not None:
        note += (
            f"; {program.hot_function} holds {_inclusive(spot):.0%} of the samples "
            f"({_self(spot):.0%} self)"
        )
    elsewhere = sorted(
        {p for h in hotspots if h not in ours for p in h.get("playbooks") or [] if p in addressing}
    )
    return note + (f"; matched outside app.py: {', '.join(elsewhere)}" if elsewhere else "")


def _judge(
    outcome: Outcome,
    proposal: Mapping[str, Any],
    failures: list[str],
    program: Program,
    repo: Path,
    main_commit: str,
    settings: Settings,
) -> Outcome:
    outcome.playbook = str(proposal.get("playbook"))
    outcome.status = str(proposal.get("status"))
    estimated = (proposal.get("estimated_savings") or {}).get("cores")
    outcome.estimated_cores = float(estimated) if isinstance(estimated, int | float) else None
    outcome.note = "; ".join(f"tried first: {f}" for f in failures)
    if program.advice:
        outcome.proposed = outcome.playbook == program.advice
        return outcome
    branch = str(proposal.get("branch") or "")
    if not branch or not proposal.get("diff") or outcome.status == "advice":
        outcome.note = _join(outcome.note, f"proposal without a diff (status {outcome.status})")
        return outcome
    outcome.proposed = True
    added = git(repo, "worktree", "add", "-q", str(repo.parent / "branch"), branch)
    if not added.ok:
        outcome.green = False
        outcome.note = _join(outcome.note, f"git worktree add {branch}: {added.why()}")
        return outcome
    why = check_branch(repo, branch, main_commit, settings)
    outcome.green = why is None
    if why:
        outcome.note = _join(outcome.note, why)
        return outcome
    main, fixed, why = time_both(repo, settings)
    if why:
        outcome.note = _join(outcome.note, why)
        return outcome
    outcome.main_seconds = statistics.median(main)
    outcome.branch_seconds = statistics.median(fixed)
    outcome.speedup = speedup(main, fixed)
    return outcome


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a else b


# -- the report ----------------------------------------------------------------------------


def _verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**not met**")


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _yes(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "**no**")


def _cores(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def headline(m: Metrics) -> list[str]:
    green = m.green_share
    median = m.median_speedup
    return [
        "| metric | result | target | |",
        "| --- | ---: | ---: | --- |",
        f"| planted hot spots with a proposal | {m.proposed}/{m.programs} "
        f"({m.proposed_share:.0%}) | >= {TARGET_PROPOSED:.0%} | "
        f"{_verdict(m.proposed_share >= TARGET_PROPOSED)} |",
        f"| ... of them code fixes | {m.code_proposed}/{m.code_programs} | | |",
        f"| ... of them advice only | {m.advice_proposed}/{m.advice_programs} | | |",
        f"| proposals whose diff applies and keeps the tests green | {m.green}/{m.with_diff}"
        f"{'' if green is None else f' ({green:.0%})'} | {TARGET_GREEN:.0%} | "
        f"{_verdict(None if green is None else green >= TARGET_GREEN)} |",
        f"| median speedup of the hot function (green proposals) | {_x(median)} | >= "
        f"{TARGET_SPEEDUP}x | {_verdict(None if median is None else median >= TARGET_SPEEDUP)} |",
        f"| lowest speedup | {_x(m.min_speedup)} | | |",
    ]


def program_table(outcomes: Sequence[Outcome], advice: bool) -> list[str]:
    if advice:
        lines = [
            "| program | planted | hot spot in app.py | playbooks matched there | proposed "
            "| status | note |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
    else:
        lines = [
            "| program | planted | hot spot in app.py | playbooks matched there | playbook "
            "| proposed | green | speedup | saving estimated / implied (cores) | note |",
            "| --- | --- | --- | --- | --- | --- | --- | ---: | ---: | --- |",
        ]
    for o in outcomes:
        if o.advice != advice:
            continue
        matched = ", ".join(o.matched) or "none"
        note = o.note.replace("|", "\\|")
        if advice:
            lines.append(
                f"| {o.program} | {o.planted} | {_yes(o.found)} | {matched} | "
                f"{_yes(o.proposed)} | {o.status or '-'} | {note} |"
            )
        else:
            lines.append(
                f"| {o.program} | {o.planted} | {_yes(o.found)} | {matched} | "
                f"{o.playbook or '-'} | {_yes(o.proposed)} | {_yes(o.green)} | "
                f"{_x(o.speedup)} | {_cores(o.estimated_cores)} / {_cores(o.measured_cores)} | "
                f"{note} |"
            )
    return lines


def render(outcomes: Sequence[Outcome], settings: Settings, load: str, seconds: float) -> str:
    m = metrics(outcomes)
    native = " --native" if settings.native else ""
    lines = [
        "## Fix yield: planted hot spots to green, faster branches",
        "",
        f"Command: `{COMMAND}` (runs `.venv/bin/python -m benchmarks.fix_yield`; `--no-docs` "
        "leaves this file alone). Generated by `benchmarks/fix_yield.py`; edit the script, not "
        "this section.",
        "",
        f"Method: {m.programs} small programs of our own (`benchmarks/fix_yield_corpus/`), each "
        "with one planted inefficiency, its tests, a workload and a benchmark of the hot "
        "function. Per program, in a fresh git repository and database, through the command "
        f"line only: `efficiency profile --duration {settings.duration:g} --window "
        f"{settings.window:g}{native} -- python workload.py`, `efficiency hotspots list --json`, "
        "then `efficiency propose HOTSPOT --repo REPO --playbook P --json` for the hot spots "
        "whose fix lands in the program's `app.py` and whose playbook addresses the planted "
        f"inefficiency (hot function first, up to {MAX_TRIES} tries). Green: the branch changes "
        "`app.py` only, `main` and the work tree are untouched, and the program's tests pass on "
        f"the branch. Speedup: `bench.py` (best of several repeats) on main and branch "
        f"alternating, {settings.bench_runs} runs each, median main / median branch. Saving "
        "implied: the hot function's inclusive cores in the profile x (1 - 1/speedup), beside "
        "the proposal's `estimated_savings.cores`.",
        "",
        *headline(m),
        "",
        "Code-fix programs:",
        "",
        *program_table(outcomes, advice=False),
    ]
    if m.advice_programs:
        lines += [
            "",
            "Advice-only programs (no diff; count for proposed):",
            "",
            *program_table(outcomes, advice=True),
        ]
    lines += [
        "",
        f"Machine: {cpu_model()}, Python {platform.python_version()}, {pyspy_version()}, "
        f"{m.programs} programs in {seconds / 60:.1f} min, 1-minute load average {load}.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--programs", nargs="+", metavar="NAME", help="only these programs")
    parser.add_argument("--duration", type=float, default=6.0, help="seconds to profile")
    parser.add_argument("--window", type=float, default=3.0, help="profile window, seconds")
    parser.add_argument(
        "--no-native", dest="native", action="store_false", help="profile Python frames only"
    )
    parser.add_argument("--bench-runs", type=int, default=5, help="bench.py runs per side")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the work folders here")
    args = parser.parse_args(argv)
    programs = load_manifest()
    if args.programs:
        unknown = sorted(set(args.programs) - {p.name for p in programs})
        if unknown:
            parser.error(f"unknown program(s): {', '.join(unknown)}")
        programs = [p for p in programs if p.name in args.programs]
    settings = Settings(
        duration=args.duration, window=args.window, native=args.native, bench_runs=args.bench_runs
    )
    load = load_average()
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="fix-yield-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        can_propose = propose_available(settings, root)
        if not can_propose:
            print("propose: not available (`efficiency propose --help` fails)")
        codemod_of = playbook_codemods()
        outcomes = []
        for program in programs:
            print(f"{program.name} ({program.planted})", flush=True)
            work = root / program.name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            outcome = run_program(program, work, settings, codemod_of, can_propose)
            print(
                f"  proposed {outcome.proposed} green {outcome.green} speedup "
                f"{_x(outcome.speedup)} {outcome.note}",
                flush=True,
            )
            outcomes.append(outcome)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    text = render(outcomes, settings, load, time.monotonic() - started)
    print(text)
    if not args.no_docs and not args.programs:
        write_section("fix-yield", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
