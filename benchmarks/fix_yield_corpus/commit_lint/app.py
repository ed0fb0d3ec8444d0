"""Conventional-commit lint for the release pipeline: check every commit of a push."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

logger = logging.getLogger(__name__)

HEADER_RE = re.compile(
    r"^(?P<type>[a-z]+)(?:\((?P<scope>[\w./-]+)\))?(?P<bang>!)?: (?P<subject>\S.*)$"
)
TRAILER_RE = re.compile(r"^(?P<key>BREAKING CHANGE|[A-Za-z][A-Za-z-]*): (?P<value>.+)$")
TICKET_RE = re.compile(r"^(?:Refs|Closes|Fixes): [A-Z][A-Z0-9]+-\d+", re.MULTILINE)
ALLOWED_TYPES = frozenset(
    {"feat", "fix", "docs", "refactor", "perf", "test", "build", "ci", "chore", "revert"}
)


@dataclass(frozen=True)
class LintConfig:
    max_header: int = 72
    max_body_line: int = 100
    scoped_types: frozenset[str] = frozenset({"feat", "fix"})
    ticketed_types: frozenset[str] = frozenset({"feat", "fix", "perf"})


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    message: str

    @property
    def header(self) -> str:
        return self.message.split("\n", 1)[0]

    @property
    def body_lines(self) -> list[str]:
        return self.message.rstrip("\n").split("\n")[2:]

    def trailers(self) -> dict[str, list[str]]:
        """``Key: value`` lines of the last paragraph (git's trailer block)."""
        paragraphs = self.message.strip().split("\n\n")
        out: dict[str, list[str]] = {}
        if len(paragraphs) < 2:
            return out
        for line in paragraphs[-1].splitlines():
            m = TRAILER_RE.match(line)
            if m:
                out.setdefault(m["key"], []).append(m["value"].strip())
        return out


@dataclass(frozen=True)
class Finding:
    sha: str
    code: str
    detail: str


def _outline(commit: Commit) -> str:
    trailers = commit.trailers()
    keys = ", ".join(f"{key} x{len(values)}" for key, values in sorted(trailers.items()))
    widest = max((len(line) for line in commit.body_lines), default=0)
    return (
        f"{commit.sha[:10]} by {commit.author} header={commit.header!r} "
        f"body={len(commit.body_lines)} lines (widest {widest}) trailers=[{keys}]"
    )


class CommitLinter:
    def __init__(self, config: LintConfig | None = None) -> None:
        self.config = config or LintConfig()

    def check(self, commit: Commit) -> list[Finding]:
        logger.debug("linting %s", _outline(commit))
        cfg = self.config
        found: list[Finding] = []

        def flag(code: str, detail: str) -> None:
            found.append(Finding(commit.sha, code, detail))

        header = commit.header
        m = HEADER_RE.match(header)
        if m is None:
            flag("C001", "header is not 'type(scope): subject'")
            return found
        kind = m["type"]
        if kind not in ALLOWED_TYPES:
            flag("C002", f"unknown type {kind!r}")
        if kind in cfg.scoped_types and not m["scope"]:
            flag("C003", f"{kind} needs a scope")
        if len(header) > cfg.max_header:
            flag("C004", f"header is {len(header)} chars (max {cfg.max_header})")
        if m["subject"].endswith("."):
            flag("C005", "subject ends with a period")
        if "\n" in commit.message and commit.message.split("\n")[1] != "":
            flag("C006", "no blank line after the header")
        for n, line in enumerate(commit.body_lines, start=3):
            if len(line) > cfg.max_body_line and "://" not in line:
                flag("C007", f"line {n} is {len(line)} chars (max {cfg.max_body_line})")
        if kind in cfg.ticketed_types and not TICKET_RE.search(commit.message):
            flag("C008", "no Refs/Closes/Fixes ticket trailer")
        return found


def lint_push(commits: list[Commit], linter: CommitLinter | None = None) -> dict:
    linter = linter or CommitLinter()
    findings = [f for c in commits for f in linter.check(c)]
    failing = sorted({f.sha for f in findings})
    summary = {
        "checked": len(commits),
        "failing": failing,
        "by_code": dict(sorted(Counter(f.code for f in findings).items())),
        "findings": findings,
        "ok": not findings,
    }
    logger.info("push lint: %d commits, %d failing", len(commits), len(failing))
    return summary
