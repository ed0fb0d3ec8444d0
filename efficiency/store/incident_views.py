"""The dashboard's read side of incidents: a filtered, sorted page of the list (filters,
order, paging and member counts in SQL), and one incident with everything its detail view
shows (members, timeline records, pages sent, the audit trail).

Both stay fast with a million alerts: the list touches one page of incidents and counts their
members by primary key; the detail reads one incident's members, at most ``member_limit``
alerts of them (with the total).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import Session

from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incident_actions import list_actions
from efficiency.store.incident_queries import incident_dict
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentDetection,
    Page,
)

SEVERITIES = ("critical", "error", "warning", "info")
STATUS_FILTERS = ("active", "open", "acknowledged", "resolved", "all")
SORTS = ("opened_at", "updated_at", "severity", "alerts")
#: how far around an incident the timeline shows other deploys of its services
CHANGE_MARGIN = timedelta(hours=1)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass
class IncidentFilter:
    """What the list shows: ``status`` one of :data:`STATUS_FILTERS` (active = open or
    acknowledged), any of ``severities``, incidents touching ``service``, opened in
    ``[since, until)``, ordered by ``sort`` (one of :data:`SORTS`)."""

    status: str = "active"
    severities: Sequence[str] = ()
    service: str = ""
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "opened_at"
    descending: bool = True
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.status not in STATUS_FILTERS:
            raise ValueError(f"status: one of {', '.join(STATUS_FILTERS)}")
        if self.sort not in SORTS:
            raise ValueError(f"sort: one of {', '.join(SORTS)}")
        if not 1 <= self.limit <= 1000 or self.offset < 0:
            raise ValueError("limit: 1 to 1000, offset: 0 or more")


@dataclass
class IncidentPage:
    rows: list[dict[str, Any]]
    total: int
    filter: IncidentFilter = field(default_factory=IncidentFilter)


def _severity_rank() -> Any:
    return case(
        {"critical": 3, "error": 2, "warning": 1, "info": 0}, value=Incident.severity, else_=1
    )


def _conditions(f: IncidentFilter) -> list[Any]:
    cond: list[Any] = [Incident.status != "pending"]
    if f.status == "active":
        cond.append(Incident.status.in_(("open", "acknowledged")))
    elif f.status != "all":
        cond.append(Incident.status == f.status)
    if f.severities:
        cond.append(Incident.severity.in_(list(f.severities)))
    if f.service:
        # ``services`` is a JSON array; its text holds each name quoted, on both backends
        cond.append(cast(Incident.services, Text).contains(f'"{f.service}"', autoescape=True))
    if f.since is not None:
        cond.append(Incident.opened_at >= f.since)
    if f.until is not None:
        cond.append(Incident.opened_at < f.until)
    return cond


def search_incidents(session: Session, f: IncidentFilter) -> IncidentPage:
    """One page of incidents matching ``f``, with the total count and per row the number of
    alert firings and detections."""
    cond = _conditions(f)
    total = session.scalar(select(func.count()).select_from(Incident).where(*cond)) or 0
    alerts = (
        select(func.count())
        .where(IncidentAlert.incident_id == Incident.id)
        .correlate(Incident)
        .scalar_subquery()
    )
    detections = (
        select(func.count())
        .where(IncidentDetection.incident_id == Incident.id)
        .correlate(Incident)
        .scalar_subquery()
    )
    key = {
        "opened_at": Incident.opened_at,
        "updated_at": Incident.updated_at,
        "severity": _severity_rank(),
        "alerts": alerts,
    }[f.sort]
    order = [key.desc() if f.descending else key.asc(), Incident.id.desc()]
    rows = session.execute(
        select(
            Incident.id, Incident.status, Incident.severity, Incident.title, Incident.services,
            Incident.opened_at, Incident.updated_at, Incident.resolved_at, Incident.silenced,
            Incident.flapping, Incident.merged_into_id, alerts.label("alerts"),
            detections.label("detections"),
        )
        .where(*cond)
        .order_by(*order)
        .limit(f.limit)
        .offset(f.offset)
    ).all()  # fmt: skip
    return IncidentPage(
        [
            {
                "id": r.id,
                "status": r.status,
                "severity": r.severity,
                "title": r.title,
                "services": list(r.services),
                "opened_at": _iso(r.opened_at),
                "updated_at": _iso(r.updated_at),
                "resolved_at": _iso(r.resolved_at),
                "alerts": int(r.alerts),
                "detections": int(r.detections),
                "silenced": r.silenced,
                "flapping": r.flapping,
                "merged_into_id": r.merged_into_id,
            }
            for r in rows
        ],
        int(total),
        f,
    )


def incident_services(session: Session) -> list[str]:
    """Every service some active or recent incident names (for the list's filter): from the
    alerts table's indexed service column, distinct."""
    names = session.scalars(select(Alert.service).distinct().where(Alert.service != "")).all()
    found = session.scalars(select(Detection.service).distinct().where(Detection.service != ""))
    return sorted(set(names) | set(found))


def _alert_row(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "fingerprint": a.fingerprint,
        "alertname": a.alertname,
        "service": a.service,
        "severity": a.severity,
        "status": a.status,
        "starts_at": _iso(a.starts_at),
        "ends_at": _iso(a.ends_at),
        "labels": dict(a.labels),
        "summary": str(a.annotations.get("summary") or a.annotations.get("description") or ""),
    }


def _detection_row(d: Detection) -> dict[str, Any]:
    return {
        "id": d.id,
        "kind": d.kind,
        "service": d.service,
        "function": d.function,
        "onset_at": _iso(d.onset_at),
        "magnitude_rel": d.magnitude_rel,
        "magnitude_cores": d.magnitude_cores,
        "magnitude_gpu_hours": d.magnitude_gpu_hours,
        "p_value": d.p_value,
        "detector": d.detector,
        "status": d.status,
        "suspected_change_id": d.suspected_change_id,
        "metric": d.evidence.get("metric"),
    }


def _page_row(p: Page) -> dict[str, Any]:
    return {
        "id": p.id,
        "route": p.route,
        "action": p.action,
        "revision": p.revision,
        "state": p.state,
        "attempts": p.attempts,
        "created_at": _iso(p.created_at),
        "sent_at": _iso(p.sent_at),
        "last_error": p.last_error,
    }


def incident_detail(
    session: Session, incident_id: int, member_limit: int = 500
) -> dict[str, Any] | None:
    """Everything the detail view shows, or None for an unknown incident: the incident (in
    DESIGN.md's shape), up to ``member_limit`` member alerts by start (``alerts_total``
    counts them all), its detections, the deploys of its services around it (suspected ones
    flagged), its pages, its audit trail and the incidents merged into it."""
    inc = session.get(Incident, incident_id)
    if inc is None or inc.status == "pending":
        return None
    out = incident_dict(session, inc)
    out["updated_at"] = _iso(inc.updated_at)
    out["merged_into_id"] = inc.merged_into_id
    members = select(IncidentAlert.alert_id).where(IncidentAlert.incident_id == incident_id)
    out["alerts_total"] = session.scalar(
        select(func.count()).select_from(IncidentAlert).where(
            IncidentAlert.incident_id == incident_id
        )
    )  # fmt: skip
    alerts = session.scalars(
        select(Alert).where(Alert.id.in_(members)).order_by(Alert.starts_at, Alert.id)
        .limit(member_limit)
    ).all()  # fmt: skip
    out["alerts"] = [_alert_row(a) for a in alerts]
    detections = session.scalars(
        select(Detection)
        .join(IncidentDetection, IncidentDetection.detection_id == Detection.id)
        .where(IncidentDetection.incident_id == incident_id)
        .order_by(Detection.onset_at)
    ).all()
    out["detections"] = [_detection_row(d) for d in detections]
    out["changes"] = _changes_around(session, inc, out)
    pages = session.scalars(
        select(Page).where(Page.incident_id == incident_id).order_by(Page.created_at, Page.id)
    ).all()
    out["pages"] = [_page_row(p) for p in pages]
    out["actions"] = list_actions(session, incident_id)
    out["merged_from"] = list(
        session.scalars(select(Incident.id).where(Incident.merged_into_id == incident_id))
    )
    return out


def _changes_around(session: Session, inc: Incident, out: dict[str, Any]) -> list[dict[str, Any]]:
    """Deploys of the incident's services from an hour before it opened to its end."""
    suspected = {c["id"]: c["score"] for c in out["suspected_changes"]}
    end = inc.resolved_at or inc.updated_at
    rows: list[ChangeEvent] = []
    if inc.services:
        rows = list(
            session.scalars(
                select(ChangeEvent)
                .where(
                    ChangeEvent.service.in_(list(inc.services)),
                    ChangeEvent.at >= inc.opened_at - CHANGE_MARGIN,
                    ChangeEvent.at <= end,
                )
                .order_by(ChangeEvent.at)
                .limit(200)
            )
        )
    ids = {c.id for c in rows}
    missing = [cid for cid in suspected if cid not in ids]
    if missing:
        rows += list(session.scalars(select(ChangeEvent).where(ChangeEvent.id.in_(missing))))
    return [
        {
            "id": c.id,
            "service": c.service,
            "kind": c.kind,
            "at": _iso(c.at),
            "version": c.version,
            "commit": c.commit,
            "author": c.author,
            "description": c.description,
            "suspected": c.id in suspected,
            "score": suspected.get(c.id),
        }
        for c in sorted(rows, key=lambda c: (c.at, c.id))
    ]


def common_labels(alerts: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The labels every given alert carries with the same value: the default matchers of a
    silence made from an incident."""
    firing = [a for a in alerts if a["status"] == "firing"] or list(alerts)
    if not firing:
        return {}
    common = dict(firing[0]["labels"])
    for a in firing[1:]:
        common = {k: v for k, v in common.items() if a["labels"].get(k) == v}
    return {k: str(v) for k, v in sorted(common.items())}
