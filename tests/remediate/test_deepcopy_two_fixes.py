"""Two codemod playbooks on one deep-copy hot spot: the copy removed (``deepcopy-read-only``)
and the faster copy (``deepcopy-plain``) each make a branch. Matches are tried by expected
savings (0.95 before 0.5), so the faster copy's branch is made after, neither takes the other's
proposal slot nor, unverified, comes first; a verified run puts whichever measured faster
first."""

from __future__ import annotations

from pathlib import Path

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import load_playbooks
from efficiency.remediate.ranking import best_first
from efficiency.store.db import Database
from tests.remediate.test_caller_lines import _repo, _stacks
from tests.remediate.test_proposals import git, profile

READ_ONLY, PLAIN = "python-deepcopy-read-only", "python-deepcopy-plain"


def _branches(report: dict) -> list[str]:
    return [r["playbook"] for r in report["best_first"]]


def test_both_branches_are_made_the_faster_copy_after(db: Database, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    profile(db, _stacks(14))
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks())
    assert _branches(report) == [READ_ONLY, PLAIN]
    plain = next(r for r in report["best_first"] if r["playbook"] == PLAIN)
    after = git(repo, "show", f"{plain['branch']}:app/settings.py")
    assert "    return _deepcopy_plain(copy.deepcopy, DEFAULTS)\n" in after
    assert "_deepcopy_plain = _make_deepcopy_plain()\n" in after


def test_the_faster_copy_does_not_take_the_last_proposal_slot(db: Database, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    profile(db, _stacks(14))
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks(), max_proposals=2)
    assert _branches(report) == [READ_ONLY]  # the other proposal: python-deepcopy's advice
    reasons = [r for h in report["hotspots"] for r in h["reasons"]]
    assert f"{PLAIN}: not tried, 2 proposal(s) made" in reasons


def test_verified_the_faster_branch_ranks_first() -> None:
    def made(playbook: str, speedup: float) -> dict:
        verification = {"speedup": speedup, "verdict": "faster", "tests_after": "pass"}
        return {"id": playbook, "playbook": playbook, "branch": f"b/{playbook}",
                "verification": verification}  # fmt: skip

    spot = {"hotspot_id": "h", "frame": "deepcopy", "proposals": [made(PLAIN, 2.1)]}
    spot["proposals"].append(made(READ_ONLY, 9.0))
    assert [r["playbook"] for r in best_first([spot])] == [READ_ONLY, PLAIN]
    spot["proposals"][1] = made(READ_ONLY, 1.5)  # the copy removed, but measured slower
    assert [r["playbook"] for r in best_first([spot])] == [PLAIN, READ_ONLY]
