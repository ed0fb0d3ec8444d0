"""Realized savings: a proposal's fix, deployed, shows up as the detector's *improvement* on the
function it changed.

For every proposal without a realized saving yet, the first improvement detection of the hot
spot's function in its service whose onset comes after the proposal was made is the evidence:
its size in cores (``-magnitude_cores``) becomes the proposal's realized saving and one
``realized`` line of the savings ledger, priced by the cost model. The detection's suspected
change (the deploy that brought the fix) is kept in the note.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.report.costs import CostModel
from efficiency.store.incidents import Detection
from efficiency.store.remediation import Hotspot, Proposal, Saving


def frame_key(frame: str) -> tuple[str, str]:
    """(function, file name) of ``function (path:line)`` / ``function (path)``: how a hot
    spot's frame and a detection's function are compared (paths differ between the two)."""
    name, _, rest = frame.partition(" (")
    path = rest.rstrip(")").rsplit(":", 1)[0] if rest else ""
    if rest and not rest.rstrip(")").rsplit(":", 1)[-1].isdigit():
        path = rest.rstrip(")")
    return name.strip(), PurePosixPath(path).name


def realize_savings(session: Session, costs: CostModel, now: datetime | None = None) -> list[int]:
    """Record the realized saving of every proposal whose improvement has been detected; the
    ids of the proposals updated."""
    now = now or datetime.now(UTC)
    updated = []
    open_rows = session.execute(
        select(Proposal, Hotspot)
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(Proposal.realized_savings_cores.is_(None), Proposal.branch != "")
    ).all()
    for proposal, hotspot in open_rows:
        wanted = frame_key(hotspot.frame)
        improvements = session.scalars(
            select(Detection)
            .where(
                Detection.kind == "improvement",
                Detection.service == hotspot.service,
                Detection.onset_at >= proposal.created_at,
            )
            .order_by(Detection.onset_at)
        )
        found = next((d for d in improvements if frame_key(d.function) == wanted), None)
        if found is None or found.magnitude_cores is None:
            continue
        cores = -found.magnitude_cores
        proposal.realized_savings_cores = cores
        proposal.updated_at = now
        money = costs.monthly(cores=cores)
        session.add(
            Saving(
                proposal_id=proposal.id, service=hotspot.service, playbook=proposal.playbook,
                kind="realized", period_start=found.onset_at, period_end=now, cores=cores,
                kwh=money["kwh_per_month"], dollars=money["dollars_per_month"],
                note=f"per month; improvement detection {found.id}"
                + (f", deploy {found.suspected_change_id}" if found.suspected_change_id else ""),
            )
        )  # fmt: skip
        updated.append(proposal.id)
    session.flush()
    return updated
