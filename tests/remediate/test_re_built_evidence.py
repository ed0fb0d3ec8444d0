"""python-re-compile-in-loop's evidence for a pattern built per call: the lines that build it
(re.escape, a join or an f-string passed to re) and re.escape's frame under them match; a busy
line that only formats text does not."""

from __future__ import annotations

from pathlib import Path

from efficiency.remediate.hotspots import frame_hotspots
from efficiency.remediate.playbooks import load_playbooks
from efficiency.remediate.source import RepoSource
from tests.remediate.test_hotspots import profile

APP = """import re


class Index:
    def filing_key(self, title, words):
        alternatives = "|".join(
            re.escape(w) for w in sorted(words, key=len, reverse=True)
        )
        article = re.compile(rf"^(?:{alternatives})\\\\s+", re.I)
        return article.sub("", title)


def label(name, count):
    text = f"{name}: {count}"
    return text.upper()
"""

ESCAPE = "/usr/lib/python3.11/re/__init__.py"


def test_building_lines_and_re_escape_match(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    stacks = profile(
        f"main (/srv/app/app.py:20);Index.filing_key (/srv/app/app.py:6);"
        f"escape ({ESCAPE}:270) 300\n"
        "main (/srv/app/app.py:20);Index.filing_key (/srv/app/app.py:9) 200\n"
        "main (/srv/app/app.py:20);label (/srv/app/app.py:14) 500\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots(
        "app", stacks, load_playbooks(), source=RepoSource(tmp_path))}  # fmt: skip
    assert "python-re-compile-in-loop" in found["Index.filing_key"].playbooks
    assert "python-re-compile-in-loop" in found["escape"].playbooks
    assert found["label"].playbooks == []
    # without the repository only re.escape's own frame is evidence
    bare = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, load_playbooks())}
    assert "python-re-compile-in-loop" not in bare["Index.filing_key"].playbooks
    assert "python-re-compile-in-loop" in bare["escape"].playbooks
