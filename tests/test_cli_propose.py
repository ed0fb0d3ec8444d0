"""`efficiency hotspots list`, `propose` and `proposals list` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remediate.test_proposals import HANDLERS, PYTHON_STACKS, git
from tests.test_cli import run


def test_from_a_profile_to_a_proposal_branch(tmp_path: Path) -> None:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "handlers.py").write_text(HANDLERS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    stacks = tmp_path / "api.folded"
    stacks.write_text(PYTHON_STACKS)
    stored = run(tmp_path, "ingest", "profile", str(stacks), "--service", "api", "--rate", "100",
                 "--start", "2026-11-22T10:00:00Z", "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr

    spots = json.loads(run(tmp_path, "hotspots", "list", "--service", "api", "--json").stdout)
    spot = next(s for s in spots if "python-re-compile-in-loop" in s["playbooks"])
    table = run(tmp_path, "hotspots", "list", "--service", "api").stdout
    assert spot["id"] in table and "python-re-compile-in-loop" in table

    made = run(tmp_path, "propose", spot["id"], "--repo", str(repo))
    assert made.returncode == 0, made.stderr
    assert "branch efficiency/python-re-compile-in-loop/" in made.stdout
    assert "+_RE_" in made.stdout and "estimated saving:" in made.stdout
    (row,) = json.loads(run(tmp_path, "proposals", "list", "--json").stdout)
    assert {k: row[k] for k in ("hotspot_id", "playbook", "status")} == {
        "hotspot_id": spot["id"], "playbook": "python-re-compile-in-loop", "status": "proposed",
    }  # fmt: skip
    for key in ("id", "repo", "branch", "estimated_savings", "pr_url"):
        assert key in row
    assert git(repo, "branch", "--list", row["branch"])

    unknown = run(tmp_path, "propose", "feedface", "--repo", str(repo))
    assert unknown.returncode == 2 and "hot spot feedface does not exist" in unknown.stderr
    no_repo = run(tmp_path, "propose", spot["id"])
    assert no_repo.returncode == 2 and "--repo is needed" in no_repo.stderr
    assert "Traceback" not in unknown.stderr + no_repo.stderr
