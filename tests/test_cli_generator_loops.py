"""`efficiency remediate` on a function that tests a few patterns with any() over a generator:
the source at the sampled lines matches python-any-all-generator, and the branch rewrites the
test as a loop; a function with no such line gets no such playbook."""

from __future__ import annotations

import json
from pathlib import Path

from tests.remediate.codemods.sample import load
from tests.remediate.test_proposals import git
from tests.test_cli import run

LEXER = '''\
"""A small lexer."""


def is_keyword(word, keywords):
    """Whether word starts with one of the keywords."""
    if any(word.startswith(k) for k in keywords):
        return True
    return False


def render(tokens):
    return " ".join(t.upper() for t in tokens)
'''
STACKS = (
    "main (/srv/lex/app/main.py:9);is_keyword (/srv/lex/app/lexer.py:6) 600\n"
    "main (/srv/lex/app/main.py:9);is_keyword (/srv/lex/app/lexer.py:7) 100\n"
    "main (/srv/lex/app/main.py:9);render (/srv/lex/app/lexer.py:12) 300\n"
)


def test_a_generator_test_becomes_a_loop_on_a_branch(tmp_path: Path) -> None:
    repo = tmp_path / "lex"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "lexer.py").write_text(LEXER)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    (tmp_path / "lex.folded").write_text(STACKS)
    stored = run(tmp_path, "ingest", "profile", str(tmp_path / "lex.folded"), "--service", "lex",
                 "--rate", "100", "--start", "2026-11-22T10:00:00Z",
                 "--end", "2026-11-22T10:00:10Z")  # fmt: skip
    assert stored.returncode == 0, stored.stderr

    out = run(tmp_path, "remediate", "--service", "lex", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    spots = {s["frame"].split(" ")[0]: s for s in json.loads(out.stdout)["hotspots"]}
    assert spots["is_keyword"]["playbooks"] == ["python-any-all-generator"]
    assert "python-any-all-generator" not in spots["render"]["playbooks"]
    assert spots["is_keyword"]["outcome"] == "proposed", spots["is_keyword"]
    (proposal,) = spots["is_keyword"]["proposals"]
    after = git(repo, "show", f"{proposal['branch']}:app/lexer.py")
    assert (
        "    for k in keywords:\n        if word.startswith(k):\n            return True\n" in after
    )
    before, looped = load(LEXER)["is_keyword"], load(after)["is_keyword"]
    for word in ("format", "x", ""):
        assert before(word, ("for", "if")) == looped(word, ("for", "if"))
    assert git(repo, "status", "--porcelain").strip() == ""
