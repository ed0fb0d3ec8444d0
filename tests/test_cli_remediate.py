"""`efficiency remediate` from the command line: a real program profiled with py-spy (through
`efficiency profile`), then remediated with no hints in a real git repository."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.remediate.test_proposals import git
from tests.test_cli import run

#: two callers of the re module in loops: ``tokens`` (the heavier one) builds its pattern at
#: run time through a helper, which no codemod may hoist or memoise (the helper could do
#: anything); ``clean`` uses a literal pattern, which it may
APP = """import re
import sys
import time


def digits_after(sep):
    return sep + r"(\\d+)"


def tokens(line, sep):
    out = []
    for word in line.split():
        found = re.compile(digits_after(sep)).search(word)
        out.append(found.group(1) if found else "")
    return out


def clean(line):
    out = []
    for word in line.split():
        out.append(re.sub(r"[^a-z]", "", word))
    return out


def main(seconds):
    line = "abc1 d2ef ghi3 " * 20
    end = time.time() + seconds
    while time.time() < end:
        tokens(line, "[a-z]")
        tokens(line, "[a-z]")
        clean(line)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20)
"""


@pytest.mark.slow
def test_remediate_tries_every_call_site_and_says_why_not(tmp_path: Path) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    (repo / "app.py").write_text(APP)
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    profiled = run(tmp_path, "profile", "--duration", "3", "--", sys.executable,
                   str(repo / "app.py"))  # fmt: skip
    assert profiled.returncode == 0, profiled.stderr

    out = run(tmp_path, "remediate", "--service", "app", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["service"] == "app" and report["proposals"] >= 1
    costs = [s["cost_cores"] or 0 for s in report["hotspots"]]
    assert costs == sorted(costs, reverse=True)  # ranked by cost
    compiles = [s for s in report["hotspots"]
                if s["frame"].startswith("_compile (") and "python-re-compile-in-loop"
                in s["playbooks"]]  # fmt: skip
    assert compiles, [(s["frame"], s["playbooks"]) for s in report["hotspots"]]
    spot = compiles[0]
    assert spot["outcome"] == "proposed", spot
    (made,) = [p for p in spot["proposals"] if p["playbook"] == "python-re-compile-in-loop"]
    assert made["verification"]["site"]["function"] == "clean"
    # the heavier caller was tried first and refused, with the reason
    assert any("(tokens)" in r and "python-re-compile-in-loop" in r for r in spot["reasons"])
    diff = git(repo, "diff", "main", made["branch"])
    assert '_RE_CLEAN = re.compile(r"[^a-z]")' in diff
    changed = [line for line in diff.splitlines() if line[:1] in "+-"]
    assert not any("digits_after" in line for line in changed)  # tokens untouched
    # every hot spot has an outcome, and what was not fixed says why
    for s in report["hotspots"]:
        assert s["outcome"] in ("proposed", "advice", "existing", "refused", "no playbook",
                                "skipped")  # fmt: skip
        if s["outcome"] in ("refused", "no playbook"):
            assert s["reasons"], s

    again = run(tmp_path, "remediate", "--service", "app", "--repo", str(repo))
    assert again.returncode == 0, again.stderr
    assert "0 new proposal(s)" in again.stdout and "already proposed" in again.stdout
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_remediate_bad_input_is_one_line(tmp_path: Path) -> None:
    repo = tmp_path / "svc"
    git(tmp_path, "init", "-q", "-b", "main", str(repo))
    nodata = run(tmp_path, "remediate", "--service", "ghost", "--repo", str(repo))
    assert nodata.returncode == 2 and "service 'ghost' has no profiles" in nodata.stderr
    norepo = run(tmp_path, "remediate", "--service", "ghost")
    assert norepo.returncode == 2 and "--repo is needed" in norepo.stderr
    badlimit = run(tmp_path, "remediate", "--service", "x", "--repo", str(repo),
                   "--max-proposals", "0")  # fmt: skip
    assert badlimit.returncode == 2 and "--max-proposals" in badlimit.stderr
    assert "Traceback" not in nodata.stderr + norepo.stderr + badlimit.stderr
