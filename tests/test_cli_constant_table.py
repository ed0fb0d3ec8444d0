"""`efficiency remediate` on a function that builds a table of constants on every call: the
source at the sampled line matches python-constant-table-per-call, and the branch hoists it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remediate.codemods.sample import load
from tests.remediate.test_proposals import git
from tests.test_cli import run

HANDLERS = '''\
"""Request handlers."""


def weight(kind):
    """The weight of a request kind."""
    weights = {"get": 1, "head": 1, "post": 3, "put": 3, "delete": 2}
    return weights.get(kind, 5)
'''
STACKS = (
    "main (/srv/api/app/main.py:9);weight (/srv/api/app/handlers.py:6) 700\n"
    "main (/srv/api/app/main.py:9);weight (/srv/api/app/handlers.py:7) 300\n"
)


def test_a_constant_table_built_per_call_is_hoisted_on_a_branch(tmp_path: Path) -> None:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "handlers.py").write_text(HANDLERS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    (tmp_path / "api.folded").write_text(STACKS)
    stored = run(tmp_path, "ingest", "profile", str(tmp_path / "api.folded"), "--service", "api",
                 "--rate", "100", "--start", "2026-11-22T10:00:00Z",
                 "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr

    out = run(tmp_path, "remediate", "--service", "api", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    (spot,) = [s for s in json.loads(out.stdout)["hotspots"] if s["frame"].startswith("weight")]
    assert spot["playbooks"] == ["python-constant-table-per-call"]
    assert spot["outcome"] == "proposed"
    (proposal,) = spot["proposals"]
    after = git(repo, "show", f"{proposal['branch']}:app/handlers.py")
    assert '_WEIGHTS = {"get": 1, "head": 1, "post": 3, "put": 3, "delete": 2}' in after
    assert "    weights = _WEIGHTS\n" in after
    before, hoisted = load(HANDLERS)["weight"], load(after)["weight"]
    kinds = ["get", "post", "delete", "patch", ""]
    assert [before(k) for k in kinds] == [hoisted(k) for k in kinds] == [1, 3, 2, 5, 5]
    assert git(repo, "status", "--porcelain") == ""
