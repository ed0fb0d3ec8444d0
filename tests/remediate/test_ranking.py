"""When one remediate run makes several branches, the report puts the best verified one first
(``best_first``, and the command's text), whatever order the hot spots were tried in.

The repository has two planted inefficiencies: a regex compiled per line in the costliest
hot spot, and an eagerly formatted log message in a cheaper one. Its benchmark reports a fixed
time per checkout (2.0 s; 1.8 s with the regex hoisted; 1.0 s with the logging made lazy), so
the measured order does not depend on the machine's timing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from efficiency.cli import cli
from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import load_playbooks
from efficiency.remediate.ranking import best_first
from efficiency.store.db import Database
from tests.remediate.test_proposals import HANDLERS, PARSE, catalog, git, profile

VIEWS = '''\
"""Views."""

import logging

log = logging.getLogger(__name__)


def describe(item):
    return ",".join(sorted(item))


def render(items):
    sizes = []
    for item in items:
        log.debug("rendering %s" % describe(item))  # the second planted inefficiency
        sizes.append(len(item))
    return sizes
'''
TESTS = """\
from app.handlers import parse_lines
from app.views import render


def test_both():
    assert parse_lines(["id=1;", "x"]) == [1]
    assert render(["ab", "c"]) == [2, 1]
"""
#: seconds by which fix is on the checkout: the logging fix is the larger win
BENCH = """\
import json, pathlib
handlers = pathlib.Path("app/handlers.py").read_text()
views = pathlib.Path("app/views.py").read_text()
seconds = 2.0
if 're.compile(r"^id' not in handlers.split("def parse_lines")[1]:
    seconds -= 0.2
if "isEnabledFor" in views or '" % describe' not in views:
    seconds -= 1.0
print(json.dumps({"seconds": seconds}))
"""
RENDER = "main (/srv/api/app/main.py:9);render (/srv/api/app/views.py:15)"
STACKS = (
    f"{PARSE};_compile (/usr/lib/python3.12/re/__init__.py:280) 420\n{PARSE} 380\n"
    f"{RENDER};describe (/srv/api/app/views.py:9) 150\n{RENDER} 150\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "api"
    (path / "app").mkdir(parents=True)
    (path / "app" / "__init__.py").write_text("")
    (path / "app" / "handlers.py").write_text(HANDLERS)
    (path / "app" / "views.py").write_text(VIEWS)
    (path / "test_app.py").write_text(TESTS)
    (path / "bench.py").write_text(BENCH)
    git(tmp_path, "init", "-q", "-b", "main", str(path))
    git(path, "add", ".")
    git(path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    return path


def services():  # type: ignore[no-untyped-def]
    return catalog(test_command=[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                   bench_command=[sys.executable, "bench.py"])  # fmt: skip


def _config() -> Config:
    return Config.model_validate({"remediate": {"verify_repeats": 3}})


def test_the_best_verified_branch_comes_first(db: Database, repo: Path) -> None:
    profile(db, STACKS)
    with db.session() as s:
        report = remediate(s, "api", repo, _config(), load_playbooks(), services(),
                           run_verify=True)  # fmt: skip
    ranked = report["best_first"]
    assert [r["playbook"] for r in ranked] == ["python-eager-logging",
                                               "python-re-compile-in-loop"]  # fmt: skip
    assert [r["speedup"] for r in ranked] == [2.0, 1.111]
    assert all(r["verdict"].startswith("faster") for r in ranked)
    # the hot spots stay in cost order: the regex's (made first) is the costliest
    made = [p["playbook"] for h in report["hotspots"] for p in h["proposals"] if p["branch"]]
    assert made == ["python-re-compile-in-loop", "python-eager-logging"]
    assert {r["id"] for r in ranked} == {
        p["id"] for h in report["hotspots"] for p in h["proposals"] if p["branch"]
    }


def test_without_verification_the_order_is_the_cost_order(db: Database, repo: Path) -> None:
    profile(db, STACKS)
    with db.session() as s:
        report = remediate(s, "api", repo, _config(), load_playbooks(), services())
    ranked = report["best_first"]
    assert [r["playbook"] for r in ranked] == ["python-re-compile-in-loop",
                                               "python-eager-logging"]  # fmt: skip
    assert all(r["verdict"] is None and r["speedup"] is None for r in ranked)


def test_the_command_prints_the_branches_best_first(
    db: Database, repo: Path, tmp_path: Path
) -> None:
    profile(db, STACKS)
    services_file = tmp_path / "services.yaml"
    services_file.write_text(json.dumps({"services": {"api": {
        "test_command": [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        "bench_command": [sys.executable, "bench.py"]}}}))  # fmt: skip
    config = tmp_path / "efficiency.toml"
    config.write_text(f"[notify]\nservices_file = {json.dumps(str(services_file))}\n"
                      "[remediate]\nverify_repeats = 3\n")  # fmt: skip
    args = ["--config", str(config), "--db", db.url, "remediate", "--service", "api",
            "--repo", str(repo), "--verify"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    head = result.output.split("hot spots, costliest first:")[0]
    assert "branches, best verified speedup first:" in head
    first, second = [ln for ln in head.splitlines() if ln.startswith((" 1.", " 2."))]
    assert "python-eager-logging" in first and "faster: 2.00x" in first
    assert "python-re-compile-in-loop" in second and "faster: 1.11x" in second


def test_slower_failed_and_unmeasured_branches_go_last() -> None:
    def branch(pid: int, **verification: object) -> dict:
        return {"id": pid, "playbook": "p", "branch": f"b{pid}", "verification": verification}

    spots = [
        {"hotspot_id": "h1", "frame": "f1", "proposals": [
            branch(1, tests_after="pass", speedup=0.5, verdict="slower: 0.50x"),
            branch(2, tests_after="pass", speedup=1.2, verdict="no measurable change: 1.20x"),
            {"id": 3, "playbook": "advice", "branch": None, "verification": {}},
        ]},
        {"hotspot_id": "h2", "frame": "f2", "proposals": [
            branch(4),
            branch(5, tests_after="fail", speedup=3.0, verdict="faster: 3.00x"),
            branch(6, tests_after="pass", speedup=1.5, verdict="faster: 1.50x"),
            branch(2, tests_after="pass", speedup=1.2, verdict="no measurable change: 1.20x"),
        ]},
    ]  # fmt: skip
    assert [r["id"] for r in best_first(spots)] == [6, 2, 4, 1, 5]
