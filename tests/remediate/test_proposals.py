"""`propose` end to end over a real git repository: profiles stored through the ingest code,
hot spots matched to playbooks, a branch with the fix, the evidence and the saving; the
default branch and a dirty work tree left alone; push to a real bare remote and a pull request
through a server that answers as GitHub does."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from efficiency.config import Config
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.remediate.proposals import list_proposals, propose, publish
from efficiency.services import parse_services
from efficiency.stages.hotspots import hotspot_dict, refresh_hotspots
from efficiency.store.db import Database
from efficiency.store.remediation import Proposal, Saving
from tests.remediate.test_github import FakeGitHub

T0 = datetime(2026, 11, 22, 10, tzinfo=UTC)

HANDLERS = '''\
"""Request handlers."""

import re


def parse_lines(lines):
    """The ids of the well-formed lines."""
    ids = []
    for line in lines:
        match = re.compile(r"^id=(\\d+);").match(line)  # the planted inefficiency
        if match:
            ids.append(int(match.group(1)))
    return ids
'''
TESTS = """\
from app.handlers import parse_lines


def test_parse_lines():
    assert parse_lines(["id=1;", "x", "id=22; y"]) == [1, 22]
"""
BENCH = """\
import json, time
from app.handlers import parse_lines
lines = [f"id={i}; payload" for i in range(20000)]
best = min((lambda t: (parse_lines(lines), time.perf_counter() - t)[1])(time.perf_counter())
           for _ in range(3))
