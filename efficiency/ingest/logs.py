"""Log records as per-minute count series: what ``efficiency rca`` needs from logs.

A record is one JSON object (a line of a file, or an item of ``POST /api/v1/logs``)::

    {"ts": "2023-01-29T08:42:22.383Z", "pod": "ts-travel-service-64469b5b48-25zj6",
     "message": "16:42:22.382 INFO  t.s.TravelServiceImpl#532 ...", "level": "INFO",
     "trace_id": "ffc8ca7e..."}

``service`` or ``pod`` (a pod's generated suffix is stripped the way ``rca`` maps pod labels,
:func:`efficiency.base.pods.strip_pod_suffix`), ``ts`` (RFC 3339 or Unix seconds) and
``message`` are required; ``level`` is read from the message's first words when it is absent
(``INFO``, ``WARN``, ``ERROR`` ... in capitals, or ``level=error``). Records are not kept:
they become these series, per service and minute (:mod:`efficiency.ingest.rollup`):

- ``log_lines{service}``: every line;
- ``log_error_lines{service}``, ``log_warn_lines{service}``: lines of that level (error
  includes fatal and critical);
- ``log_template_lines{service, level, template}``: lines per message template
  (:mod:`efficiency.ingest.templates`), the ``template_cap`` most frequent of the service's
  templates in the batch, the rest counted as ``<other>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import AliasChoices, Field, model_validator

from efficiency.base.pods import strip_pod_suffix
from efficiency.ingest.metrics import PointIn
from efficiency.ingest.rollup import MinuteCounts, minute_of, whole_minutes
from efficiency.ingest.templates import capped, template_of
from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel

#: most templates a service keeps as series of their own per batch
TEMPLATE_CAP = 30

_LEVELS = {
    "trace": "debug", "debug": "debug", "info": "info", "notice": "info", "warn": "warn",
    "warning": "warn", "error": "error", "err": "error", "severe": "error", "fatal": "error",
    "critical": "error", "crit": "error", "panic": "error", "alert": "error", "emerg": "error",
}  # fmt: skip
_LEVEL_WORD = re.compile(
    r"\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|FATAL|CRITICAL|PANIC)\b"
    r"|\blevel[=:]\s*\"?(\w+)",
    re.IGNORECASE,
)


class LogIn(IngestModel):
    ts: EventTime = Field(validation_alias=AliasChoices("ts", "timestamp", "time"))
    service: str | None = Field(None, min_length=1, max_length=200)
    pod: str | None = Field(None, min_length=1, max_length=253)
    message: str = Field(max_length=100_000)
    level: str | None = Field(None, max_length=32)
    trace_id: str | None = Field(None, max_length=128)
    span_id: str | None = Field(None, max_length=128)

    @model_validator(mode="after")
    def _named(self) -> LogIn:
        if not self.service and not self.pod:
            raise ValueError("service: give the record's service or pod")
        return self

    @property
    def service_name(self) -> str:
        return self.service or strip_pod_suffix(str(self.pod))


class LogBatchIn(IngestModel):
    records: list[LogIn] = Field(min_length=1)


def level_of(record: LogIn) -> str:
    """``error`` | ``warn`` | ``info`` | ``debug`` | ``other``, from the record's level or
    the first words of its message."""
    if record.level:
        return _LEVELS.get(record.level.strip().lower(), "other")
    match = _LEVEL_WORD.search(record.message[:80])
    if match is None:
        return "other"
    word = match.group(1)
    if word is not None and not word.isupper():
        return "other"  # "error" inside a sentence is no level
    return _LEVELS.get((word or match.group(2)).lower(), "other")


def log_points(records: Iterable[LogIn], template_cap: int = TEMPLATE_CAP) -> list[PointIn]:
    """The per-minute series of the module, from validated records."""
    rows: list[tuple[str, str, str, Any]] = []
    for r in records:
        rows.append((r.service_name, level_of(r), template_of(r.message), r.ts))
    minutes = whole_minutes(row[3] for row in rows)
    by_service: dict[str, list[str]] = {}
    for service, level, template, _ in rows:
        by_service.setdefault(service, []).append(f"{level}\0{template}")
    folded = {s: capped(keys, template_cap) for s, keys in by_service.items()}
    counts = MinuteCounts()
    for service in by_service:
        for name in ("log_lines", "log_error_lines", "log_warn_lines"):
            counts.declare(service, name, {"service": service})
    for service, level, template, ts in rows:
        minute = minute_of(ts)
        counts.observed[service].add(minute)
        counts.add(service, "log_lines", {"service": service}, minute)
        if level in ("error", "warn"):
            counts.add(service, f"log_{level}_lines", {"service": service}, minute)
        kept = folded[service][f"{level}\0{template}"]
        level_label, _, template_label = kept.partition("\0")
        if not template_label:  # folded: <other> has no level of its own
            level_label, template_label = "mixed", kept
        labels = {"service": service, "level": level_label, "template": template_label}
        counts.add(service, "log_template_lines", labels, minute)
    return counts.points(minutes, {})
