"""No catch-alls: a playbook whose pattern a profile cannot name by frames (``s += x``,
``out.append(...)``, an eager log message) matches a busy function only when the statement at
one of its sampled lines shows the pattern, read from the service's repository. A busy
function without it matches nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from efficiency.config import Config
from efficiency.remediate.engine import remediate
from efficiency.remediate.hotspots import frame_hotspots
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.remediate.source import RepoSource, statements
from efficiency.store.db import Database
from tests.remediate.test_hotspots import profile
from tests.remediate.test_proposals import git

#: four busy functions: three with a pattern a playbook fixes, one with none
APP = """import logging
import sys
import time

log = logging.getLogger("app")


def concat(n):
    text = ""
    for i in range(n):
        text += str(i) + ","
    return text


def collect(n):
    out = []
    for i in range(n):
        out.append(i * 2 + 1)
    return out


def report(rows):
    total = 0
    for row in rows:
        log.debug(f"row {row!r} has {len(row)} fields")
        total += len(row)
    return total


def crunch(n):
    total = 0
    for i in range(n):
        total = (total * 31 + i) % 1000003
    return total


def main(seconds):
    rows = [tuple(range(i % 7, i % 7 + 20)) for i in range(2000)]
    end = time.time() + seconds
    while time.time() < end:
        concat(4000)
        collect(20000)
        report(rows)
        crunch(40000)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
"""


@pytest.fixture(scope="module")
def playbooks() -> list[Playbook]:
    return load_playbooks()


def test_statements_are_innermost_and_compound_headers_only() -> None:
    source = 'def f(xs):\n    for x in xs:\n        log.debug(\n            f"{x}"\n        )\n'
    found = statements(source)
    assert found[2] == "    for x in xs:"  # the loop's header, not its body
    assert found[3] == found[4] == found[5] == '        log.debug(\n            f"{x}"\n        )'
    assert statements("def broken(:\n") == {}


def test_a_busy_function_matches_only_with_the_pattern_at_a_sampled_line(
    tmp_path: Path, playbooks: list[Playbook]
) -> None:
    (tmp_path / "app.py").write_text(APP)
    stacks = profile(
        "main (/srv/app/app.py:50);concat (/srv/app/app.py:11) 300\n"  # text += ...
        "main (/srv/app/app.py:50);concat (/srv/app/app.py:10) 20\n"
        "main (/srv/app/app.py:50);crunch (/srv/app/app.py:33) 400\n"  # arithmetic only
        "main (/srv/app/app.py:50);collect (/srv/app/app.py:18) 280\n"  # out.append(...)
    )
    code = RepoSource(tmp_path)
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, playbooks,
                                                               source=code)}  # fmt: skip
    assert found["crunch"].playbooks == []  # busiest, but no evidence of any pattern
    assert found["concat"].playbooks == ["python-string-concat"]
    assert found["collect"].playbooks == ["python-list-dict-resize"]
    match = found["concat"].evidence["matches"]["python-string-concat"]
    assert match["share"] == "lines" and match["actual"] == 0.3  # line 11 only, not line 10
    assert match["source"]["lines"] == [11]
    assert match["source"]["statement"] == {"line": 11, "text": 'text += str(i) + ","'}
    # without the repository the source cannot be read, and nothing is claimed
    bare = frame_hotspots("app", stacks, playbooks)
    assert all(r.playbooks == [] for r in bare)
    # below the rule's share, the pattern alone is not enough
    light = profile(
        "main (/srv/app/app.py:50);concat (/srv/app/app.py:11) 2\n"
        "main (/srv/app/app.py:50);crunch (/srv/app/app.py:33) 98\n"
    )
    assert all(r.playbooks == [] for r in frame_hotspots("app", light, playbooks, source=code))


def test_a_sampled_line_outside_the_function_its_frame_names_is_no_evidence(
    tmp_path: Path, playbooks: list[Playbook]
) -> None:
    (tmp_path / "app.py").write_text(APP)
    code = RepoSource(tmp_path)
    # `crunch` sampled at line 25 (the eager log call in `report`): a line its def does not
    # hold, as when the file changed since the profile or a stack was read mid-update
    stacks = profile(
        "main (/srv/app/app.py:50);crunch (/srv/app/app.py:25) 400\n"
        "main (/srv/app/app.py:50);report (/srv/app/app.py:25) 300\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, playbooks,
                                                               source=code)}  # fmt: skip
    assert found["crunch"].playbooks == []
    assert found["report"].playbooks == ["python-eager-logging"]
    assert code.statement("/srv/app/app.py", 25, "crunch") is None
    assert code.statement("/srv/app/app.py", 25, "app.report") is not None  # a dotted name
    assert code.statement("/srv/app/app.py", 25, "<module>") is not None  # not checked
    assert code.statement("/srv/app/app.py", 25) is not None


SORTS = """def cheapest(offers):
    ranked = sorted(offers)
    best = sorted(offers, key=lambda o: o[1])[0]
    return best, ranked
