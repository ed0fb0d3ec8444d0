"""`efficiency remediate` where the application's own sampled lines try a module-level table
of patterns with re.search/re.sub in a loop: python-re-loop-pattern matches on the source at
those lines, and its branch compiles each pattern once through a memo of re.compile; a loop
over patterns the caller passes in is refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.remediate.codemods.sample import same_results
from tests.remediate.test_proposals import git
from tests.test_cli import run

RULES = '''\
"""Plurals."""
import re

PLURALS = [
    (r"(?i)(quiz)$", r"\\1zes"),
    (r"(?i)(x|ch|ss|sh)$", r"\\1es"),
    (r"(?i)([^aeiouy]|qu)y$", r"\\1ies"),
    (r"$", "s"),
]


def pluralize(word):
    for rule, replacement in PLURALS:
        if re.search(rule, word):
            return re.sub(rule, replacement, word)
    return word


def first_match(patterns, word):
    for pattern in patterns:
        if re.search(pattern, word):
            return pattern
    return None
'''
STACKS = (
    "main (/srv/words/app/main.py:9);pluralize (/srv/words/app/rules.py:14) 500\n"
    "main (/srv/words/app/main.py:9);pluralize (/srv/words/app/rules.py:15) 200\n"
    "main (/srv/words/app/main.py:9);first_match (/srv/words/app/rules.py:21) 300\n"
)


def remediate(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    repo = tmp_path / "words"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "rules.py").write_text(RULES)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    (tmp_path / "words.folded").write_text(STACKS)
    stored = run(tmp_path, "ingest", "profile", str(tmp_path / "words.folded"), "--service",
                 "words", "--rate", "100", "--start", "2026-11-22T10:00:00Z",
                 "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr
    out = run(tmp_path, "remediate", "--service", "words", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    assert git(repo, "status", "--porcelain").strip() == ""
    return repo, json.loads(out.stdout)


def test_a_rule_table_tried_in_a_loop_is_compiled_once_on_a_branch(tmp_path: Path) -> None:
    repo, report = remediate(tmp_path)
    spots = {s["frame"].split(" ")[0]: s for s in report["hotspots"]}
    assert "python-re-loop-pattern" in spots["pluralize"]["playbooks"]
    assert spots["pluralize"]["outcome"] == "proposed", spots["pluralize"]
    (proposal,) = [p for p in spots["pluralize"]["proposals"] if p.get("branch")]
    assert proposal["playbook"] == "python-re-loop-pattern"
    after = git(repo, "show", f"{proposal['branch']}:app/rules.py")
    assert "_re_compiled = functools.lru_cache(maxsize=None)(re.compile)\n" in after
    assert "        if _re_compiled(rule).search(word):\n" in after
    assert "            return _re_compiled(rule).sub(replacement, word)\n" in after
    # the caller's patterns stay as they were
    assert "        if re.search(pattern, word):\n" in after
    words = [("quiz",), ("box",), ("city",), ("day",), ("",), (None,)]
    same_results(RULES, after, "pluralize", *words)
    # patterns the caller passes could be anything: refused, and the report says why
    spot = spots["first_match"]
    assert "python-re-loop-pattern" in spot["playbooks"] and spot["outcome"] == "refused"
    why = "the loop iterates patterns, a local or parameter, not a module-level table"
    assert why in " ".join(spot["reasons"])
