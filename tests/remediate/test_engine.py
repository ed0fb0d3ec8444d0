"""The remediate engine on a real py-spy profile: rewrites of lines the workload never ran are
refused with the reason, call sites come from the profile, and the line check itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import load_playbooks
from efficiency.remediate.sampled import rewritten_lines
from efficiency.store.db import Database
from tests.remediate.test_proposals import (
    BENCH,
    HANDLERS,
    PYTHON_STACKS,
    TESTS,
    catalog,
    git,
    profile,
)

#: ``checksum`` is hot by its own loop; its append loop sits in a branch the workload never
#: takes, so a comprehension rewrite of it would change code nobody measured
APP = """import sys
import time


def checksum(n, rare=False):
    if rare:
        out = []
        for i in range(n):
            out.append(i * 2)
        return sum(out)
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1000003
    return total


def main(seconds):
    end = time.time() + seconds
    while time.time() < end:
        checksum(200000)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
"""

#: a playbook matching the hot frame by name, whose codemod finds the (unsampled) append loop
PLAYBOOK = """\
id: checksum-append
title: Build the list with a comprehension
runtime: python
match:
  frames:
    - function: '^checksum$'
      runtimes: [python]
      share: self
      min_share: 0.2
diagnosis: ${frame} is hot and builds a list one append at a time.
fix:
  kind: codemod
  codemod: append-to-comprehension
savings:
  fraction: 0.1
  rationale: a playbook written for this test only.
verification:
  metric: share_self
  expect: decrease
  how: benchmark it.
"""


def test_rewritten_lines_are_the_replaced_ones() -> None:
    before = "a = 1\nb = 2\nc = 3\n"
    assert rewritten_lines(before, "X = 0\na = 1\nb = 2\nc = 3\n") == []  # an insertion
    assert rewritten_lines(before, "a = 1\nb = 20\nc = 3\n") == [2]
    assert rewritten_lines(before, "a = 1\n") == [2, 3]


@pytest.mark.slow
def test_a_rewrite_of_lines_the_profile_never_sampled_is_refused(
    db: Database, tmp_path: Path
) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    (repo / "calc.py").write_text(APP)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", db.url, "profile", "--duration", "2",
         "--", sys.executable, str(repo / "calc.py")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    books = tmp_path / "playbooks"
    books.mkdir()
    (books / "checksum-append.yaml").write_text(PLAYBOOK)

    with db.session() as s:
        report = remediate(s, "calc", repo, Config(), load_playbooks(books))
    spot = next(h for h in report["hotspots"] if h["frame"].startswith("checksum ("))
    assert spot["playbooks"] == ["checksum-append"]
    assert spot["outcome"] == "refused" and report["proposals"] == 0
    (reason,) = [r for r in spot["reasons"] if "calc.py:checksum" in r]
    assert "none of which the profile sampled" in reason and "changes lines 7-9" in reason
    assert git(repo, "branch", "--list", "efficiency/*") == ""


def test_remediate_with_verify_records_the_measurement(db: Database, tmp_path: Path) -> None:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "handlers.py").write_text(HANDLERS)
    (repo / "test_handlers.py").write_text(TESTS)
    (repo / "bench.py").write_text(BENCH)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    profile(db, PYTHON_STACKS)
    services = catalog(test_command=[sys.executable, "-m", "pytest", "-q", "-p",
                                     "no:cacheprovider"],
                       bench_command=[sys.executable, "bench.py"])  # fmt: skip
    config = Config.model_validate({"remediate": {"verify_repeats": 3}})
    with db.session() as s:
        report = remediate(s, "api", repo, config, load_playbooks(), services, run_verify=True,
                           max_proposals=1)  # fmt: skip
    assert report["proposals"] == 1
    (made,) = [p for h in report["hotspots"] for p in h["proposals"]]
    checked = made["verification"]
    assert checked["tests_before"] == "pass" and checked["tests_after"] == "pass"
    assert checked["verdict"].startswith(("faster", "slower", "no measurable change"))
    assert checked["site"]["function"] == "parse_lines"
    # the limit: every other hot spot was left untried, and says so
    untried = [r for h in report["hotspots"] for r in h["reasons"] if "not tried" in r]
    assert all("1 proposal(s) made" in r for r in untried)
