"""Logfmt summary: requests, errors and latency per service from ``key=value`` log lines as
the Go services write them (``ts=... level=info svc=cart msg=... dur_ms=12 status=200``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class ServiceStats:
    requests: int = 0
    errors: int = 0
    total_ms: int = 0
    slowest_ms: int = 0

    @property
    def mean_ms(self) -> float:
        return self.total_ms / self.requests if self.requests else 0.0


@dataclass
class LogSummary:
    lines: int = 0
    skipped_tokens: int = 0
    levels: Counter[str] = field(default_factory=Counter)
    services: dict[str, ServiceStats] = field(default_factory=lambda: defaultdict(ServiceStats))


def parse_fields(line: str, summary: LogSummary) -> dict[str, str]:
    """The ``key=value`` pairs of one line; tokens that are not pairs are skipped."""
    fields: dict[str, str] = {}
    for token in line.split():
        pair = re.compile(r"([a-z_]+)=(\S*)").match(token)
        if pair is None:
            summary.skipped_tokens += 1
            continue
        fields[pair.group(1)] = pair.group(2)
    return fields


def summarize(lines: Iterable[str]) -> LogSummary:
    """Count lines per level and, for request lines (those with ``dur_ms``), requests,
    5xx errors and latency per service."""
    summary = LogSummary()
    for line in lines:
        summary.lines += 1
        fields = parse_fields(line, summary)
        summary.levels[fields.get("level", "unknown")] += 1
        if "dur_ms" not in fields or not fields["dur_ms"].isdigit():
            continue
        stats = summary.services[fields.get("svc", "unknown")]
        duration = int(fields["dur_ms"])
        stats.requests += 1
        stats.total_ms += duration
        stats.slowest_ms = max(stats.slowest_ms, duration)
        if fields.get("status", "").startswith("5"):
            stats.errors += 1
    return summary
