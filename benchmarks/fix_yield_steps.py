"""The fix-yield benchmark's steps through the product's command line: a program committed
to a fresh repository, its services and config files, profiling its workload, listing its hot
spots, ``efficiency remediate --verify --json``, and checking a proposal's branch.
:mod:`benchmarks.fix_yield` runs them per program."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.fix_yield_manifest import Program

_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "fix-yield",
    "GIT_AUTHOR_EMAIL": "fix-yield@example.invalid",
    "GIT_COMMITTER_NAME": "fix-yield",
    "GIT_COMMITTER_EMAIL": "fix-yield@example.invalid",
}


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
