"""What every codemod returns and offers, whatever language it edits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class CodemodResult:
    #: the new text (== the input when nothing changed)
    source: str
    changed: bool
    #: one line for the commit message / PR body; says why when nothing changed
    summary: str
    #: how many places were rewritten
    sites: int

    @classmethod
    def unchanged(cls, source: str, why: str) -> CodemodResult:
        return cls(source=source, changed=False, summary=why, sites=0)


class Codemod(Protocol):
    #: e.g. ``"hoist-re-compile"``
    name: str
    #: ``"python"``, ``"dockerfile"``, ``"systemd"`` or ``"kubernetes"``
    language: str

    def apply(
        self,
        source: str,
        *,
        function: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CodemodResult: ...


def plural(count: int, word: str) -> str:
    """``1 site``, ``2 sites``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
