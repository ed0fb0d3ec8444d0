"""``POST /api/v1/canary`` runs a canary analysis and keeps it; ``GET /api/v1/canary/{id}``
reads it back (see docs/canary.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, params
from pydantic import BaseModel, ConfigDict, Field

from efficiency.config import Config
from efficiency.ingest.httperrors import responses
from efficiency.ingest.timeparse import parse_time
from efficiency.store.canary_runs import get_run
from efficiency.store.db import Database
from efficiency.store.paging import MAX_ID

RunId = Annotated[int, Path(ge=1, le=MAX_ID, description="A canary run's id.")]


class CanaryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    service: str = Field(min_length=1, max_length=200)
    canary: str = Field(min_length=3, max_length=2000, description="e.g. version=v2")
    control: str = Field(min_length=3, max_length=2000, description="e.g. version=v1")
    start: str | None = Field(None, alias="from", max_length=64)
    end: str | None = Field(None, alias="to", max_length=64)


def canary_router(config: Config, db: Database, auth: Sequence[params.Depends]) -> APIRouter:
    router = APIRouter(dependencies=list(auth), tags=["canary"])

    @router.post("/api/v1/canary", status_code=201, responses=responses(401, 422, 500, 503))
    def start_canary(body: CanaryIn) -> dict[str, Any]:
        """Judge the canary now and keep the run; returns it with its verdict."""
        from efficiency.stages.canary import run_and_record

        t0 = parse_time(body.start, "from") if body.start else None
        t1 = parse_time(body.end, "to") if body.end else None
        run_id = run_and_record(db, config, body.service, body.canary, body.control, t0, t1)
        with db.session() as s:
            found = get_run(s, run_id)
        assert found is not None  # written just above
        return found

    @router.get("/api/v1/canary/{run_id}", responses=responses(401, 404, 422, 500, 503))
    def read_canary(run_id: RunId) -> dict[str, Any]:
        with db.session() as s:
            found = get_run(s, run_id)
        if found is None:
            raise HTTPException(404, f"canary run {run_id} does not exist")
        return found

    return router