print(json.dumps({"seconds": best}))
"""
DOCKERFILE = 'FROM python:3.12-slim\nWORKDIR /srv/api\nCOPY . .\nCMD ["python", "-m", "app"]\n'
#: py-spy-style stacks as the running service saw its files (under /srv/api)
PARSE = "main (/srv/api/app/main.py:9);parse_lines (/srv/api/app/handlers.py:10)"
PYTHON_STACKS = (
    f"{PARSE};_compile (/usr/lib/python3.12/re/__init__.py:280) 420\n{PARSE} 380\n"
    "main (/srv/api/app/main.py:9);render (/srv/api/app/views.py:4) 200\n"
)
NATIVE_STACKS = """\
main (/srv/api/app/main.py:9);resize (/srv/api/app/images.py:3);_int_malloc (libc.so.6) 300
main (/srv/api/app/main.py:9);resize (/srv/api/app/images.py:3);_int_free (libc.so.6) 200
main (/srv/api/app/main.py:9);resize (/srv/api/app/images.py:3) 500
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "api"
    (path / "app").mkdir(parents=True)
    (path / "app" / "__init__.py").write_text("")
    (path / "app" / "handlers.py").write_text(HANDLERS)
    (path / "test_handlers.py").write_text(TESTS)
    (path / "bench.py").write_text(BENCH)
    (path / "Dockerfile").write_text(DOCKERFILE)
    git(tmp_path, "init", "-q", "-b", "main", str(path))
    git(path, "add", ".")
    git(path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    return path


@pytest.fixture(scope="module")
def playbooks() -> list[Playbook]:
    return load_playbooks()


def profile(db: Database, stacks: str, runtime_native: bool = False) -> None:
    meta = WindowMeta(service="api", host="h1", start=T0, end=T0 + timedelta(seconds=10),
                      rate_hz=100.0)  # fmt: skip
    with db.session() as s:
        store_profiles(s, [(meta, parse_folded(stacks))])


def hotspot_with(db: Database, playbook: str) -> dict:
    with db.session() as s:
        rows = [hotspot_dict(h) for h in refresh_hotspots(s, service="api")]
    found = [r for r in rows if playbook in r["playbooks"]]
    assert found, [(r["frame"], r["playbooks"]) for r in rows]
    return found[0]


def catalog(**service: object):  # type: ignore[no-untyped-def]
    return parse_services({"default_team": "shop", "teams": {"shop": {}},
                           "services": {"api": {"team": "shop", **service}}})  # fmt: skip


def test_a_regex_hot_spot_becomes_a_branch_with_the_fix_and_its_evidence(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    (repo / "notes.txt").write_text("uncommitted work in progress\n")  # a dirty work tree
    (repo / "app" / "handlers.py").write_text(HANDLERS + "# local edit\n")
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    cfg = Config()
    with db.session() as s:
        made = propose(s, spot["id"], repo, cfg, playbooks, catalog(), now=T0)
    assert made["branch"] == f"efficiency/python-re-compile-in-loop/{spot['id'][:8]}"
    assert made["status"] == "proposed" and made["playbook"] == "python-re-compile-in-loop"
    assert "+_RE_" in made["diff"] and "re.compile" in made["diff"]
    assert "app/handlers.py" in made["diff"] and "Dockerfile" not in made["diff"]
    assert made["estimated_savings"]["cores"] > 0
    assert made["estimated_savings"]["dollars_per_month"] > 0
    body = made["pr_body"]
    assert "### Evidence" in body and "parse_lines" in body and "### Estimated saving" in body
    # the default branch and the work tree are as they were
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(repo, "log", "--oneline", "main").count("\n") == 0
    assert (repo / "notes.txt").exists()
    assert (repo / "app" / "handlers.py").read_text().endswith("# local edit\n")
    # the branch's code still passes its tests
    tree = repo.parent / "check"
    git(repo, "worktree", "add", "-q", str(tree), made["branch"])
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=tree, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # proposing again returns the same proposal
    with db.session() as s:
        again = propose(s, spot["id"], repo, cfg, playbooks, catalog(), now=T0)
        assert again["id"] == made["id"] and len(list_proposals(s)) == 1
        (line,) = s.scalars(select(Saving)).all()
        assert line.kind == "estimated" and line.playbook == "python-re-compile-in-loop"


def test_verify_runs_the_tests_and_the_benchmark_before_and_after(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    services = catalog(test_command=[sys.executable, "-m", "pytest", "-q", "-p",
                                     "no:cacheprovider"],
                       bench_command=[sys.executable, "bench.py"])  # fmt: skip
    cfg = Config()
    cfg.remediate.verify_repeats = 3
    with db.session() as s:
        made = propose(s, spot["id"], repo, cfg, playbooks, services, run_verify=True)
    checked = made["verification"]
    assert checked["tests_before"] == "pass" and checked["tests_after"] == "pass"
    assert checked["bench_runs"] == 3 and checked["speedup"] > 0
    assert "tests after: pass" in made["pr_body"]
    # the body states a speedup only when the interval excludes 1.0, and always the estimate
    body = made["pr_body"]
    assert f"benchmark: {checked['verdict']}" in body and "- estimated: " in body
    assert ("faster:" in body) == checked["verdict"].startswith("faster")
    assert ("benchmark medians" in body) == checked["verdict"].startswith(("faster", "slower"))
    # the measured saving sits next to the estimate, and only when the interval excludes 1.0
    measured = made["measured_savings"]
    if checked["verdict"].startswith("slower"):
        assert "the branch is slower, so no saving is claimed" in body
    if checked["verdict"].startswith(("faster", "slower")):
        assert measured["speedup"] == checked["speedup"]
        assert ("- measured: the benchmark" in body) == checked["verdict"].startswith("faster")
        assert measured["cores"] == pytest.approx(
            measured["fraction"] * made["estimated_savings"]["priced_cores"], abs=1e-3
        )
    else:
        assert measured is None and "no saving claimed" in body

    # proposing it again with --verify verifies it again (a new record, the body updated)
    services = catalog(test_command=[sys.executable, "-c", "raise SystemExit(1)"])
    with db.session() as s:
        again = propose(s, spot["id"], repo, cfg, playbooks, services, run_verify=True)
    assert again["id"] == made["id"] and again["verification"]["tests_after"] == "fail"
    assert "verified_at" in again["verification"] and "verdict" not in again["verification"]
    assert "tests after: fail" in again["pr_body"] and "tests after: pass" not in again["pr_body"]
    assert again["pr_body"].count("Measured by") == 1 and "### Evidence" in again["pr_body"]
    with db.session() as s:
        (stored,) = list_proposals(s)
    assert stored["verification"]["tests_after"] == "fail"


def test_an_environment_change_is_not_timed_by_a_benchmark_that_cannot_see_it(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    profile(db, NATIVE_STACKS)
    spot = hotspot_with(db, "native-glibc-malloc")
    services = catalog(test_command=[sys.executable, "-c", "pass"],
                       bench_command=[sys.executable, "bench.py"])  # fmt: skip
    with db.session() as s:
        made = propose(s, spot["id"], repo, Config(), playbooks, services,
                       playbook_id="native-glibc-malloc", run_verify=True)  # fmt: skip
    checked = made["verification"]
    assert checked["tests_after"] == "pass" and "speedup" not in checked
    assert checked["verdict"].startswith("not measurable here")
    assert "not measurable here" in made["pr_body"] and "faster" not in made["pr_body"]


def test_a_malloc_hot_spot_adds_the_allocator_to_the_deploy_config(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    profile(db, NATIVE_STACKS)
    spot = hotspot_with(db, "native-glibc-malloc")
    with db.session() as s:
        made = propose(s, spot["id"], repo, Config(), playbooks, catalog(),
                       playbook_id="native-glibc-malloc")  # fmt: skip
    assert "Dockerfile" in made["diff"] and "+ENV LD_PRELOAD=" in made["diff"]
    assert "handlers.py" not in made["diff"]


def test_refusals_name_the_reason_and_leave_nothing(
    db: Database, repo: Path, playbooks: list[Playbook], tmp_path: Path
) -> None:
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    cfg = Config()
    with db.session() as s, pytest.raises(ProposalError, match="does not exist"):
        propose(s, "nope", repo, cfg, playbooks)
    with db.session() as s, pytest.raises(ProposalError, match="not a git repository"):
        propose(s, spot["id"], tmp_path, cfg, playbooks)
    with db.session() as s, pytest.raises(ProposalError, match="does not match hot spot"):
        propose(s, spot["id"], repo, cfg, playbooks, playbook_id="native-glibc-malloc")
    git(repo, "mv", "app/handlers.py", "app/moved.py")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "move")
    with db.session() as s, pytest.raises(ProposalError, match="not in the repository"):
        propose(s, spot["id"], repo, cfg, playbooks)
    assert "efficiency/" not in git(repo, "branch", "--list")  # no branch left behind
    with db.session() as s:
        assert list_proposals(s) == []


def test_push_and_pull_request(
    db: Database, repo: Path, playbooks: list[Playbook], tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    fake = FakeGitHub("t0ken")
    try:
        cfg = Config()
        cfg.remediate.github_api, cfg.remediate.github_repo = fake.url, "shop/api"
        with db.session() as s:
            made = propose(s, spot["id"], repo, cfg, playbooks, catalog())
        with db.session() as s, pytest.raises(ProposalError, match="github_token"):
            publish(s, made["id"], cfg, playbooks, open_pr=True)
        assert git(remote, "branch", "--list", made["branch"])  # pushed before the PR failed
        cfg.remediate.github_token = "t0ken"
        with db.session() as s:
            opened = publish(s, made["id"], cfg, playbooks, open_pr=True)
        assert opened["status"] == "opened"
        assert opened["pr_url"] == "https://github.com/shop/api/pull/1"
        _, _, body = fake.requests[-1]
        assert body["head"] == made["branch"] and body["base"] == "main"
        assert body["body"] == made["pr_body"]
    finally:
        fake.server.shutdown()


def test_advice_only_playbooks_give_the_body_alone(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    profile(db, "main (/srv/api/app/main.py:9);clone (/srv/api/app/views.py:2);"
                "deepcopy (/usr/lib/python3.12/copy.py:128) 600\n"
                "main (/srv/api/app/main.py:9);clone (/srv/api/app/views.py:2) 400\n")  # fmt: skip
    spot = hotspot_with(db, "python-deepcopy")
    with db.session() as s:
        made = propose(s, spot["id"], repo, Config(), playbooks, playbook_id="python-deepcopy")
    assert made["status"] == "advice" and made["branch"] == "" and made["diff"] == ""
    assert "advice only" in made["pr_body"]
    # the advice itself, the evidence and the estimate are in the body
    book = next(p for p in playbooks if p.id == "python-deepcopy")
    body = made["pr_body"]
    assert "### Advice" in body and book.fix.advice.strip()[:60] in body
    assert "### Evidence" in body and "### Estimated saving" in body
    assert git(repo, "branch", "--list", "efficiency/*") == ""


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL",
                 "GIT_COMMITTER_EMAIL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    yield


def test_a_dataloader_stall_in_a_trace_gains_workers_in_the_training_script(
    db: Database, tmp_path: Path, playbooks: list[Playbook], datasets: Path
) -> None:
    from efficiency.ingest.traces import parse_trace, store_trace

    name = "h200_convnet_dataloader_num_workers_0.pt.trace.json.gz"
    data = (datasets / "kineto-traces" / name).read_bytes()
    with db.session() as s:
        store_trace(s, "trainer", "gpu-1", parse_trace(data), file_name=name, now=T0)
    with db.session() as s:
        rows = [hotspot_dict(h) for h in refresh_hotspots(s, service="trainer")]
    spot = next(r for r in rows if "gpu-dataloader-stall" in r["playbooks"])
    repo = tmp_path / "trainer"
    repo.mkdir()
    (repo / "train.py").write_text(
        "from torch.utils.data import DataLoader\n\n"
        "def loader(dataset):\n"
        "    return DataLoader(dataset, batch_size=32, shuffle=True)  # the input pipeline\n"
    )
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    with db.session() as s:
        made = propose(s, spot["id"], repo, Config(), playbooks,
                       playbook_id="gpu-dataloader-stall")  # fmt: skip
    assert "train.py" in made["diff"] and "num_workers=4" in made["diff"]
    assert "# the input pipeline" in made["diff"]  # comments kept
    assert made["estimated_savings"]["gpus"] > 0
    assert "dataloader.step_share" in made["pr_body"]


def test_bad_codemod_parameters_are_a_clear_refusal(
    db: Database, repo: Path, playbooks: list[Playbook]
) -> None:
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    # the playbook's fix asks the DataLoader codemod for a negative worker count
    data = next(p for p in playbooks if p.id == "python-re-compile-in-loop").model_dump()
    data["fix"].update(codemod="dataloader-workers", params={"num_workers": -1})
    books = [Playbook.model_validate(data) if p.id == data["id"] else p for p in playbooks]
    refused = pytest.raises(ProposalError, match=r"python-re-compile-in-loop: .*num_workers")
    with db.session() as s, refused:
        propose(s, spot["id"], repo, Config(), books, playbook_id="python-re-compile-in-loop")
    assert git(repo, "branch", "--list", "efficiency/*") == ""


def test_a_branch_its_verification_speaks_against_is_not_pushed(
    db: Database, repo: Path, playbooks: list[Playbook], tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    cfg = Config()
    with db.session() as s:
        made = propose(s, spot["id"], repo, cfg, playbooks, catalog())
    records = {
        "tests failing": {"tests_before": "pass", "tests_after": "fail"},
        "slower": {"verdict": "slower: 0.90x (95% interval 0.85x to 0.95x, 5 ABAB rounds)"},
    }
    for why, record in records.items():
        with db.session() as s:
            s.get_one(Proposal, made["id"]).verification = record
        with db.session() as s, pytest.raises(ProposalError, match="is not pushed") as refused:
            publish(s, made["id"], cfg, playbooks, open_pr=False)
        assert why.split()[0] in str(refused.value)
        assert git(remote, "branch", "--list", made["branch"]) == ""  # nothing pushed
    # tests that fail on both branches, or no measurable change, do not speak against it
    for record in (
        {"tests_before": "fail", "tests_after": "fail"},
        {"verdict": "no measurable change: 1.01x (95% interval 0.97x to 1.05x, 5 ABAB rounds)"},
    ):
        with db.session() as s:
            s.get_one(Proposal, made["id"]).verification = record
        with db.session() as s:
            pushed = publish(s, made["id"], cfg, playbooks, open_pr=False)
        assert pushed["status"] == "pushed"
    assert git(remote, "branch", "--list", made["branch"]).strip()
