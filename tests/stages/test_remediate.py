"""The daemon's remediate stage: every service with a local repo gets `remediate` over the
last interval, in its own transaction; others are skipped with the reason."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from efficiency.config import Config
from efficiency.daemon import Pipeline
from efficiency.remediate.proposals import list_proposals
from efficiency.services import parse_services
from efficiency.store.db import Database
from tests.remediate.test_proposals import PYTHON_STACKS, T0, git, profile, repo  # noqa: F401


def test_the_stage_remediates_each_service_with_a_repo(db: Database, repo: Path) -> None:  # noqa: F811
    profile(db, PYTHON_STACKS)
    catalog = parse_services({
        "default_team": "shop", "teams": {"shop": {}},
        "services": {"api": {"team": "shop", "repo": str(repo)},
                     "web": {"team": "shop", "repo": "git@example.com:shop/web.git"},
                     "batch": {"team": "shop"}},
    })  # fmt: skip
    config = Config.model_validate({"remediate": {"interval_seconds": 3600, "max_proposals": 3}})
    pipeline = Pipeline(config, db, catalog=catalog)

    report = pipeline.remediate(now=T0 + timedelta(minutes=5))
    assert set(report) == {"api", "web"}  # batch names no repo
    assert "not a local directory" in report["web"]["skipped"]
    api = report["api"]
    assert api["proposals"] >= 1
    spot = next(s for s in api["hotspots"] if "python-re-compile-in-loop" in s["playbooks"])
    assert spot["outcome"] == "proposed"
    branch = spot["proposals"][0]["branch"]
    assert "_RE_" in git(repo, "diff", "main", branch)
    with db.session() as s:
        assert any(p["branch"] == branch for p in list_proposals(s))

    # profiles older than the interval are not remediated again, and nothing is duplicated
    later = pipeline.remediate(now=T0 + timedelta(hours=3))
    assert "no profiles" in later["api"]["skipped"]
    again = pipeline.remediate(now=T0 + timedelta(minutes=6))
    assert again["api"]["proposals"] == 0
