"""What people do to incidents, in the store: acknowledge, resolve, merge two incidents, split
alerts out into a new one. Each change writes its row of the ``incident_actions`` audit trail
(who, when, what) in the same transaction, so the trail never disagrees with the incidents.

These functions move rows and keep the columns consistent; the severity, title and ranked
root causes of a changed incident, and the pages the change calls for, are the stage's
(:mod:`efficiency.stages.incident_actions`), which calls these inside its own transaction.
Refusals are :class:`~efficiency.store.incident_queries.TransitionError` naming the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from efficiency.store.bulk import insert_ignore
from efficiency.store.events import Alert
from efficiency.store.incident_queries import TransitionError, set_incident_status
from efficiency.store.incidents import (
    Incident,
    IncidentAction,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
)

#: the verbs of the audit trail a person (or the correlator) writes
ACTIONS = ("acknowledge", "resolve", "merge", "merged_into", "split", "split_from", "silence")
ACTIVE = ("open", "acknowledged")
ACTOR_MAX = 200
#: severity order of alert labels (as the correlator reads them)
_RANK = {"info": 0, "warning": 1, "error": 2, "critical": 3}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


class ActionInputError(TransitionError):
    """The request itself is wrong (no actor, an alert that is not a member): ``field`` names
    what to fix. The API answers 422, the CLI exits 2."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


def check_actor(actor: str) -> str:
    """Who acts: a name, required, at most 200 characters (the column's width)."""
    actor = (actor or "").strip()
    if not actor:
        raise ActionInputError("actor", "say who does this (a name)")
    if len(actor) > ACTOR_MAX:
        raise ActionInputError("actor", f"longer than {ACTOR_MAX} characters")
    return actor


