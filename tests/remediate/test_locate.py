"""From a profiled frame to the file and function in a repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.locate import LocateError, find_file, find_function, locate

SOURCE = """\
import re


def parse(lines):
    out = []
    for line in lines:  # line 6
        out.append(line.strip())
    return out


class Router:
    def match(self, path):
        return [p for p in path.split("/") if p]  # line 13
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "services" / "api" / "app").mkdir(parents=True)
    (tmp_path / "services" / "api" / "app" / "routes.py").write_text(SOURCE)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "util.py").write_text("def f():\n    return 1\n")
    return tmp_path


def test_the_longest_existing_suffix_under_the_prefix_wins(repo: Path) -> None:
    deployed = "/srv/api/releases/42/app/routes.py"
    assert find_file(repo, deployed, "services/api") == "services/api/app/routes.py"
    assert find_file(repo, "/opt/x/tools/util.py") == "tools/util.py"


def test_a_file_that_is_not_there_or_ambiguous_is_refused(repo: Path) -> None:
    with pytest.raises(LocateError, match="is not in the repository"):
        find_file(repo, "/srv/api/app/missing.py", "services/api")
    (repo / "routes.py").write_text(SOURCE)
    (repo / "services" / "api" / "routes.py").write_text(SOURCE)
    with pytest.raises(LocateError, match="matches several files"):
        find_file(repo, "/srv/routes.py", "services/api")
    with pytest.raises(LocateError, match="names no file"):
        find_file(repo, "")


def test_the_function_holding_the_profiled_line(repo: Path) -> None:
    where = locate(repo, "/srv/app/routes.py", "parse", 6, "services/api")
    assert (where.path, where.function, where.start, where.end) == (
        "services/api/app/routes.py", "parse", 4, 8,
    )  # fmt: skip
    assert where.line == 6 and not where.drifted
    # py-spy names a comprehension after its scope; the function to edit is the method
    method = find_function(SOURCE, "routes.py", "Router.match.<locals>.<listcomp>", 13)
    assert method.function == "Router.match" and not method.drifted


def test_line_drift_finds_the_function_by_name_and_says_so(repo: Path) -> None:
    moved = "# a new header comment\n# and another\n\n" + SOURCE
    where = find_function(moved, "routes.py", "parse", 6)
    assert where.function == "parse" and where.start == 7 and where.drifted
    assert where.line is None


def test_a_function_gone_or_defined_twice_is_refused() -> None:
    with pytest.raises(LocateError, match="no longer defines render"):
        find_function(SOURCE, "routes.py", "render", 6)
    twice = SOURCE + "\n\ndef parse(x):\n    return x\n"
    with pytest.raises(LocateError, match="more than once"):
        find_function(twice, "routes.py", "parse", 40)
    with pytest.raises(LocateError, match="does not parse"):
        find_function("def broken(:\n", "bad.py", "broken", 1)
    with pytest.raises(LocateError, match="module-level"):
        find_function(SOURCE, "routes.py", "<module>", 1)
