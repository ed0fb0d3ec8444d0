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

STATUSES = ("open", "acknowledged", "resolved")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def incident_dict(session: Session, inc: Incident) -> dict[str, Any]:
    fingerprints = session.scalars(
        select(Alert.fingerprint)
        .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
        .where(IncidentAlert.incident_id == inc.id)
        .order_by(Alert.starts_at)
    ).all()
    detection_ids = session.scalars(
        select(IncidentDetection.detection_id)
        .where(IncidentDetection.incident_id == inc.id)
        .order_by(IncidentDetection.detection_id)
    ).all()
    changes = session.execute(
        select(ChangeEvent, IncidentChange.score)
        .join(IncidentChange, IncidentChange.change_id == ChangeEvent.id)
        .where(IncidentChange.incident_id == inc.id)
        .order_by(IncidentChange.score.desc())
    ).all()
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


def list_incidents(session: Session, status: str = "open") -> list[dict[str, Any]]:
    query = select(Incident).order_by(Incident.opened_at.desc(), Incident.id.desc())
    if status == "all":  # pending groups have not passed the opening rules: not incidents yet
        query = query.where(Incident.status != "pending")
    else:
        query = query.where(Incident.status == status)
    return [incident_dict(session, inc) for inc in session.scalars(query)]


def get_incident(session: Session, incident_id: int) -> dict[str, Any] | None:
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


def list_detections(session: Session, kind: str | None = None) -> list[dict[str, Any]]:
    query = select(Detection).order_by(Detection.onset_at.desc(), Detection.id.desc())
    if kind:
        query = query.where(Detection.kind == kind)
    return [detection_dict(d) for d in session.scalars(query)]
