"""Change events from a git repository's history: each commit on a branch is a deploy.

Why: most regressions start with a change, and where no deploy system reports its deploys,
the branch that is deployed (often the default branch, continuously) is the best record of
what changed and when.

- Commits of ``branch`` (default ``HEAD``), oldest first, following first parents by default:
  on a merge-based branch each merge is one change, and the commits of a merged feature
  branch were never deployed on their own.
- ``paths`` keeps only commits touching those folders (one service in a monorepo).
- ``version`` is the commit's tag when it has one (the highest, by natural order), else the
  short sha; ``commit`` the full sha; ``at`` the committer date (when it landed on the branch,
  unlike the author date); ``description`` the subject line; ``source`` ``"git"``.
- ``since_commit`` (a watermark: the last ``commit`` already shipped) and ``since`` (a time)
  bound the history read.

git runs without a shell, with NUL-separated fields, and with the settings that change
``git log`` output (signatures, colours, encoding) pinned, so a user's git config cannot
break the parsing.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from collectors.errors import CollectorError

KINDS = ("deploy", "config", "rollback", "flag", "other")
_FIELDS = ("%H", "%h", "%an", "%ae", "%cI", "%D", "%s")
_PINNED = (
    "-c", "log.showSignature=false", "-c", "color.ui=false",
    "-c", "i18n.logOutputEncoding=UTF-8", "-c", "core.quotePath=false",
)  # fmt: skip


def _natural(text: str) -> list[tuple[int, str]]:
    """Sort key that puts v1.10 after v1.9."""
    return [(int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", text)]


def _tag(decoration: str) -> str:
    tags = [d[5:] for d in decoration.split(", ") if d.startswith("tag: ")]
    return max(tags, key=_natural) if tags else ""


def _utc(text: str) -> str:
    at = datetime.fromisoformat(text).astimezone(UTC)
    return at.isoformat().replace("+00:00", "Z")


class GitChangesCollector:
    """Change events of one service from the git repository at ``repo``."""

    def __init__(
        self,
        repo: str | Path,
        service: str,
        branch: str = "",
        paths: Sequence[str] = (),
        kind: str = "deploy",
        first_parent: bool = True,
        git: str = "git",
    ) -> None:
        if not service:
            raise CollectorError("git changes need a service name")
        if kind not in KINDS:
            raise CollectorError(f"change kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if branch.startswith("-"):
            raise CollectorError(f"unknown branch {branch!r}")
        self.repo = Path(repo)
        self.service, self.branch, self.kind = service, branch, kind
        self.paths = list(paths)
        self.first_parent = first_parent
        self.git = git
        if not self.repo.is_dir():
            raise CollectorError(f"git repository {self.repo} does not exist")
        if self._run("rev-parse", "--git-dir", check=False) is None:
            raise CollectorError(f"{self.repo} is not a git repository")

    def _run(self, *args: str, check: bool = True) -> str | None:
        """git's stdout, or ``None`` when it fails and ``check`` is off."""
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            done = subprocess.run(
                [self.git, *_PINNED, "-C", str(self.repo), *args],
                capture_output=True,
                env=env,
                timeout=120,
                check=False,
            )
        except FileNotFoundError:
            raise CollectorError(
                f"git is not installed ({self.git}): apt-get install git"
            ) from None
        except subprocess.TimeoutExpired:
            raise CollectorError(f"git {args[0]} in {self.repo} did not finish in 120 s") from None
        if done.returncode != 0:
            if not check:
                return None
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise CollectorError(
                f"git {args[0]} in {self.repo} failed: {lines[0] if lines else 'no output'}"
            )
        return done.stdout.decode("utf-8", "replace")

    def _commit(self, rev: str) -> str | None:
        found = self._run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        return found.strip() if found else None

    def changes(
        self, since_commit: str = "", since: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Change events (the API's ``ChangeIn``) of the commits after ``since_commit`` and
        committed after ``since``, oldest first."""
        tip = self.branch or "HEAD"
        if self._commit(tip) is None:
            if not self.branch:
                return []  # a repository without commits has no history yet
            raise CollectorError(f"unknown branch {self.branch!r} in {self.repo}")
        revs = tip
        if since_commit:
            if since_commit.startswith("-") or self._commit(since_commit) is None:
                raise CollectorError(f"unknown commit {since_commit!r} in {self.repo}")
            revs = f"{since_commit}..{tip}"
        args = [
            "log", "-z", "--reverse", "--decorate-refs=refs/tags/",
            "--format=" + "%x00".join(_FIELDS), revs,
        ]  # fmt: skip
        if self.first_parent:
            args.insert(1, "--first-parent")
        if since is not None:
            args.insert(1, f"--since={since.astimezone(UTC).isoformat()}")
        if self.paths:
            args += ["--", *self.paths]
        out = self._run(*args) or ""
        fields = out.split("\x00")[:-1]  # every field ends with NUL, the last one included
        n = len(_FIELDS)
        events = [self._event(fields[i : i + n]) for i in range(0, len(fields) - n + 1, n)]
        if since is not None:
            cutoff = since.astimezone(UTC)
            events = [e for e in events if datetime.fromisoformat(e["at"]) > cutoff]
        return events

    def _event(self, f: list[str]) -> dict[str, Any]:
        sha, short, name, email, committed, decoration, subject = f
        labels = {"branch": self.branch or "HEAD"}
        if self.paths:
            labels["paths"] = ",".join(self.paths)
        return {
            "service": self.service,
            "kind": self.kind,
            "at": _utc(committed),
            "version": (_tag(decoration) or short)[:200],
            "commit": sha[:64],
            "author": f"{name} <{email}>"[:200],
            "description": subject,
            "source": "git",
            "labels": labels,
        }
