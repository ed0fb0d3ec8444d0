"""Canary runs: what was asked (service, selectors, window), its status and its verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class CanaryRun(Base):
    __tablename__ = "canary_runs"
    __table_args__ = (Index("ix_canary_runs_service_created", "service", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(200))
    #: {"canary": selector text, "control": ..., "from": iso | None, "to": iso | None}
    request: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    #: running | done | error
    status: Mapped[str] = mapped_column(String(16), default="running")
    #: pass | marginal | fail | insufficient, once done
    verdict: Mapped[str | None] = mapped_column(String(16), default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


def create_run(session: Session, service: str, request: dict[str, Any]) -> int:
    run = CanaryRun(service=service, request=request, status="running",
                    created_at=datetime.now(UTC))  # fmt: skip
    session.add(run)
    session.flush()
    return int(run.id)


def finish_run(session: Session, run_id: int, result: dict[str, Any], status: str = "done") -> None:
    run = session.get(CanaryRun, run_id)
    if run is None:
        raise KeyError(run_id)
    run.status = status
    run.verdict = result.get("verdict")
    run.result = result
    run.finished_at = datetime.now(UTC)


def get_run(session: Session, run_id: int) -> dict[str, Any] | None:
    run = session.get(CanaryRun, run_id)
    if run is None:
        return None
    return {
        "id": run.id, "service": run.service, "request": run.request, "status": run.status,
        "verdict": run.verdict, "result": run.result,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }  # fmt: skip
