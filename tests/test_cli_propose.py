"""`efficiency hotspots list`, `propose` and `proposals list` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remediate.test_proposals import HANDLERS, PYTHON_STACKS, git
from tests.test_cli import run


def repo_with_profile(tmp_path: Path, stacks_text: str) -> Path:
    """A git repository holding HANDLERS, and the service `api`'s profile stored from
    ``stacks_text`` through `efficiency ingest profile`."""
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "handlers.py").write_text(HANDLERS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    stacks = tmp_path / "api.folded"
    stacks.write_text(stacks_text)
    stored = run(tmp_path, "ingest", "profile", str(stacks), "--service", "api", "--rate", "100",
                 "--start", "2026-11-22T10:00:00Z", "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    return repo


def test_from_a_profile_to_a_proposal_branch(tmp_path: Path) -> None:
    repo = repo_with_profile(tmp_path, PYTHON_STACKS)

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


#: a hot copy.deepcopy under the service's handler: advice (python-deepcopy) and a codemod
#: (python-deepcopy-read-only) match; ``clone`` is not in the repository, so only advice
DEEPCOPY_STACKS = (
    "main (/srv/api/app/main.py:9);clone (/srv/api/app/views.py:2);"
    "deepcopy (/usr/lib/python3.12/copy.py:128) 600\n"
    "main (/srv/api/app/main.py:9);clone (/srv/api/app/views.py:2) 400\n"
)


def test_advice_reaches_the_user_through_remediate_and_propose(tmp_path: Path) -> None:
    repo = repo_with_profile(tmp_path, DEEPCOPY_STACKS)

    out = run(tmp_path, "remediate", "--service", "api", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    (spot,) = [s for s in report["hotspots"] if "python-deepcopy" in s["playbooks"]]
    assert spot["outcome"] == "advice"
    (advice,) = [p for p in spot["proposals"] if p["playbook"] == "python-deepcopy"]
    body = advice["pr_body"]
    # the advice itself, the evidence and the estimate, in the body the report carries
    assert "### Advice" in body and "shallow copy" in body
    assert "### Evidence" in body and "deepcopy" in body and "60.0%" in body
    assert "### Estimated saving" in body and advice["estimated_savings"]["cores"] > 0
    assert advice["measured_savings"] is None  # nothing verified, nothing claimed

    text = run(tmp_path, "remediate", "--service", "api", "--repo", str(repo))
    assert text.returncode == 0, text.stderr
    assert "advice: Copy only what is mutated" in text.stdout
    again = run(tmp_path, "propose", spot["hotspot_id"], "--repo", str(repo), "--playbook",
                "python-deepcopy")  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "advice only" in again.stdout and "### Advice" in again.stdout
    assert "Copy only what is mutated" in again.stdout and "### Evidence" in again.stdout

    (row,) = json.loads(run(tmp_path, "proposals", "list", "--json").stdout)
    assert row["estimated_savings"]["raw"]["cores"] == row["estimated_savings"]["cores"]
    assert row["estimated_savings"]["calibration"] is None and row["measured_savings"] is None
    table = run(tmp_path, "proposals", "list").stdout
    assert "raw" in table and "measu" in table  # the headers (a narrow terminal folds them)
