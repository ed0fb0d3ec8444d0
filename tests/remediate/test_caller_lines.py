"""A fix that rewrites the call of a sampled function, in its caller, passes the sampled-line
check when the profile sampled that caller at the call: a deep-copy helper's call site."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import load_playbooks
from efficiency.store.db import Database
from tests.remediate.test_proposals import git, profile

SETTINGS = '''import copy

DEFAULTS = {"a": [1, 2], "k": "x"}


def channel_settings():
    """A fresh copy."""
    return copy.deepcopy(DEFAULTS)


def route(items):
    out = []
    for item in items:
        cfg = channel_settings()
        out.append((item in cfg["a"], cfg["k"]))
    return out
'''

COPY = "deepcopy (/usr/lib/python3.12/copy.py:128);_deepcopy_dict (/usr/lib/python3.12/copy.py:231)"


def _stacks(route_line: int) -> str:
    route = f"main (/srv/api/app/main.py:9);route (/srv/api/app/settings.py:{route_line})"
    helper = "channel_settings (/srv/api/app/settings.py:8)"
    return f"{route};{helper};{COPY} 900\n{route} 100\n"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "settings.py").write_text(SETTINGS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    return repo


def _spot(report: dict) -> dict:
    return next(h for h in report["hotspots"] if "python-deepcopy-read-only" in h["playbooks"])


def test_the_call_site_in_the_sampled_caller_is_rewritten(db: Database, tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    profile(db, _stacks(14))  # route sampled at its call of the helper
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks())
    assert report["proposals"] >= 1
    spot = _spot(report)
    (made,) = [p for p in spot["proposals"] if p["playbook"] == "python-deepcopy-read-only"]
    after = git(repo, "show", f"{made['branch']}:app/settings.py")
    assert "        cfg = DEFAULTS\n" in after and "return copy.deepcopy(DEFAULTS)" in after


def test_a_caller_line_the_profile_did_not_sample_is_still_refused(
    db: Database, tmp_path: Path
) -> None:
    repo = _repo(tmp_path)
    profile(db, _stacks(16))  # route sampled elsewhere than at the call the rewrite changes
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks())
    spot = _spot(report)
    assert not [p for p in spot["proposals"] if p["playbook"] == "python-deepcopy-read-only"]
    assert any("none of which the profile sampled (sampled: 8, 16)" in r for r in spot["reasons"])


class _Broken:
    """A codemod with a bug: it raises on any source."""

    name = "deepcopy-read-only"

    def apply(self, source: str, **_: object) -> None:
        raise AttributeError("'str' object has no attribute 'functools_at'")


def test_a_codemod_that_raises_is_a_reason_not_a_failed_run(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One codemod's bug on unseen code costs that proposal only: remediate reports it as the
    hot spot's reason, says nothing was changed, and goes on with the other hot spots."""
    repo = _repo(tmp_path)
    profile(db, _stacks(14))
    monkeypatch.setattr("efficiency.remediate.fixes.codemod", lambda name: _Broken())
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks())
    spot = _spot(report)
    assert not [p for p in spot["proposals"] if p["playbook"] == "python-deepcopy-read-only"]
    assert any(
        "codemod deepcopy-read-only failed on app/settings.py:" in r
        and "(AttributeError: 'str' object has no attribute 'functools_at'); nothing was changed"
        in r
        for r in spot["reasons"]
    )
    assert git(repo, "status", "--porcelain") == ""
