"""Read side of incidents and detections, in the JSON shape DESIGN.md fixes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
)
from efficiency.store.paging import (
    DEFAULT_LIMIT,
    MAX_ID,
    MAX_LIMIT,
    after_cursor,
    check_limit,
    encode_cursor,
)

STATUSES = ("open", "acknowledged", "resolved")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


#: ids per ``IN (...)`` list, well under SQLite's variable limit
CHUNK = 900


Members = tuple[
    dict[int, list[str]], dict[int, list[int]], dict[int, list[tuple[ChangeEvent, float]]]
]


def _members(session: Session, ids: list[int]) -> Members:
    """Alert fingerprints, detection ids and suspected changes of many incidents: three
    queries per :data:`CHUNK` incidents, never three per incident."""
    fingerprints: dict[int, list[str]] = {i: [] for i in ids}
    detections: dict[int, list[int]] = {i: [] for i in ids}
    changes: dict[int, list[tuple[ChangeEvent, float]]] = {i: [] for i in ids}
    for n in range(0, len(ids), CHUNK):
        chunk = ids[n : n + CHUNK]
        rows = session.execute(
            select(IncidentAlert.incident_id, Alert.fingerprint)
            .join(Alert, IncidentAlert.alert_id == Alert.id)
            .where(IncidentAlert.incident_id.in_(chunk))
            .order_by(IncidentAlert.incident_id, Alert.starts_at, Alert.id)
        )
        for incident_id, fingerprint in rows:
            fingerprints[incident_id].append(fingerprint)
        rows = session.execute(
            select(IncidentDetection.incident_id, IncidentDetection.detection_id)
            .where(IncidentDetection.incident_id.in_(chunk))
            .order_by(IncidentDetection.incident_id, IncidentDetection.detection_id)
        )
        for incident_id, detection_id in rows:
            detections[incident_id].append(detection_id)
        found = session.execute(
            select(IncidentChange.incident_id, ChangeEvent, IncidentChange.score)
            .join(ChangeEvent, IncidentChange.change_id == ChangeEvent.id)
            .where(IncidentChange.incident_id.in_(chunk))
            .order_by(IncidentChange.incident_id, IncidentChange.score.desc())
        )
        for incident_id, change, score in found:
            changes[incident_id].append((change, score))
    return fingerprints, detections, changes


def _as_dict(
    inc: Incident,
    fingerprints: list[str],
    detection_ids: list[int],
    changes: list[tuple[ChangeEvent, float]],
) -> dict[str, Any]:
    return {
        "id": inc.id,
        "key": inc.key,
        "status": inc.status,
        "severity": inc.severity,
        "title": inc.title,
        "services": list(inc.services),
        "opened_at": _iso(inc.opened_at),
        "acknowledged_at": _iso(inc.acknowledged_at),
        "resolved_at": _iso(inc.resolved_at),
        "alert_fingerprints": list(dict.fromkeys(fingerprints)),
        "detection_ids": list(detection_ids),
        "root_causes": list(inc.root_causes),
        "suspected_changes": [
            {
                "id": c.id,
                "service": c.service,
                "kind": c.kind,
                "at": _iso(c.at),
                "version": c.version,
                "commit": c.commit,
                "score": score,
            }
            for c, score in changes
        ],
        "previous_incident_id": inc.previous_incident_id,
        "flapping": inc.flapping,
        "silenced": inc.silenced,
    }


def incident_dicts(session: Session, incidents: list[Incident]) -> list[dict[str, Any]]:
    """Incidents in DESIGN.md's JSON shape, their members read in bulk."""
    fingerprints, detections, changes = _members(session, [inc.id for inc in incidents])
    return [
        _as_dict(inc, fingerprints[inc.id], detections[inc.id], changes[inc.id])
        for inc in incidents
    ]


def incident_dict(session: Session, inc: Incident) -> dict[str, Any]:
    return incident_dicts(session, [inc])[0]


def _status_filter(status: str) -> Any:
    if status == "all":  # pending groups have not passed the opening rules: not incidents yet
        return Incident.status != "pending"
    return Incident.status == status


def incidents_page(
    session: Session, status: str = "open", limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of incidents, newest first, and the cursor of the next page (None at the
    end). Cost: one indexed range read of ``limit`` rows plus three member queries,
    however many incidents the store holds. Raises CursorError for a bad cursor or limit."""
    check_limit(limit)
    query = select(Incident).where(_status_filter(status))
    after = after_cursor(Incident.opened_at, Incident.id, cursor)
    if after is not None:
        query = query.where(after)
    rows = list(
        session.scalars(
            query.order_by(Incident.opened_at.desc(), Incident.id.desc()).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    following = encode_cursor(rows[-1].opened_at, rows[-1].id) if more else None
    return incident_dicts(session, rows), following


def list_incidents(session: Session, status: str = "open") -> list[dict[str, Any]]:
    """Every incident of a status, newest first (for callers that need them all; the CLI
    and the API page with :func:`incidents_page`)."""
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page, cursor = incidents_page(session, status, MAX_LIMIT, cursor)
        out.extend(page)
        if cursor is None:
            return out


def get_incident(session: Session, incident_id: int) -> dict[str, Any] | None:
    if not 0 < incident_id <= MAX_ID:
        return None
    inc = session.get(Incident, incident_id)
    return incident_dict(session, inc) if inc else None


class TransitionError(ValueError):
    """An incident cannot move to the asked status (it is unknown or already resolved)."""


def set_incident_status(
    session: Session, incident_id: int, status: str, now: datetime | None = None
) -> dict[str, Any]:
    """Acknowledge or resolve an incident by hand. Resolved is final; acknowledging an
    acknowledged incident is a no-op."""
    now = now or datetime.now(UTC)
    inc = session.get(Incident, incident_id)
    if inc is None:
        raise TransitionError(f"incident {incident_id} does not exist")
    if inc.status == "resolved" and status != "resolved":
        raise TransitionError(f"incident {incident_id} is resolved and cannot be {status}")
    if status == "acknowledged" and inc.status == "open":
        inc.status, inc.acknowledged_at, inc.updated_at = status, now, now
    elif status == "resolved" and inc.status != "resolved":
        inc.status, inc.resolved_at, inc.updated_at = status, now, now
    session.flush()
    return incident_dict(session, inc)


def detection_dict(d: Detection) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "service": d.service,
        "function": d.function,
        "onset_at": _iso(d.onset_at),
        "magnitude_rel": d.magnitude_rel,
        "magnitude_cores": d.magnitude_cores,
        "p_value": d.p_value,
        "detector": d.detector,
        "status": d.status,
        "suspected_change_id": d.suspected_change_id,
    }


def detections_page(
    session: Session,
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of detections, newest onset first, and the next page's cursor (or None)."""
    check_limit(limit)
    query = select(Detection)
    if kind:
        query = query.where(Detection.kind == kind)
    after = after_cursor(Detection.onset_at, Detection.id, cursor)
    if after is not None:
        query = query.where(after)
    rows = list(
        session.scalars(
            query.order_by(Detection.onset_at.desc(), Detection.id.desc()).limit(limit + 1)
        )
    )
    more = len(rows) > limit
    rows = rows[:limit]
    following = encode_cursor(rows[-1].onset_at, rows[-1].id) if more else None
    return [detection_dict(d) for d in rows], following


def list_detections(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    query = select(Detection).order_by(Detection.onset_at.desc(), Detection.id.desc())
    if kind:
        query = query.where(Detection.kind == kind)
    return [detection_dict(d) for d in session.scalars(query)]
