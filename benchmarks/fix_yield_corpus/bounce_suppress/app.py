"""Newsletter send list: drop the recipients a provider reported as bounced or who complained,
and say how many were held back."""

from __future__ import annotations

from collections.abc import Iterable


def sendable(
    recipients: Iterable[str], bounces: Iterable[str], complaints: Iterable[str]
) -> tuple[list[str], int]:
    """The recipients (trimmed, lower-cased, in order) not on either suppression feed, and how
    many were suppressed."""
    blocked = [e.strip().lower() for e in bounces] + [e.strip().lower() for e in complaints]

    def allowed(addr: str) -> bool:
        return addr not in blocked

    cleaned = [r.strip().lower() for r in recipients]
    kept = [addr for addr in cleaned if addr and allowed(addr)]
    return kept, len(cleaned) - len(kept)