def record_action(
    session: Session,
    incident_id: int,
    action: str,
    actor: str,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> IncidentAction:
    row = IncidentAction(
        incident_id=incident_id, action=action, actor=actor, at=now or datetime.now(UTC),
        detail=dict(detail or {}),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def action_dict(row: IncidentAction) -> dict[str, Any]:
    return {
        "id": row.id,
        "incident_id": row.incident_id,
        "action": row.action,
        "actor": row.actor,
        "at": _iso(row.at),
        "detail": dict(row.detail),
    }


def list_actions(session: Session, incident_id: int) -> list[dict[str, Any]]:
    """The incident's audit trail, oldest first."""
    rows = session.scalars(
        select(IncidentAction)
        .where(IncidentAction.incident_id == incident_id)
        .order_by(IncidentAction.at, IncidentAction.id)
    )
    return [action_dict(r) for r in rows]


def _get(session: Session, incident_id: int) -> Incident:
    row = session.get(Incident, incident_id)
    if row is None or row.status == "pending":
        raise TransitionError(f"incident {incident_id} does not exist")
    return row


def change_status(
    session: Session, incident_id: int, status: str, actor: str, now: datetime | None = None
) -> bool:
    """Acknowledge or resolve by hand; True when the status changed (and the change was
    recorded), False for a no-op (acknowledging an acknowledged incident)."""
    actor = check_actor(actor)
    now = now or datetime.now(UTC)
    before = _get(session, incident_id).status
    set_incident_status(session, incident_id, status, now)
    if before == status:
        return False
    verb = {"acknowledged": "acknowledge", "resolved": "resolve"}[status]
    record_action(session, incident_id, verb, actor, {"from": before}, now)
    return True


@dataclass(frozen=True)
class Moved:
    """What a merge or split moved: the incident that gave and the one that took."""

    source_id: int
    target_id: int
    alerts: int
    detections: int


def merge_incidents(
    session: Session, target_id: int, source_id: int, actor: str, now: datetime | None = None
) -> Moved:
    """Merge ``source_id`` into ``target_id``: its alerts, detections and suspected changes
    move over, and it is resolved with ``merged_into_id`` set. The target must be active; the
    source must not be merged already."""
    actor = check_actor(actor)
    now = now or datetime.now(UTC)
    if target_id == source_id:
        raise TransitionError(f"incident {target_id} cannot be merged into itself")
    target, source = _get(session, target_id), _get(session, source_id)
    if target.status not in ACTIVE:
        raise TransitionError(f"incident {target_id} is {target.status}: merge into an active one")
    if source.merged_into_id is not None:
        raise TransitionError(
            f"incident {source_id} was already merged into {source.merged_into_id}"
        )
    alerts = _move(session, IncidentAlert, "alert_id", source_id, target_id)
    detections = _move(session, IncidentDetection, "detection_id", source_id, target_id)
    changes = session.execute(
        select(IncidentChange.change_id, IncidentChange.score).where(
            IncidentChange.incident_id == source_id
        )
    ).all()
    insert_ignore(
        session,
        IncidentChange.__table__,
        [{"incident_id": target_id, "change_id": c, "score": s} for c, s in changes],
        ("incident_id", "change_id"),
    )
    source.merged_into_id = target_id
    if source.status != "resolved":
        source.status, source.resolved_at = "resolved", now
    source.updated_at = target.updated_at = now
    target.opened_at = min(target.opened_at, source.opened_at)
    detail = {"alerts": alerts, "detections": detections}
    record_action(session, target_id, "merge", actor, {"merged": source_id, **detail}, now)
    record_action(session, source_id, "merged_into", actor, {"into": target_id, **detail}, now)
    return Moved(source_id, target_id, alerts, detections)


def _move(session: Session, table: Any, column: str, source_id: int, target_id: int) -> int:
    ids = session.scalars(
        select(getattr(table, column)).where(table.incident_id == source_id)
    ).all()
    insert_ignore(
        session,
        table.__table__,
        [{"incident_id": target_id, column: i} for i in ids],
        ("incident_id", column),
    )
    session.execute(
        delete(table)
        .where(table.incident_id == source_id)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


def split_incident(
    session: Session,
    incident_id: int,
    fingerprints: Sequence[str],
    actor: str,
    now: datetime | None = None,
    key: str | None = None,
) -> Moved:
    """Move every firing of the alerts ``fingerprints`` out of an active incident into a new
    open incident (``key``: its key, else one made from the split). At least one alert must
    stay behind (splitting everything out is not a split), and every fingerprint must belong
    to the incident."""
    actor = check_actor(actor)
    now = now or datetime.now(UTC)
    wanted = sorted(set(fingerprints))
    if not wanted:
        raise ActionInputError("fingerprints", "name at least one alert to split out")
    parent = _get(session, incident_id)
    if parent.status not in ACTIVE:
        raise TransitionError(f"incident {incident_id} is {parent.status}: only active ones split")
    members = session.execute(
        select(Alert.id, Alert.fingerprint, Alert.starts_at, Alert.service, Alert.severity)
        .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
        .where(IncidentAlert.incident_id == incident_id)
    ).all()
    present = {m.fingerprint for m in members}
    unknown = [fp for fp in wanted if fp not in present]
    if unknown:
        raise ActionInputError(
            "fingerprints", f"{', '.join(unknown[:5])} not in incident {incident_id}"
        )
    if present <= set(wanted):
        raise ActionInputError(
            "fingerprints", f"that is every alert of incident {incident_id}; leave at least one"
        )
    moving = [m for m in members if m.fingerprint in set(wanted)]
    seed = f"{parent.key}\0{','.join(wanted)}\0{now.isoformat()}"
    child = Incident(
        key=key or "split-" + hashlib.sha1(seed.encode()).hexdigest()[:16],
        status="open",
        severity=max((m.severity for m in moving), key=lambda s: _RANK.get(s, 1)) or "warning",
        title=f"{len(wanted)} alert{'s' * (len(wanted) != 1)} split from incident {incident_id}",
        services=sorted({m.service for m in moving if m.service}),
        opened_at=min(m.starts_at for m in moving),
        updated_at=now,
        root_causes=[],
    )
    session.add(child)
    session.flush()
    ids = [m.id for m in moving]
    for i in range(0, len(ids), 900):
        session.execute(
            update(IncidentAlert)
            .where(IncidentAlert.incident_id == incident_id)
            .where(IncidentAlert.alert_id.in_(ids[i : i + 900]))
            .values(incident_id=child.id)
            .execution_options(synchronize_session=False)
        )
    parent.updated_at = now
    detail = {"fingerprints": wanted, "alerts": len(ids)}
    record_action(session, incident_id, "split", actor, {"new_incident": child.id, **detail}, now)
    record_action(session, child.id, "split_from", actor, {"incident": incident_id, **detail}, now)
    return Moved(incident_id, child.id, len(ids), 0)
