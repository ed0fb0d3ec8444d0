"""`efficiency remediate` where the application's own lines call re.fn(PATTERN, ...) with a
pattern compiled at module level: python-re-call-compiled matches on the source at those
sampled lines and its branch calls the pattern's method; a call with a pattern the function
gets as a parameter is refused. python-re-loop-pattern matches the same lines (a named
pattern passed to re) and refuses both: neither pattern is a loop variable over a
module-level table. When the re module's frames lead to the same edit, one branch is made and
every hot spot whose sampled line it rewrites lists that proposal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.remediate.codemods.sample import same_results
from tests.remediate.test_proposals import git
from tests.test_cli import run

LISTS = '''\
"""List items."""
import re

_ITEM = re.compile(r"^([*+-]|[0-9]+[.)]) +")


def is_item(line):
    return re.match(_ITEM, line) is not None


def has_word(line, word):
    return re.search(word, line) is not None
'''
RE = "/usr/lib/python3.11/re/__init__.py"
APP_ONLY = (
    "main (/srv/md/app/main.py:9);is_item (/srv/md/app/lists.py:8) 600\n"
    "main (/srv/md/app/main.py:9);has_word (/srv/md/app/lists.py:12) 400\n"
)
WITH_RE = (
    f"main (/srv/md/app/main.py:9);is_item (/srv/md/app/lists.py:8);match ({RE}:166);"
    f"_compile ({RE}:280) 500\n"
    "main (/srv/md/app/main.py:9);is_item (/srv/md/app/lists.py:8) 300\n"
    "main (/srv/md/app/main.py:9);other (/srv/md/app/main.py:20) 200\n"
)


def remediate(tmp_path: Path, stacks: str) -> tuple[Path, dict[str, Any]]:
    repo = tmp_path / "md"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "lists.py").write_text(LISTS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    (tmp_path / "md.folded").write_text(stacks)
    stored = run(tmp_path, "ingest", "profile", str(tmp_path / "md.folded"), "--service", "md",
                 "--rate", "100", "--start", "2026-11-22T10:00:00Z",
                 "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    out = run(tmp_path, "remediate", "--service", "md", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    assert git(repo, "status", "--porcelain").strip() == ""
    return repo, json.loads(out.stdout)


def check_branch(repo: Path, branch: str) -> None:
    after = git(repo, "show", f"{branch}:app/lists.py")
    assert "    return _ITEM.match(line) is not None\n" in after
    assert "    return re.search(word, line) is not None" in after
    calls = [("- a",), ("12. b",), ("-a",), ("text",), ("",)]
    same_results(LISTS, after, "is_item", *calls)


def test_a_named_compiled_pattern_is_called_directly_on_a_branch(tmp_path: Path) -> None:
    repo, report = remediate(tmp_path, APP_ONLY)
    spots = {s["frame"].split(" ")[0]: s for s in report["hotspots"]}
    both = ["python-re-loop-pattern", "python-re-call-compiled"]
    assert spots["is_item"]["playbooks"] == both
    assert spots["is_item"]["outcome"] == "proposed", spots["is_item"]
    (proposal,) = spots["is_item"]["proposals"]
    check_branch(repo, proposal["branch"])
    # the pattern is a parameter: the line matches, the codemod cannot prove it compiled
    assert spots["has_word"]["playbooks"] == both
    assert spots["has_word"]["outcome"] == "refused"
    reasons = " ".join(spots["has_word"]["reasons"])
    assert "re-pattern-method: nothing to rewrite" in reasons
    assert "re-loop-pattern: nothing to rewrite (no re call in a loop" in reasons


def test_the_same_edit_from_two_hot_spots_makes_one_branch(tmp_path: Path) -> None:
    repo, report = remediate(tmp_path, WITH_RE)
    spots = {s["frame"].split(" ")[0]: s for s in report["hotspots"]}
    # a hot spot whose fix goes into the same function lists the proposal as already made
    made = list({p["id"]: p for s in report["hotspots"] for p in s["proposals"]}.values())
    assert len(made) == 1, made
    check_branch(repo, made[0]["branch"])
    assert "python-re-call-compiled" in spots["is_item"]["playbooks"]
    # both hot spots' sampled lines are on the one branch: each lists that proposal
    for spot in spots.values():
        if "python-re-call-compiled" in spot["playbooks"]:
            assert [p["id"] for p in spot["proposals"]] == [made[0]["id"]], spot
    branches = git(repo, "branch", "--list", "efficiency/*").split()
    assert branches == [made[0]["branch"]]
