"""Proposals for the dashboard: the list without diffs (joined with the hot spot's service
and frame in SQL), one proposal in full, and marking one merged or rejected with who and
when."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.store.incident_actions import ActionInputError, check_actor
from efficiency.store.remediation import Hotspot, Proposal

#: what a person may mark a proposal as (final: a merged or rejected one stays so)
REVIEW_STATUSES = ("merged", "rejected")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _row(p: Proposal, service: str, frame: str) -> dict[str, Any]:
    cost = p.verification.get("estimated_cost", {})
    return {
        "id": p.id,
        "hotspot_id": p.hotspot_id,
        "service": service,
        "frame": frame,
        "playbook": p.playbook,
        "status": p.status,
        "branch": p.branch,
        "repo": p.repo,
        "pr_url": p.pr_url,
        "estimated_cores": p.estimated_savings_cores,
        # before calibration against verified proposals (the same when not calibrated)
        "estimated_raw_cores": (cost.get("raw") or {}).get("cores", p.estimated_savings_cores),
        "estimated_gpu_hours_per_month": cost.get("gpu_hours_per_month"),
        "estimated_dollars_per_month": cost.get("dollars_per_month"),
        "estimated_kwh_per_month": cost.get("kwh_per_month"),
        "realized_cores": p.realized_savings_cores,
        "verified": _verified(p.verification),
        "created_at": _iso(p.created_at),
        "reviewed_by": p.reviewed_by,
        "reviewed_at": _iso(p.reviewed_at),
    }


def _verified(verification: dict[str, Any]) -> str:
    """One word for ``propose --verify``'s record: passed (tests pass after the change, the
    benchmark ran), failed (tests fail after it, or the benchmark broke), skipped (nothing to
    run) or not run."""
    if str(verification.get("verify", "")).startswith("skipped"):
        return "skipped"
    if verification.get("tests_after") == "fail" or verification.get("bench_error"):
        return "failed"
    if verification.get("tests_after") == "pass" or verification.get("speedup"):
        return "passed"
    return "not run"


def proposal_rows(
    session: Session, status: str = "", service: str = "", limit: int = 500
) -> list[dict[str, Any]]:
    """Proposals newest first (diffs and bodies left out)."""
    query = (
        select(Proposal, Hotspot.service, Hotspot.frame)
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .order_by(Proposal.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(Proposal.status == status)
    if service:
        query = query.where(Hotspot.service == service)
    return [_row(p, svc, frame) for p, svc, frame in session.execute(query)]


def proposal_detail(session: Session, proposal_id: int) -> dict[str, Any] | None:
    """One proposal with its diff, pull-request body and verification."""
    found = session.execute(
        select(Proposal, Hotspot.service, Hotspot.frame)
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(Proposal.id == proposal_id)
    ).first()
    if found is None:
        return None
    p, service, frame = found
    out = _row(p, service, frame)
    out.update(diff=p.diff, pr_body=p.pr_body, verification=dict(p.verification))
    return out


def review_proposal(
    session: Session, proposal_id: int, status: str, actor: str, now: datetime | None = None
) -> dict[str, Any]:
    """Mark a proposal merged or rejected, recording who and when."""
    actor = check_actor(actor)
    if status not in REVIEW_STATUSES:
        raise ActionInputError("status", f"one of {', '.join(REVIEW_STATUSES)}")
    row = session.get(Proposal, proposal_id)
    if row is None:
        raise ActionInputError("proposal", f"proposal {proposal_id} does not exist")
    if row.status in REVIEW_STATUSES and row.status != status:
        raise ActionInputError("status", f"proposal {proposal_id} is already {row.status}")
    now = now or datetime.now(UTC)
    if row.status != status:
        row.status, row.reviewed_by, row.reviewed_at, row.updated_at = status, actor, now, now
        session.flush()
    return proposal_detail(session, proposal_id) or {}


def verification_records(session: Session) -> list[tuple[str, dict[str, Any]]]:
    """(playbook, verification record) of every proposal that ran a benchmark (its record
    holds a ``speedup``), oldest first: what estimates are calibrated against."""
    rows = session.execute(
        select(Proposal.playbook, Proposal.verification).order_by(Proposal.id)
    ).all()
    return [(pb, dict(v)) for pb, v in rows if isinstance(v, dict) and "speedup" in v]
