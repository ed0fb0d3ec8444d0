"""The git a proposal needs, through the ``git`` command (argument lists, never a shell).

A proposal is built in a temporary worktree checked out from the default branch, so the
repository's own work tree (and whatever is uncommitted in it) and its default branch are never
touched: the only trace a proposal leaves is its branch.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class GitError(Exception):
    """A git command failed, or the repository is not usable; the message says which."""


#: commits are made as this identity unless the repository or environment sets one
AUTHOR = ("efficiency", "efficiency@localhost")


def git(repo: Path, *args: str, check: bool = True, timeout: float = 120) -> str:
    """Run ``git -C repo args...``; its stdout, stripped. Raises GitError on failure."""
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", AUTHOR[0]),
        "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", AUTHOR[1]),
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", AUTHOR[0]),
        "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", AUTHOR[1]),
    }
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=timeout,
            env=env, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} timed out after {timeout:.0f} s") from None
    if check and done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise GitError(
            f"git {' '.join(args[:2])} failed: {message[-1] if message else done.returncode}"
        )
    return done.stdout.strip()


def toplevel(repo: Path) -> Path:
    if not repo.is_dir():
        raise GitError(f"{repo} is not a folder")
    try:
        return Path(git(repo, "rev-parse", "--show-toplevel"))
    except GitError:
        raise GitError(f"{repo} is not a git repository") from None


def branch_exists(repo: Path, branch: str) -> bool:
    return bool(git(repo, "branch", "--list", branch))


def default_branch(repo: Path, remote: str = "origin", configured: str = "") -> str:
    """The branch proposals start from: the configured one, else the remote's HEAD, else
    ``main`` or ``master``, else the branch checked out now."""
    if configured:
        if not branch_exists(repo, configured):
            raise GitError(f"the configured default branch {configured!r} does not exist")
        return configured
    head = git(repo, "symbolic-ref", "--quiet", "--short", f"refs/remotes/{remote}/HEAD",
               check=False)  # fmt: skip
    if head.startswith(f"{remote}/") and branch_exists(repo, head.split("/", 1)[1]):
        return head.split("/", 1)[1]
    for name in ("main", "master"):
        if branch_exists(repo, name):
            return name
    current = git(repo, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    if not current:
        raise GitError(f"{repo}: cannot tell the default branch (detached HEAD, no main/master)")
    return current


def tracked_files(repo: Path, ref: str) -> set[str]:
    """The paths (relative to the repository root, POSIX) of every file ``ref`` holds."""
    listing = git(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", ref)
    return {p for p in listing.split("\0") if p}


@contextmanager
def worktree(repo: Path, branch: str, start: str) -> Iterator[Path]:
    """A temporary worktree of a new ``branch`` made from ``start``; removed afterwards (the
    branch stays). If the caller fails before committing, the branch is deleted again."""
    with tempfile.TemporaryDirectory(prefix="efficiency-proposal-") as tmp:
        path = Path(tmp) / "tree"
        git(repo, "worktree", "add", "--quiet", "-b", branch, str(path), start)
        committed = False
        try:
            yield path
            committed = git(path, "rev-parse", "HEAD") != git(repo, "rev-parse", start)
        finally:
            git(repo, "worktree", "remove", "--force", str(path), check=False)
            git(repo, "worktree", "prune", check=False)
            if not committed:
                git(repo, "branch", "-D", branch, check=False)


def commit_all(tree: Path, message: str, paths: Sequence[str]) -> str:
    """Stage ``paths`` and commit them; the new commit's id."""
    git(tree, "add", "--", *paths)
    git(tree, "commit", "--quiet", "-m", message)
    return git(tree, "rev-parse", "HEAD")


def diff(repo: Path, base: str, branch: str) -> str:
    return git(repo, "diff", f"{base}...{branch}") + "\n"


def push(repo: Path, remote: str, branch: str) -> None:
    git(repo, "push", "--quiet", remote, f"{branch}:{branch}", timeout=300)


def remote_url(repo: Path, remote: str) -> str:
    return git(repo, "remote", "get-url", remote, check=False)


@contextmanager
def checkout(repo: Path, ref: str) -> Iterator[Path]:
    """A temporary detached worktree of ``ref`` (to run tests or a benchmark on it)."""
    with tempfile.TemporaryDirectory(prefix="efficiency-verify-") as tmp:
        path = Path(tmp) / "tree"
        git(repo, "worktree", "add", "--quiet", "--detach", str(path), ref)
        try:
            yield path
        finally:
            git(repo, "worktree", "remove", "--force", str(path), check=False)
            git(repo, "worktree", "prune", check=False)
