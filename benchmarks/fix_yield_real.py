"""Fix yield on real code: ``efficiency remediate`` with no hints on real open-source
pure-Python packages it has never seen, each driven by a realistic workload.

The packages (``benchmarks/fix_yield_real/manifest.json``) are PyPI sdists with their own tests,
pinned by version and SHA-256, fetched once with ``pip download`` into a cache outside the
checkout (``EFFICIENCY_FIX_REAL_CACHE``, default ``~/.cache/efficiency/fix_real``); a file whose
checksum differs is refused and deleted. Each package has a small driver of ours
(``benchmarks/fix_yield_real/drivers/<name>.py``) that calls its public API the way an
application would: ``--seconds N`` loops for the profiler, ``--bench`` runs a fixed amount of
work and prints ``{"seconds": <CPU time>}``. The split was fixed in the manifest before anything
ran (packages ordered by sha256 of the name, the first third is the held-out **test** split).

Per package, in a temporary directory, through the command line only:

1. the unpacked sdist is committed on ``main`` of a fresh git repository, and its tests are
   run there (a package whose tests fail on ``main`` is reported and skipped);
2. ``efficiency profile --service NAME --duration 10 -- python DRIVER --seconds 40`` (py-spy);
3. ``efficiency remediate --service NAME --repo REPO --verify --json``, with a services file
   naming only the package's test command and the driver's ``--bench`` as its benchmark:
   the product's own verification runs the tests on ``main`` and on every branch, and the
   benchmark interleaved (AB BA AB ..., ``remediate.verify_repeats`` = 10 rounds), with a
   95% Student t interval of the speedup (on the paired log ratios).

Reported per package and per split: hot spots, proposals (branches and advice), refusals
counted by reason, branches whose tests stay green, and each branch's measured speedup with
its interval ("win" = the interval lies above 1.0).

Run with ``.venv/bin/python -m benchmarks.fix_yield_real`` (``make bench-fix-real``); it writes
the "fix-yield-real" section of ``docs/benchmarks.md`` (``--no-docs`` leaves it alone, and so
does a run of some packages only, ``--packages NAME ...``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import cpu_model, load_average, write_section
from benchmarks.fix_yield import report_proposals
from benchmarks.fix_yield_real_report import reason_kind, render
from benchmarks.fix_yield_steps import Done, git, pyspy_version, run

COMMAND = "make bench-fix-real"
HERE = Path(__file__).resolve().parent / "fix_yield_real"
DRIVERS = HERE / "drivers"
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sdist: str
    sha256: str
    #: arguments after ``python`` that run the package's own tests in its unpacked sdist
    tests: tuple[str, ...]
    split: str

    @property
    def driver(self) -> Path:
        return DRIVERS / f"{self.name}.py"


def split_of(names: Sequence[str]) -> dict[str, str]:
    """The manifest's rule: ordered by sha256(name), the first third (rounded up) is test."""
    ordered = sorted(names, key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    held = set(ordered[: -(-len(ordered) // 3)])
    return {n: "test" if n in held else "dev" for n in names}


def load_manifest(path: Path = HERE / "manifest.json") -> list[Package]:
    """The packages, checked: every field present, a driver for each, and each split the one
    the rule gives (so nobody moves a package between splits after seeing results)."""
    doc = json.loads(path.read_text())
    packages = [
        Package(p["name"], p["version"], p["sdist"], p["sha256"], tuple(p["tests"]), p["split"])
        for p in doc["packages"]
    ]
    rule = split_of([p.name for p in packages])
    problems = [f"{p.name}: split {p.split}, the rule gives {rule[p.name]}"
                for p in packages if rule[p.name] != p.split]  # fmt: skip
    problems += [f"{p.name}: no driver {p.driver}" for p in packages if not p.driver.is_file()]
    if problems:
        raise ValueError("; ".join(problems))
    return packages


def cache_dir() -> Path:
    configured = os.environ.get("EFFICIENCY_FIX_REAL_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "efficiency" / "fix_real"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(package: Package, python: str) -> tuple[Path | None, str]:
    """The package's sdist from the cache, downloaded with pip when absent; checked."""
    folder = cache_dir() / "sdists"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / package.sdist
    if not path.is_file():
        spec = f"{package.name}=={package.version}"
        done = run([python, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
                    "-d", str(folder), spec], folder, 600)  # fmt: skip
        if not path.is_file():
            return None, f"pip download {spec}: {done.why()}"
    if sha256(path) != package.sha256:
        path.unlink()
        return None, f"{package.sdist}: SHA-256 differs from the manifest (deleted)"
    return path, ""


def make_repo(sdist: Path, repo: Path) -> str | None:
    """The sdist's top folder committed on ``main`` of a fresh repository."""
    unpacked = repo.parent / "unpacked"
    with tarfile.open(sdist) as tar:
        tar.extractall(unpacked, filter="data")
    (top,) = list(unpacked.iterdir())
    top.rename(repo)
    (repo / ".gitignore").write_text("__pycache__/\n.pytest_cache/\n*.egg-info/\n")
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "sdist")):
        done = git(repo, *args)
        if not done.ok:
            return f"git {args[0]}: {done.why()}"
    return None


@dataclass
class Outcome:
    package: str
    split: str
    version: str = ""
    tests_main: bool | None = None
    samples: int = 0
    hotspots: int = 0
    #: hot spots some playbook matched
    matched: int = 0
    branches: list[dict[str, Any]] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)
    refusals: Counter[str] = field(default_factory=Counter)
    #: every refusal reason in full, for reading what a kind stands for (``--json``)
    reasons: list[str] = field(default_factory=list)
    top: list[str] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    @property
    def green(self) -> int:
        return sum(b.get("tests_after") == "pass" for b in self.branches)

    @property
    def wins(self) -> int:
        return sum((b.get("speedup_low") or 0) > 1.0 and b.get("tests_after") == "pass"
                   for b in self.branches)  # fmt: skip


@dataclass
class Settings:
    python: str = sys.executable
    duration: float = 10.0

    def efficiency(self, config: Path, db: Path, *args: str) -> list[str]:
        return [self.python, "-m", "efficiency", "--config", str(config), "--db", str(db), *args]


def write_config(package: Package, work: Path, repo: Path, settings: Settings) -> Path:
    """A services file naming the package's tests and the driver's benchmark, and a config
    file pointing at it; nothing else (every other setting is the default)."""
    services = {
        "services": {
            package.name: {
                "repo": str(repo),
                "test_command": [settings.python, *package.tests],
                "bench_command": [settings.python, str(package.driver), "--bench"],
            }
        }
    }
    (work / "services.yaml").write_text(json.dumps(services, indent=1))  # JSON is YAML
    config = work / "efficiency.toml"
    config.write_text(f"[notify]\nservices_file = {json.dumps(str(work / 'services.yaml'))}\n")
    return config


def profile(package: Package, repo: Path, config: Path, db: Path, settings: Settings) -> Done:
    driver = [settings.python, str(package.driver), "--seconds", str(settings.duration + 30)]
    args = ["profile", "--service", package.name, "--duration", str(settings.duration)]
    return run(settings.efficiency(config, db, *args, "--", *driver), repo, settings.duration + 180)


def remediate(package: Package, repo: Path, config: Path, db: Path, settings: Settings) -> Done:
    args = ["remediate", "--service", package.name, "--repo", str(repo), "--verify", "--json"]
    return run(settings.efficiency(config, db, *args), repo, 3600)


def read_report(outcome: Outcome, report: dict[str, Any]) -> None:
    spots = report.get("hotspots") or []
    outcome.hotspots = len(spots)
    outcome.matched = sum(bool(s.get("playbooks")) for s in spots)
    outcome.top = [str(s.get("frame", "?")).split(" (")[0] for s in spots[:3]]
    for spot in spots:
        if spot.get("outcome") in ("refused", "no playbook", "skipped"):
            kinds = {reason_kind(str(r)) for r in spot.get("reasons") or []}
            outcome.reasons += [f"{spot.get('frame')}: {r}" for r in spot.get("reasons") or []]
            outcome.refusals.update(kinds or {"no reason given"})
    for p in report_proposals(report):
        if not p.get("branch"):
            outcome.advice.append(str(p.get("playbook")))
            continue
        v = p.get("verification") or {}
        outcome.branches.append({
            "playbook": p.get("playbook"), "branch": p.get("branch"),
            "tests_before": v.get("tests_before"), "tests_after": v.get("tests_after"),
            "speedup": v.get("speedup"), "speedup_low": v.get("speedup_low"),
            "speedup_high": v.get("speedup_high"), "verdict": v.get("verdict") or v.get("verify"),
            "bench_error": v.get("bench_error"),
        })  # fmt: skip


def run_package(package: Package, work: Path, settings: Settings) -> Outcome:
    outcome = Outcome(package.name, package.split, package.version)
    started = time.monotonic()
    try:
        _run_package(package, work, settings, outcome)
    finally:
        outcome.seconds = time.monotonic() - started
    return outcome


def _run_package(package: Package, work: Path, settings: Settings, outcome: Outcome) -> None:
    sdist, why = fetch(package, settings.python)
    repo, db = work / "repo", work / "efficiency.sqlite"
    if sdist is None or (why := make_repo(sdist, repo) or ""):
        outcome.note = why
        return
    tests = run([settings.python, *package.tests], repo, 900)
    outcome.tests_main = tests.ok
    if not tests.ok:
        outcome.note = f"tests fail on main: {tests.why()}"
        return
    config = write_config(package, work, repo, settings)
    done = profile(package, repo, config, db, settings)
    if not done.ok:
        outcome.note = f"profile: {done.why()}"
        return
    outcome.samples = _samples(done.stdout + done.stderr)
    done = remediate(package, repo, config, db, settings)
    if not done.ok:
        outcome.note = f"remediate: {done.why()}"
        return
    try:
        read_report(outcome, json.loads(done.stdout))
    except (ValueError, AttributeError) as exc:
        outcome.note = f"remediate --json: not a report ({exc})"
        return
    if git(repo, "status", "--porcelain").stdout.strip():
        outcome.note = "the work tree of main changed"


def _samples(text: str) -> int:
    for word, after in zip(text.split(), text.split()[1:], strict=False):
        if after == "samples" and word.isdigit():
            return int(word)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--packages", nargs="+", metavar="NAME", help="only these packages")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds to profile")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the work folders here")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the outcomes here")
    args = parser.parse_args(argv)
    packages = load_manifest()
    if args.packages:
        unknown = sorted(set(args.packages) - {p.name for p in packages})
        if unknown:
            parser.error(f"unknown package(s): {', '.join(unknown)}")
        packages = [p for p in packages if p.name in args.packages]
    settings = Settings(duration=args.duration)
    load, started = load_average(), time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="fix-real-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    outcomes = []
    try:
        for package in packages:
            print(f"{package.name} {package.version} ({package.split})", flush=True)
            work = root / package.name
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            o = run_package(package, work, settings)
            print(f"  {o.hotspots} hot spots, {len(o.branches)} branch(es), {o.green} green, "
                  f"{o.wins} win(s), {len(o.advice)} advice, {o.seconds:.0f} s {o.note}",
                  flush=True)  # fmt: skip
            outcomes.append(o)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    machine = (f"{cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"{pyspy_version()}, 1-minute load average {load} at the start")  # fmt: skip
    text = render(outcomes, COMMAND, settings.duration, machine, time.monotonic() - started)
    print(text)
    if args.json:
        args.json.write_text(json.dumps([o.__dict__ for o in outcomes], indent=1, default=str))
    if not args.no_docs and not args.packages:
        write_section("fix-yield-real", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
