"""Change events from a real git repository built in the test, with fixed dates."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from collectors.errors import CollectorError
from collectors.git_changes import GitChangesCollector
from efficiency.ingest.changes import ChangeIn


class Repo:
    """A git repository whose commits get the dates and authors they are given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {
            **os.environ,
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "Ada Lovelace",
            "GIT_AUTHOR_EMAIL": "ada@example.com",
            "GIT_COMMITTER_NAME": "CI Bot",
            "GIT_COMMITTER_EMAIL": "ci@example.com",
        }
        path.mkdir()
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, **env: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.path), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(self, file: str, subject: str, when: str, author: str = "") -> str:
        target = self.path / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"{subject}\n")
        self.git("add", file)
        env = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        if author:
            env["GIT_AUTHOR_NAME"] = author
        self.git("commit", "-q", "-m", subject, "-m", "body text, not the description", **env)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """main: api v1 (tagged) -> web change -> api fix (+02:00) -> merge of a feature branch
    with two api commits."""
    r = Repo(tmp_path / "shop")
    r.commit("services/api/app.py", "api: first release", "2026-01-05T10:00:00Z")
    r.git("tag", "-a", "v1.9", "-m", "release")
    r.git("tag", "v1.10")
    r.commit("services/web/index.html", "web: new banner", "2026-01-06T09:00:00Z")
    r.commit(
        "services/api/db.py", "api: fix N+1 query — ünïcode", "2026-01-07T12:00:00+02:00", "Grace"
    )
    r.git("checkout", "-q", "-b", "feature")
    r.commit("services/api/cache.py", "api: add cache", "2026-01-08T08:00:00Z")
    r.commit("services/api/cache.py", "api: tune cache", "2026-01-08T09:00:00Z")
    r.git("checkout", "-q", "main")
    r.git(
        "merge", "-q", "--no-ff", "feature", "-m", "Merge feature: cache",
        GIT_AUTHOR_DATE="2026-01-09T15:30:00Z", GIT_COMMITTER_DATE="2026-01-09T15:30:00Z",
    )  # fmt: skip
    return r


def _valid(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for event in events:
        ChangeIn.model_validate(event)
    return events


def test_commits_of_the_branch_are_deploys(repo: Repo) -> None:
    events = _valid(GitChangesCollector(repo.path, "shop").changes())
    assert [e["description"] for e in events] == [
        "api: first release",
        "web: new banner",
        "api: fix N+1 query — ünïcode",
        "Merge feature: cache",
    ]
    first, _, fix, merge = events
    assert first == {
        "service": "shop",
        "kind": "deploy",
        "at": "2026-01-05T10:00:00Z",
        "version": "v1.10",  # the highest of its tags, naturally ordered
        "commit": repo.git("rev-parse", "v1.10^{commit}"),
        "author": "Ada Lovelace <ada@example.com>",
        "description": "api: first release",
        "source": "git",
        "labels": {"branch": "HEAD"},
    }
    assert fix["at"] == "2026-01-07T10:00:00Z" and fix["author"] == "Grace <ada@example.com>"
    assert fix["version"] == repo.git("rev-parse", "--short", fix["commit"])
    assert merge["commit"] == repo.git("rev-parse", "HEAD")


def test_path_filter_and_all_parents(repo: Repo) -> None:
    api = GitChangesCollector(repo.path, "api", branch="main", paths=["services/api"])
    assert [e["description"] for e in _valid(api.changes())] == [
        "api: first release",
        "api: fix N+1 query — ünïcode",
        "Merge feature: cache",
    ]
    assert api.changes()[0]["labels"] == {"branch": "main", "paths": "services/api"}
    every = GitChangesCollector(
        repo.path, "api", branch="main", paths=["services/api"], first_parent=False
    )
    # every commit touching the folder; git's history simplification drops the merge, which
    # changed nothing there relative to the feature branch
    assert [e["description"] for e in _valid(every.changes())] == [
        "api: first release",
        "api: fix N+1 query — ünïcode",
        "api: add cache",
        "api: tune cache",
    ]


def test_since_a_commit_or_a_time(repo: Repo) -> None:
    collector = GitChangesCollector(repo.path, "shop", kind="config")
    all_events = collector.changes()
    after = collector.changes(since_commit=all_events[1]["commit"])
    assert [e["commit"] for e in after] == [e["commit"] for e in all_events[2:]]
    assert all(e["kind"] == "config" for e in after)
    later = collector.changes(since=datetime(2026, 1, 7, 10, 0, tzinfo=UTC))  # strictly after
    assert [e["description"] for e in later] == ["Merge feature: cache"]
    assert collector.changes(since_commit=all_events[-1]["commit"]) == []


def test_feature_branch_by_name(repo: Repo) -> None:
    events = GitChangesCollector(repo.path, "api", branch="feature").changes()
    assert events[-1]["description"] == "api: tune cache"
    assert events[-1]["labels"]["branch"] == "feature"


def test_clear_errors(repo: Repo, tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match=f"unknown branch 'release' in {repo.path}"):
        GitChangesCollector(repo.path, "shop", branch="release").changes()
    with pytest.raises(CollectorError, match="unknown commit 'deadbeef'"):
        GitChangesCollector(repo.path, "shop").changes(since_commit="deadbeef")
    with pytest.raises(CollectorError, match="unknown branch '--all'"):
        GitChangesCollector(repo.path, "shop", branch="--all")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(CollectorError, match=f"{plain} is not a git repository"):
        GitChangesCollector(plain, "shop")
    with pytest.raises(CollectorError, match="does not exist"):
        GitChangesCollector(tmp_path / "nowhere", "shop")
    with pytest.raises(CollectorError, match="change kind must be one of"):
        GitChangesCollector(repo.path, "shop", kind="release")


def test_repository_without_commits_has_no_changes(tmp_path: Path) -> None:
    empty = Repo(tmp_path / "empty")
    assert GitChangesCollector(empty.path, "svc").changes() == []
