"""Keeping only rewrites of code the profile saw run: a codemod's change is refused when none
of the lines it replaces is a line the profile sampled.
"""

from __future__ import annotations

import difflib

from efficiency.remediate.errors import ProposalError
from efficiency.remediate.playbooks import Playbook


def rewritten_lines(before: str, after: str) -> list[int]:
    """Lines of ``before`` (1-based) that a rewrite replaced or deleted; pure insertions
    (a new module-level constant, say) rewrite no existing line."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    out: list[int] = []
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            out += range(i1 + 1, i2 + 1)
    return out


def on_sampled_lines(
    playbook: Playbook, path: str, function: str, before: str, after: str, sampled: list[int]
) -> None:
    """Refuse a rewrite none of whose replaced lines the profile sampled: it would change code
    the measured workload never ran."""
    changed = rewritten_lines(before, after)
    if not set(changed) & set(sampled):
        shown = ", ".join(str(n) for n in sorted(set(sampled))[:8]) or "none"
        raise ProposalError(
            f"{playbook.id}: the rewrite of {path}:{function} changes lines "
            f"{_spans(changed)}, none of which the profile sampled (sampled: {shown})"
        )


def _spans(lines: list[int]) -> str:
    if not lines:
        return "none"
    spans, start, prev = [], lines[0], lines[0]
    for n in [*lines[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        spans.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(spans)
