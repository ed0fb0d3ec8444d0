"""``POST /api/v1/logs`` and ``POST /api/v1/spans``: log records and spans as per-minute
series (:mod:`efficiency.ingest.logs`, :mod:`efficiency.ingest.spans`), for ``rca``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, params
from sqlalchemy.orm import Session

from efficiency.ingest.httperrors import responses
from efficiency.ingest.logs import LogBatchIn, log_points
from efficiency.ingest.metrics import store_metrics
from efficiency.ingest.spans import SpanBatchIn, span_points

Write = Callable[[Callable[[Session], Any]], Any]


def event_router(write: Write, auth: Sequence[params.Depends]) -> APIRouter:
    router = APIRouter(dependencies=list(auth), tags=["ingest"])

    def stored(records: int, points: list[Any]) -> dict[str, Any]:
        if not points:  # too little time covered for a whole minute: nothing to store
            return {"records": records, "received": 0, "stored": 0, "series": 0,
                    "duplicates": 0}  # fmt: skip
        result = write(lambda s: store_metrics(s, points))
        return {"records": records, **result.as_dict()}

    @router.post("/api/v1/logs", responses=responses(401, 413, 422, 500, 503))
    def post_logs(payload: LogBatchIn) -> dict[str, Any]:
        """Log records ``{"records": [{ts, service|pod, message, level?, trace_id?}]}``:
        counted per service, level and message template, per minute."""
        return stored(len(payload.records), log_points(payload.records))

    @router.post("/api/v1/spans", responses=responses(401, 413, 422, 500, 503))
    def post_spans(payload: SpanBatchIn) -> dict[str, Any]:
        """Spans ``{"records": [{trace_id, span_id, parent_id, service|pod, operation,
        start, end|duration}]}``: calls and latency per operation and call edge, per minute."""
        return stored(len(payload.records), span_points(payload.records))

    return router
