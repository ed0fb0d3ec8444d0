"""`GET /api/v1/rca?at=T`: the same ranking as `efficiency rca --at T --json`.

A bad ``at`` (or a bad service graph file) is a 422 naming the field, as every other bad
input to the API is."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.ingest.errors import InputError
from efficiency.ingest.timeparse import parse_time


def _unprocessable(field: str, message: str, loc: list[str]) -> JSONResponse:
    return JSONResponse(
        {
            "error": f"{field}: {message}",
            "detail": [{"loc": loc, "msg": message, "type": "value_error"}],
        },
        status_code=422,
    )


def rca_answer(session: Session, config: Config, at: str) -> Any:
    """The ranking object, or a 422 response naming what was wrong. The service graph is
    the configured ``rca.service_graph`` (a client never names a file on the server)."""
    from efficiency.stages.rca import graph_edges, rank_at, rca_report

    try:
        moment = parse_time(at, "at")
    except InputError as exc:
        return _unprocessable("at", exc.message, ["query", "at"])
    try:
        edges = graph_edges(config.rca)
    except InputError as exc:
        return JSONResponse({"error": f"rca.service_graph: {exc}"}, status_code=500)
    return rca_report(rank_at(session, moment, config.rca, edges), moment)
