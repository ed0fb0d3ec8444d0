"""The savings ledger, summed in SQL: totals, per group (service, team, playbook), per
proposal and per month, over the lines dated in a period.

A ledger line (``savings``) is an *estimated* saving written when a proposal is made, or a
*realized* one written when the detector sees the fix's improvement. Its ``cores`` are average
cores saved and its ``gpu_hours``, ``kwh`` and ``dollars`` are per month. A line counts in
``[start, end)`` by its ``period_start`` (the proposal's time, or the improvement's onset).
Estimated lines of rejected proposals do not count: nobody will realize them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from efficiency.store.remediation import Hotspot, Proposal, Saving
from efficiency.store.sqltime import dialect_of, month

KINDS = ("estimated", "realized")
METRICS = ("cores", "gpu_hours", "kwh", "dollars")
GROUPS = ("service", "team", "playbook")


def _team() -> Any:
    """The line's team, else the team its proposal's estimated line recorded (a realized line
    is written without one)."""
    other = aliased(Saving)
    recorded = (
        select(other.team)
        .where(other.proposal_id == Saving.proposal_id, other.team != "")
        .correlate(Saving)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(func.nullif(Saving.team, ""), recorded, literal(""))


def _counted(start: datetime | None, end: datetime | None) -> list[Any]:
    cond: list[Any] = [
        or_(Saving.kind != "estimated", Proposal.id.is_(None), Proposal.status != "rejected")
    ]
    if start is not None:
        cond.append(Saving.period_start >= start)
    if end is not None:
        cond.append(Saving.period_start < end)
    return cond


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(Saving, m)), 0.0).label(m) for m in METRICS]


def _joined(*columns: Any) -> Any:
    return (
        select(*columns).select_from(Saving).outerjoin(Proposal, Proposal.id == Saving.proposal_id)
    )


def savings_totals(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> dict[str, dict[str, float]]:
    """kind -> metric -> sum over the period (zeros for a kind without lines)."""
    out = {k: dict.fromkeys(METRICS, 0.0) for k in KINDS}
    for row in session.execute(
        _joined(Saving.kind, *_sums()).where(*_counted(start, end)).group_by(Saving.kind)
    ):
        out.setdefault(row.kind, {}).update({m: float(getattr(row, m)) for m in METRICS})
    return out


def savings_by_group(
    session: Session, by: str, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per (group, kind): the group's name (``""`` when the line has none), the
    kind, the sums and the number of proposals behind them."""
    if by not in GROUPS:
        raise ValueError(f"by: one of {', '.join(GROUPS)}")
    key = (_team() if by == "team" else getattr(Saving, by)).label("group")
    rows = session.execute(
        _joined(key, Saving.kind, *_sums(), func.count(func.distinct(Saving.proposal_id)))
        .where(*_counted(start, end))
        .group_by(key, Saving.kind)
        .order_by(key, Saving.kind)
    ).all()
    return [
        {"group": r[0] or "", "kind": r[1], **{m: float(r[2 + i]) for i, m in enumerate(METRICS)},
         "proposals": int(r[-1])}
        for r in rows
    ]  # fmt: skip


def savings_by_proposal(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per (proposal, kind) with the proposal's service, team, playbook, status,
    branch and hot spot; lines without a proposal come as proposal ``None``."""
    team = _team().label("team")
    rows = session.execute(
        _joined(Saving.proposal_id, Saving.kind, Saving.service, team, Saving.playbook,
                Proposal.status, Proposal.branch, Hotspot.frame,
                func.min(Saving.period_start), *_sums())
        .outerjoin(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(*_counted(start, end))
        .group_by(Saving.proposal_id, Saving.kind, Saving.service, team, Saving.playbook,
                  Proposal.status, Proposal.branch, Hotspot.frame)
        .order_by(Saving.proposal_id, Saving.kind)
    ).all()  # fmt: skip
    return [
        {"proposal_id": r[0], "kind": r[1], "service": r[2], "team": r[3] or "",
         "playbook": r[4], "status": r[5] or "", "branch": r[6] or "", "frame": r[7] or "",
         "dated": r[8], **{m: float(r[9 + i]) for i, m in enumerate(METRICS)}}
        for r in rows
    ]  # fmt: skip


def savings_by_month(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per (UTC month ``YYYY-MM``, kind) with the sums of the lines dated then."""
    key = month(Saving.period_start, dialect_of(session)).label("month")
    rows = session.execute(
        _joined(key, Saving.kind, *_sums())
        .where(*_counted(start, end))
        .group_by(key, Saving.kind)
        .order_by(key, Saving.kind)
    ).all()
    return [
        {"month": r[0], "kind": r[1], **{m: float(r[2 + i]) for i, m in enumerate(METRICS)}}
        for r in rows
    ]


def open_proposal_savings(session: Session) -> dict[str, tuple[float, float]]:
    """Service -> (cores, GPUs) on average that the proposals still open (not merged, not
    rejected) estimate they save: what the capacity outlook takes off its forecast."""
    rows = session.execute(
        select(Hotspot.service, func.sum(func.coalesce(Proposal.estimated_savings_cores, 0.0)),
               func.sum(func.coalesce(Proposal.estimated_savings_gpu_hours, 0.0)))
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(Proposal.status.not_in(("merged", "rejected")))
        .group_by(Hotspot.service)
    ).all()  # fmt: skip
    return {svc: (float(c or 0.0), float(g or 0.0)) for svc, c, g in rows}
