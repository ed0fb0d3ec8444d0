"""One branch per codemod: `efficiency remediate` rewrites every sampled call site a codemod
applies to on a single branch, never a line the profile did not sample, and says why it left
a site out. Profiles are py-spy-style folded stacks written for these tests."""

from __future__ import annotations

import sys
from pathlib import Path

from efficiency.config import Config
from efficiency.remediate.combine import carried_lines
from efficiency.remediate.engine import remediate
from efficiency.remediate.playbooks import load_playbooks
from efficiency.store.db import Database
from tests.remediate.test_proposals import catalog, git, profile

#: two functions pass one module-level compiled pattern to re.search / re.findall (lines 7
#: and 12, both sampled); ``rare`` does too, at a line no stack reaches
WORDS = """\
import re

WORD = re.compile(r"[a-z]+")


def first_word(s):
    found = re.search(WORD, s)
    return found.group(0) if found else ""


def all_words(s):
    return re.findall(WORD, s)


def rare(s):
    return re.match(WORD, s)
"""
TESTS = """\
from app.words import all_words, first_word, rare


def test_words():
    assert first_word("12 ab cd") == "ab" and all_words("ab 1 cd") == ["ab", "cd"]
    assert rare("ab") and not rare("1")
"""
MAIN = "main (/srv/api/app/main.py:3)"
FIRST = f"{MAIN};first_word (/srv/api/app/words.py:7)"
ALL = f"{MAIN};all_words (/srv/api/app/words.py:12)"
STACKS = (
    f"{FIRST};search (/usr/lib/python3.11/re/__init__.py:176) 300\n{FIRST} 150\n"
    f"{ALL};findall (/usr/lib/python3.11/re/__init__.py:216) 300\n{ALL} 150\n"
    f"{MAIN};render (/srv/api/app/views.py:4) 100\n"
)


def make_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "api"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "words.py").write_text(WORDS)
    (repo / "test_words.py").write_text(TESTS)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    return repo


def test_carried_lines_follow_edits_and_drop_rewritten_ones() -> None:
    before = "a\nb\nc\nd\n"
    assert carried_lines(before, "x\ny\na\nb\nc\nd\n", [1, 4]) == [3, 6]  # moved by an insert
    assert carried_lines(before, "a\nB\nc\nd\n", [2, 3]) == [3]  # line 2 was rewritten


def test_one_branch_rewrites_every_sampled_call_site_of_a_codemod(
    db: Database, tmp_path: Path
) -> None:
    repo = make_repo(tmp_path)
    profile(db, STACKS)
    tests = catalog(test_command=[sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    with db.session() as s:
        report = remediate(s, "api", repo, Config(), load_playbooks(), tests, run_verify=True)
    assert report["proposals"] == 1
    spots = {h["frame"].split(" (")[0]: h for h in report["hotspots"]}
    made = spots["search"]["proposals"][0]
    # every hot spot the branch rewrote a sampled line of shares the one proposal
    for name in ("search", "findall", "first_word", "all_words"):
        assert spots[name]["outcome"] == "proposed", spots[name]
        assert [p["id"] for p in spots[name]["proposals"]] == [made["id"]]
    diff = git(repo, "diff", "main", made["branch"])
    assert "+    found = WORD.search(s)" in diff and "+    return WORD.findall(s)" in diff
    assert "re.match(WORD, s)" not in diff  # rare() was never sampled
    assert made["verification"]["tests_before"] == made["verification"]["tests_after"] == "pass"
    sites = made["verification"]["sites"]
    assert sorted((x["function"], x["path"]) for x in sites) == [
        ("all_words", "app/words.py"),
        ("first_word", "app/words.py"),
    ]
    assert git(repo, "branch", "--list", "efficiency/*").strip() == made["branch"]
    # running again finds the proposal for every hot spot the branch covers
    with db.session() as s:
        again = remediate(s, "api", repo, Config(), load_playbooks(), catalog())
    assert again["proposals"] == 0
    assert all(h["outcome"] == "existing" for h in again["hotspots"] if h["proposals"])
