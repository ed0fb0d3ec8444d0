"""Canary runs: what was asked (service, selectors, window), its status and its verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from efficiency.store.base import Base
from efficiency.store.incidents import Page
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


def set_rollback(session: Session, run_id: int, rollback: dict[str, Any]) -> None:
    """Record what a failed run fired (incident, outbox rows), kept in its result."""
    run = session.get(CanaryRun, run_id)
    if run is None:
        raise KeyError(run_id)
    run.result = {**(run.result or {}), "rollback": rollback}


def rollback_view(session: Session, rollback: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a run fired, each outbox row with its delivery state as it is now."""
    if not rollback:
        return None
    ids = [int(row["id"]) for row in rollback.get("outbox", [])]
    pages = {p.id: p for p in session.scalars(select(Page).where(Page.id.in_(ids)))}
    outbox = []
    for row in rollback.get("outbox", []):
        page = pages.get(int(row["id"]))
        outbox.append({**row, **({
            "state": page.state, "attempts": page.attempts, "last_error": page.last_error,
            "sent_at": page.sent_at.isoformat() if page.sent_at else None,
        } if page is not None else {"state": "deleted"})})  # fmt: skip
    return {**rollback, "outbox": outbox}


def get_run(session: Session, run_id: int) -> dict[str, Any] | None:
    run = session.get(CanaryRun, run_id)
    if run is None:
        return None
    result = dict(run.result) if run.result is not None else None
    rollback = result.pop("rollback", None) if result is not None else None
    return {
        "id": run.id, "service": run.service, "request": run.request, "status": run.status,
        "verdict": run.verdict, "result": result,
        "rollback": rollback_view(session, rollback),
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }  # fmt: skip
