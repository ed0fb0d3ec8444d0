"""Scrub credentials out of request lines before they are shipped to log storage."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SENSITIVE_PARAMS = (
    "password",
    "passwd",
    "api_key",
    "apikey",
    "access_token",
    "refresh_token",
    "client_secret",
    "secret",
    "token",
    "session",
    "sig",
    "signature",
    "x-amz-signature",
    "auth",
)
MASK = "[REDACTED]"
BEARER_RE = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/-]+=*", re.IGNORECASE)


@dataclass
class ScrubStats:
    lines: int = 0
    redacted_lines: int = 0
    hits: Counter = field(default_factory=Counter)


def _param_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})=([^&\s\"]*)", re.IGNORECASE)


def scrub_line(line: str, stats: ScrubStats | None = None, extra: tuple[str, ...] = ()) -> str:
    pattern = _param_pattern(SENSITIVE_PARAMS + extra)
    found: list[str] = []

    def _mask(match: re.Match[str]) -> str:
        found.append(match.group(1).lower())
        return f"{match.group(1)}={MASK}"

    cleaned = pattern.sub(_mask, line)
    cleaned, bearer_hits = BEARER_RE.subn(rf"\g<1>{MASK}", cleaned)
    found.extend(["bearer"] * bearer_hits)
    if stats is not None:
        stats.lines += 1
        if found:
            stats.redacted_lines += 1
            stats.hits.update(found)
    return cleaned


def scrub_batch(lines: list[str], extra: tuple[str, ...] = ()) -> tuple[list[str], ScrubStats]:
    stats = ScrubStats()
    out = [scrub_line(line, stats, extra) for line in lines]
    if stats.redacted_lines:
        logger.info("scrubbed %d of %d lines", stats.redacted_lines, stats.lines)
    return out, stats
