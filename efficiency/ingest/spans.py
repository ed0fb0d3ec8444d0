"""Trace spans as per-minute series: operation mix per service and calls per call edge.

A record is one JSON object (a line of a file, or an item of ``POST /api/v1/spans``)::

    {"trace_id": "b0103bb0...", "span_id": "520b0673...", "parent_id": null,
     "pod": "ts-gateway-service-6f6cfc45b-h5m2n", "operation": "/api/v1/orders",
     "start": "2023-01-29T08:42:48.697Z", "duration": 0.318316}

``service`` or ``pod``, ``trace_id``, ``span_id``, ``operation``, ``start`` and either
``end`` or ``duration`` (seconds) are required; ``parent_id`` is null, empty or ``root`` for
a trace's first span; ``error`` (true/false) is optional. A span exported twice (same
``span_id``) counts once. Records are not kept: they become these series, per minute of the
span's start (:mod:`efficiency.ingest.rollup`):

- ``span_calls{service, operation}``, ``span_errors{service, operation}`` (only for spans
  that say ``error``) and ``span_duration_seconds_{mean,p90}{service, operation}``;
  operation names are masked like log templates (ids in URL paths become ``<n>``), the
  ``operation_cap`` most frequent per service kept, the rest counted as ``<other>``;
- per call edge, a span whose parent ran in another service (what a service mesh exports as
  ``istio_requests_total`` with ``source_workload``/``destination_workload``):
  ``edge_requests`` and ``edge_request_duration_seconds_{mean,p90}``, the duration being the
  parent's (the client side, network included, as the source proxy measures it).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pydantic import Field, model_validator

from efficiency.base.pods import strip_pod_suffix
from efficiency.ingest.metrics import PointIn
from efficiency.ingest.rollup import MinuteCounts, minute_of, whole_minutes
from efficiency.ingest.templates import capped, template_of
from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel

#: most operations a service keeps as series of their own per batch
OPERATION_CAP = 30
_ROOTS = ("", "root", "0", "0000000000000000")


class SpanIn(IngestModel):
    trace_id: str = Field(min_length=1, max_length=128)
    span_id: str = Field(min_length=1, max_length=128)
    parent_id: str | None = Field(None, max_length=128)
    service: str | None = Field(None, min_length=1, max_length=200)
    pod: str | None = Field(None, min_length=1, max_length=253)
    operation: str = Field(min_length=1, max_length=1000)
    start: EventTime
    end: EventTime | None = None
    duration: float | None = Field(None, ge=0, le=86_400, description="seconds")
    error: bool = False

    @model_validator(mode="after")
    def _complete(self) -> SpanIn:
        if not self.service and not self.pod:
            raise ValueError("service: give the span's service or pod")
        if self.end is None and self.duration is None:
            raise ValueError("end: give the span's end or its duration")
        if self.end is not None and self.end < self.start:
            raise ValueError("end: is before start")
        return self

    @property
    def service_name(self) -> str:
        return self.service or strip_pod_suffix(str(self.pod))

    @property
    def seconds(self) -> float:
        if self.duration is not None:
            return self.duration
        return (self.end - self.start).total_seconds() if self.end else 0.0


class SpanBatchIn(IngestModel):
    records: list[SpanIn] = Field(min_length=1)


def span_points(spans: Iterable[SpanIn], operation_cap: int = OPERATION_CAP) -> list[PointIn]:
    """The per-minute series of the module, from validated spans."""
    unique: dict[str, SpanIn] = {}
    for span in spans:
        unique.setdefault(span.span_id, span)
    starts: list[datetime] = [s.start for s in unique.values()]
    minutes = whole_minutes(starts)
    ops: dict[str, list[str]] = {}
    for span in unique.values():
        ops.setdefault(span.service_name, []).append(template_of(span.operation))
    folded = {s: capped(names, operation_cap) for s, names in ops.items()}
    counts = MinuteCounts()
    for span in unique.values():
        service, minute = span.service_name, minute_of(span.start)
        counts.observed[service].add(minute)
        labels = {"service": service, "operation": folded[service][template_of(span.operation)]}
        counts.add(service, "span_calls", labels, minute)
        if span.error:
            counts.add(service, "span_errors", labels, minute)
        counts.value("span_duration_seconds", labels, minute, span.seconds)
        parent = unique.get(span.parent_id or "") if span.parent_id not in _ROOTS else None
        if parent is None or parent.service_name == service:
            continue
        edge = {"source_workload": parent.service_name, "destination_workload": service}
        counts.observed[parent.service_name].add(minute)
        counts.add(parent.service_name, "edge_requests", edge, minute)
        counts.value("edge_request_duration_seconds", edge, minute, parent.seconds)
    return counts.points(minutes, {"p90": 0.9})
