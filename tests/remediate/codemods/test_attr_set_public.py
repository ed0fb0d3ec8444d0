"""set-membership, a public list attribute: let through only when the repository's other modules
(the ``other_modules`` param, which the product gives from the tree it rewrites) name it
nowhere, as a name or inside a string; refused when one does, when one cannot be tokenized, or
when the param is absent (a lone file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.fixes import apply_fix
from efficiency.remediate.other_modules import OtherModules, python_files, source_names
from efficiency.remediate.playbooks import load_playbooks
from efficiency.store.remediation import Hotspot
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")
ODD = [1, 1.0, True, None, Text("a"), LooseEq(), ("A",), [1]]

APP = """\
def parse_feed(text):
    return [line.strip().upper() for line in text.splitlines() if line.strip()]


class Screener:
    def __init__(self, feed):
        self.blocked_sites = list(parse_feed(feed))

    def flagged(self, site):
        return site in self.blocked_sites


def run(feed, sites):
    screener = Screener(feed)
    return [screener.flagged(s) for s in sites]
"""

ASSUMED = (
    "blocked_sites is public; no other module of the repository names it (code outside the "
    "repository could still change it in place)"
)


def _repo(tmp_path: Path, others: dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "app.py").write_text(APP)
    for rel, text in others.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _apply(tree: Path) -> tuple[str, str]:
    result = SET.apply(APP, params={"other_modules": OtherModules(tree, "app.py")})
    return result.source, result.summary


def test_accepted_when_no_other_module_names_it(tmp_path: Path) -> None:
    tree = _repo(
        tmp_path,
        {
            "main.py": "from app import run\n\nprint(run('a\\nb', ['A', 'C']))\n",
            # a comment is no use of it
            "tests/test_app.py": "import app\n\n# blocked_sites is parsed once\n",
            # nor are a virtual environment, .git or build output
            ".venv/lib/site-packages/x.py": "o.blocked_sites.append(1)\n",
            "venv/x.py": "o.blocked_sites.append(1)\n",
            "build/lib/app.py": "o.blocked_sites.append(1)\n",
            ".git/hooks/x.py": "o.blocked_sites.append(1)\n",
        },
    )
    after, summary = _apply(tree)
    assert after != APP
    assert summary.endswith(ASSUMED), summary
    assert "self.blocked_sites_set[0] is self.blocked_sites" in after
    feeds = ["a\nb\n", "", "x\n1\n", " q \nQ"]
    for feed in feeds:
        same_results(APP, after, "run", (feed, ["A", "B", "q", "Q", "", *ODD]))


def test_the_rewrite_scans_a_list_bound_from_outside(tmp_path: Path) -> None:
    """What the product cannot see (code outside the repository rebinding it) still answers as
    before: the set is asked only while the attribute holds the list it was made from."""
    after, _ = _apply(_repo(tmp_path, {}))
    for source in (APP, after):
        screener = load(source)["Screener"]("a\n")
        screener.blocked_sites = ["Z"]
        assert (screener.flagged("A"), screener.flagged("Z")) == (False, True)


@pytest.mark.parametrize(
    ("rel", "text"),
    [
        ("jobs.py", "def extra(screener, site):\n    screener.blocked_sites.append(site)\n"),
        ("admin.py", "def peek(o):\n    return getattr(o, 'blocked_sites')\n"),
        ("admin.py", 'def reset(o):\n    setattr(o, "blocked_sites", [])\n'),
        ("settings.py", "PATCHED = ['cards', 'blocked_sites']\n"),
        ("tests/test_app.py", "def test_add(s):\n    s.blocked_sites.append('X')\n"),
        ("pkg/deep/mod.py", "x = f'{o.blocked_sites}'\n"),
    ],
)
def test_refused_when_another_module_names_it(tmp_path: Path, rel: str, text: str) -> None:
    after, summary = _apply(_repo(tmp_path, {rel: text}))
    assert after == APP
    assert f"blocked_sites is public and {rel} names it: it could change" in summary


def test_refused_when_another_module_does_not_tokenize(tmp_path: Path) -> None:
    after, summary = _apply(_repo(tmp_path, {"broken.py": 'x = """never closed\n'}))
    assert after == APP
    assert "broken.py could not be tokenized, so it may name it" in summary


def test_refused_without_the_repository() -> None:
    result = SET.apply(APP)
    assert result.source == APP and not result.changed
    assert "blocked_sites is public: another module could change the list in place" in (
        result.summary
    )


def test_a_module_changed_since_the_last_look_is_read_again(tmp_path: Path) -> None:
    tree = _repo(tmp_path, {"jobs.py": "x = 1\n"})
    assert _apply(tree)[0] != APP
    (tree / "jobs.py").write_text("def f(o):\n    o.blocked_sites.clear()\n")
    assert _apply(tree)[0] == APP


def test_the_tokens_counted() -> None:
    names = source_names("# hidden_one\nx = obj.seen_a + f('seen-b {c}', r\"seen_c.d\")\n")
    assert {"x", "obj", "seen_a", "f", "seen", "b", "c", "seen_c", "d"} <= names
    assert "hidden_one" not in names
    assert python_files(Path(__file__).parent)  # relative paths of the *.py files


def test_the_product_hands_the_repository_to_the_codemod(tmp_path: Path) -> None:
    """``apply_fix`` gives the codemod the tree it rewrites, so the public attribute goes
    through; a test file of that tree appending to it stops it."""
    (book,) = [b for b in load_playbooks() if b.id == "python-list-membership"]
    spot = Hotspot(
        id="h1",
        service="fleet",
        frame="flagged (app.py:10)",
        runtime="python",
        evidence={"function": "Screener.flagged", "line": 10},
    )
    tree = _repo(tmp_path / "one", {"main.py": "import app\n"})
    fix = apply_fix(tree, spot, book, None, path="app.py")
    assert ASSUMED in fix.summary
    assert (tree / "app.py").read_text() != APP
    other = _repo(tmp_path / "other", {"test_app.py": "def t(s):\n    s.blocked_sites += ['X']\n"})
    with pytest.raises(ProposalError, match=r"test_app\.py names it"):
        apply_fix(other, spot, book, None, path="app.py")