"""


def test_a_sort_for_its_first_item_is_advice_only_where_the_source_shows_it(
    tmp_path: Path, playbooks: list[Playbook]
) -> None:
    (tmp_path / "app.py").write_text(SORTS)
    code = RepoSource(tmp_path)
    stacks = profile(
        "main (/srv/app/app.py:50);cheapest (/srv/app/app.py:3) 300\n"
        "main (/srv/app/app.py:50);cheapest (/srv/app/app.py:2) 700\n"
    )
    found = frame_hotspots("app", stacks, playbooks, source=code)
    assert [r.playbooks for r in found if r.frame.startswith("cheapest")] == [
        ["python-sort-for-min"]
    ]
    # a full sort kept whole is no evidence
    whole = profile("main (/srv/app/app.py:50);cheapest (/srv/app/app.py:2) 1000\n")
    found = frame_hotspots("app", whole, playbooks, source=code)
    assert all(r.playbooks == [] for r in found)


@pytest.mark.slow
def test_remediate_on_a_real_profile_fixes_what_the_source_shows(
    db: Database, tmp_path: Path
) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    (repo / "app.py").write_text(APP)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    done = subprocess.run(
        [sys.executable, "-m", "efficiency", "--db", db.url, "profile", "--duration", "4",
         "--", sys.executable, str(repo / "app.py")],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr

    with db.session() as s:
        report = remediate(s, "app", repo, Config(), load_playbooks(), max_proposals=10)
    spots = {h["frame"].split(" (")[0]: h for h in report["hotspots"]}
    assert spots["crunch"]["playbooks"] == [] and spots["crunch"]["outcome"] == "no playbook"
    expected = {"concat": "python-string-concat", "collect": "python-list-dict-resize",
                "report": "python-eager-logging"}  # fmt: skip
    for function, playbook in expected.items():
        spot = spots[function]
        assert playbook in spot["playbooks"], (function, spot)
        assert spot["outcome"] == "proposed", spot
        (made,) = [p for p in spot["proposals"] if p["playbook"] == playbook]
        assert made["branch"].startswith(f"efficiency/{playbook}/")
    # no busy function matched a playbook without its evidence
    for name, spot in spots.items():
        if name not in expected:
            assert not {"python-string-concat", "python-list-dict-resize"} & set(
                spot["playbooks"]
            ), spot


ITEMS = """class Doc:
    def __init__(self):
        self._parts = {}

    def add(self, key, rows):
        self._parts[key] = ""
        for row in rows:
            self._parts[key] += f"{row},"
        return len(rows)
"""


def test_a_copy_under_an_item_append_matches_string_concat_by_its_caller_line(
    tmp_path: Path, playbooks: list[Playbook]
) -> None:
    (tmp_path / "app.py").write_text(ITEMS)
    code = RepoSource(tmp_path)
    libc = "__memmove_avx_unaligned_erms (/usr/lib/x86_64-linux-gnu/libc.so.6)"
    stacks = profile(
        f"main (/srv/app/app.py:50);Doc.add (/srv/app/app.py:8);{libc} 500\n"
        "main (/srv/app/app.py:50);Doc.add (/srv/app/app.py:8) 100\n"
        "main (/srv/app/app.py:50);Doc.add (/srv/app/app.py:9) 400\n"
    )
    found = {r.frame.split(" (")[0]: r for r in frame_hotspots("app", stacks, playbooks,
                                                               source=code)}  # fmt: skip
    copy = found["__memmove_avx_unaligned_erms"]
    assert copy.playbooks[0] == "python-string-concat"
    match = copy.evidence["matches"]["python-string-concat"]
    assert match["actual"] == 0.5 and match["source"]["lines"] == [8]
    assert match["source"]["statement"]["text"] == 'self._parts[key] += f"{row},"'
    # the Python frame's own time at the item's += is evidence too
    assert found["Doc.add"].playbooks == ["python-string-concat"]
    # a copy called from any other line is no evidence of concatenation
    other = profile(f"main (/srv/app/app.py:50);Doc.add (/srv/app/app.py:9);{libc} 500\n")
    found = frame_hotspots("app", other, playbooks, source=code)
    assert all("python-string-concat" not in r.playbooks for r in found)


def test_a_copy_inside_a_library_called_on_the_line_is_no_concatenation(
    tmp_path: Path, playbooks: list[Playbook]
) -> None:
    # `self._parts[key] += json.dumps(rows)`: the memmove runs in json's encoder, under its
    # Python frames; the application line is only the nearest caller, not the copy's cause
    (tmp_path / "app.py").write_text(
        "import json\n\n\nclass Doc:\n    def __init__(self):\n        self._parts = {}\n\n"
        "    def add(self, key, rows):\n        self._parts[key] += json.dumps(rows)\n"
    )
    libc = "__memmove_avx_unaligned_erms (/usr/lib/x86_64-linux-gnu/libc.so.6)"
    json_frames = (
        "dumps (/usr/lib/python3.12/json/__init__.py:231);"
        "encode (/usr/lib/python3.12/json/encoder.py:200)"
    )
    stacks = profile(
        f"main (/srv/app/app.py:50);Doc.add (/srv/app/app.py:9);{json_frames};{libc} 500\n"
    )
    spots = frame_hotspots("app", stacks, playbooks, source=RepoSource(tmp_path))
    copy = next(r for r in spots if r.frame.startswith("__memmove_avx_unaligned_erms"))
    assert "python-string-concat" not in copy.playbooks
    assert "native-memcpy-volume" in copy.playbooks
