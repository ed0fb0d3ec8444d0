"""A branch whose benchmark measured it slower is no win: no saving of it enters the ledger,
its pull-request body says it is slower, and remediate's report says why next to it.

The benchmark here reports a fixed time per checkout (longer where the fix was applied), so
the verdict does not depend on the machine's timing."""

from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import select

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.proposals import propose
from efficiency.store.db import Database
from efficiency.store.remediation import Saving
from tests.remediate import test_proposals as base
from tests.remediate.test_proposals import PYTHON_STACKS, catalog, hotspot_with, profile

#: the fixtures of test_proposals: its repository (tests, bench, handler) and the playbooks
repo = base.repo
playbooks = base.playbooks

#: 1 s on the default branch, 2 s on a checkout whose handler no longer compiles in the loop
SLOWER_ON_THE_FIX = (
    "import json, pathlib; "
    "fixed = 're.compile(r\"^id' not in pathlib.Path('app/handlers.py').read_text().split("
    "'def parse_lines')[1]; "
    "print(json.dumps({'seconds': 2.0 if fixed else 1.0}))"
)


def services():  # type: ignore[no-untyped-def]
    return catalog(test_command=[sys.executable, "-c", "pass"],
                   bench_command=[sys.executable, "-c", SLOWER_ON_THE_FIX])  # fmt: skip


def test_a_slower_branch_claims_no_saving(
    db: Database,
    repo: Path,
    playbooks: list[Playbook],
) -> None:
    profile(db, PYTHON_STACKS)
    spot = hotspot_with(db, "python-re-compile-in-loop")
    cfg = Config()
    cfg.remediate.verify_repeats = 3
    with db.session() as s:
        made = propose(s, spot["id"], repo, cfg, playbooks, services(), run_verify=True)
    assert made["branch"] and made["verification"]["verdict"].startswith("slower: 0.50x")
    assert "the branch is slower, so no saving is claimed" in made["pr_body"]
    assert "the benchmark lost" not in made["pr_body"]
    with db.session() as s:
        assert s.scalars(select(Saving)).all() == []


def test_remediate_says_a_slower_branch_is_no_win(
    db: Database,
    repo: Path,
    playbooks: list[Playbook],
) -> None:
    profile(db, PYTHON_STACKS)
    cfg = Config()
    cfg.remediate.verify_repeats = 3
    with db.session() as s:
        report = remediate(s, "api", repo, cfg, playbooks, services(), run_verify=True)
    spots = [h for h in report["hotspots"] if h["proposals"]]
    assert spots, report
    reasons = " ".join(r for h in spots for r in h["reasons"])
    assert "is no win: its verification measured the branch slower: 0.50x" in reasons
    assert "(no saving counted)" in reasons
