"""`efficiency remediate` relating a profile's file paths to the repository by what they are:
inside it, an installed copy of it, outside it, or not tracked by git."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.remediate.test_proposals import HANDLERS, git
from tests.test_cli import run
from tests.test_cli_propose import repo_with_profile


def stacks(file: str) -> str:
    """py-spy-style stacks: parse_lines in ``file`` compiling a regex on every line."""
    parse = f"main (/srv/api/app/main.py:9);parse_lines ({file}:10)"
    return f"{parse};_compile (/usr/lib/python3.12/re/__init__.py:280) 420\n{parse} 380\n"


def remediate(tmp_path: Path, repo: Path) -> list[dict[str, Any]]:
    out = run(tmp_path, "remediate", "--service", "api", "--repo", str(repo), "--json")
    assert out.returncode == 0, out.stderr
    return [s for s in json.loads(out.stdout)["hotspots"]
            if "python-re-compile-in-loop" in s["playbooks"]]  # fmt: skip


def branch_files(repo: Path, spots: list[dict[str, Any]]) -> list[str]:
    (branch,) = [p["branch"] for s in spots for p in s["proposals"] if p["branch"]]
    return git(repo, "diff", "--name-only", f"main...{branch}").splitlines()


def test_a_path_inside_the_repository_is_that_file(tmp_path: Path) -> None:
    repo = repo_with_profile(tmp_path, stacks(str(tmp_path / "api" / "app" / "handlers.py")))
    assert branch_files(repo, remediate(tmp_path, repo)) == ["app/handlers.py"]


def test_an_installed_copy_maps_to_the_repository_by_import_path(tmp_path: Path) -> None:
    installed = "/opt/venv/lib/python3.12/site-packages/app/handlers.py"
    repo = repo_with_profile(tmp_path, stacks(installed))
    assert branch_files(repo, remediate(tmp_path, repo)) == ["app/handlers.py"]


def test_a_namesake_outside_the_repository_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "other-checkout" / "app" / "handlers.py"
    elsewhere.parent.mkdir(parents=True)
    elsewhere.write_text(HANDLERS)  # same path suffix, same code: still not the repository's
    repo = repo_with_profile(tmp_path, stacks(str(elsewhere)))
    spots = remediate(tmp_path, repo)
    assert spots and all(s["outcome"] == "refused" for s in spots)
    reasons = " ".join(r for s in spots for r in s["reasons"])
    assert f"{elsewhere} lies outside the repository" in reasons
    assert git(repo, "branch", "--list", "efficiency/*") == ""


def test_a_file_git_does_not_track_is_refused_with_the_reason(tmp_path: Path) -> None:
    generated = tmp_path / "api" / "app" / "generated.py"
    repo = repo_with_profile(tmp_path, stacks(str(generated)))
    generated.write_text(HANDLERS)  # in the work tree, never committed
    spots = remediate(tmp_path, repo)
    reasons = " ".join(r for s in spots for r in s["reasons"])
    assert "app/generated.py is in" in reasons and "not tracked by git on main" in reasons
    assert git(repo, "branch", "--list", "efficiency/*") == ""
    assert git(repo, "status", "--porcelain") == "?? app/generated.py"
