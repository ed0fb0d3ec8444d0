"""The correlate stage's store I/O: the watermarks and the stage lock, rebuilding the
correlator from the stored incidents, and writing an incident with its members."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from efficiency.correlate import (
    CorrelationRules,
    Correlator,
    IncidentUpdate,
    RootCause,
    Topology,
    learn_cooccurrence,
)
from efficiency.correlate.correlator import Incident as Group
from efficiency.rca.services import EDGE_LABELS, edge_of
from efficiency.services import ServicesCatalog
from efficiency.stages.correlate_records import (
    ALERT_COLUMNS,
    alert_record,
    change_record,
    chunks,
    detection_record,
)
from efficiency.store.bulk import insert_ignore
from efficiency.store.db import Database
from efficiency.store.events import Alert, AlertEvent, ChangeEvent
from efficiency.store.fence import WAIT_SECONDS, FenceBusy, committed_horizon
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
    replace_suspected_changes,
)
from efficiency.store.metric_queries import series_labels_with
from efficiency.store.remediation import Watermark

log = logging.getLogger(__name__)

WM_ALERTS = "correlate.alert_events"
WM_DETECTIONS = "correlate.detections"
WM_CHANGES = "correlate.changes"
MARKS = (WM_ALERTS, WM_DETECTIONS, WM_CHANGES)
#: the table each watermark follows by id (the fence's names: ``store.fence.FENCED``)
TABLE_OF = {WM_ALERTS: "alert_events", WM_DETECTIONS: "detections", WM_CHANGES: "change_events"}
#: pg_advisory_xact_lock key of the stage ("effcorr")
LOCK_KEY = 0x65_66_66_63_6F_72_72
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: how far back co-occurrence between services is learned from past incidents
LEARN_HORIZON = timedelta(days=30)


def observed_call_edges(session: Session) -> set[tuple[str, str]]:
    """Caller -> callee edges of the call-edge metric series in the store (a service mesh's
    ``source_workload``/``destination_workload``, ``caller``/``callee``, ...: the pairs
    :data:`efficiency.rca.services.EDGE_LABELS` names): the call graph the fleet shows, used
    beside the services file's dependencies (or instead of them when it declares none)."""
    names = [dst for _, dst in EDGE_LABELS]
    edges = {edge_of(labels) for labels in series_labels_with(session, names)}
    return {e for e in edges if e is not None and e[0] != e[1]}


def rebuild_correlator(
    session: Session,
    rules: CorrelationRules,
    catalog: ServicesCatalog | None,
    event_now: datetime,
) -> Correlator:
    """The correlator as the store left it: active incidents, resolved ones inside the
    recurrence horizon, changes inside the lookback, and the learned co-occurrence."""
    topology = Topology()
    if catalog is not None:
        topology.dependencies = catalog.dependency_graph()
    topology.dependencies.add_edges_from(observed_call_edges(session))
    history = session.scalars(
        select(Incident.services).where(
            Incident.status != "pending", Incident.opened_at >= event_now - LEARN_HORIZON
        )
    ).all()
    topology.cooccurrence = learn_cooccurrence(history)
    correlator = Correlator(rules, topology)
    rows = session.scalars(
        select(Incident).where(
            Incident.status.in_(("pending", "open", "acknowledged"))
            | (Incident.resolved_at >= event_now - rules.recurrence_horizon)
        )
    ).all()
    keys = {row.id: row.key for row in rows}
    previous_ids = {r.previous_incident_id for r in rows if r.previous_incident_id}
    previous_keys = dict(
        session.execute(
            select(Incident.id, Incident.key).where(Incident.id.in_(previous_ids))
        ).all()
    )
    groups = {
        row.id: Group(
            key=row.key,
            status=row.status,
            group=None,
            previous_incident=previous_keys.get(row.previous_incident_id or -1),
            opened_at=row.opened_at if row.status != "pending" else None,
            resolved_at=row.resolved_at,
            severity=row.severity,
            root_causes=tuple(_root_cause(rc) for rc in row.root_causes),
        )
        for row in rows
    }
    ids = list(keys)
    for chunk in chunks(ids):
        members = session.execute(
            select(IncidentAlert.incident_id, Alert)
            .join(Alert, Alert.id == IncidentAlert.alert_id)
            .where(IncidentAlert.incident_id.in_(chunk))
            .order_by(Alert.starts_at)
        ).all()
        for incident_id, alert in members:  # a flapping alert: its latest firing wins
            groups[incident_id].alerts[alert.fingerprint] = alert_record(alert)
        found = session.execute(
            select(IncidentDetection.incident_id, Detection)
            .join(Detection, Detection.id == IncidentDetection.detection_id)
            .where(IncidentDetection.incident_id.in_(chunk))
        ).all()
        for incident_id, detection in found:
            groups[incident_id].detections[detection.id] = detection_record(detection)
        suspects = session.execute(
            select(IncidentChange.incident_id, ChangeEvent)
            .join(ChangeEvent, ChangeEvent.id == IncidentChange.change_id)
            .where(IncidentChange.incident_id.in_(chunk))
        ).all()
        for incident_id, change in suspects:
            groups[incident_id].changes[change.id] = change_record(change)
    for group in groups.values():
        first = next(iter(group.alerts.values()), None)
        if rules.group_by and first is not None:
            group.group = tuple(first.labels.get(name, "") for name in rules.group_by)
    horizon = event_now - rules.change_lookback - rules.window
    changes = session.scalars(select(ChangeEvent).where(ChangeEvent.at >= horizon)).all()
    correlator.restore(
        (g for g in groups.values() if g.alerts or g.detections),
        (change_record(c) for c in changes),
    )
    return correlator


def save_incident(
    session: Session,
    row: Incident | None,
    group: Group,
    update: IncidentUpdate,
    alert_ids: dict[str, list[tuple[datetime, int]]],
    now: datetime,
) -> Incident:
    """Write ``group`` (its ``update``) to ``row`` (a new one when None) and link the alert
    rows of this run (``alert_ids``: fingerprint -> (start, row id)) that it holds: for each
    fingerprint, the firing it holds and any earlier one of the same run (the correlator
    counts an alert seen twice in one batch once, in its last state; both firings are its)."""
    if row is None:
        row = Incident(key=group.key, opened_at=update.opened_at, updated_at=now)
        session.add(row)
    row.status = group.status
    row.severity = update.severity
    row.title = update.title
    row.services = list(update.services)
    row.opened_at = update.opened_at
    row.resolved_at = update.resolved_at if group.status == "resolved" else None
    row.root_causes = [rc.as_dict() for rc in update.root_causes]
    row.updated_at = now
    if update.previous_incident and row.previous_incident_id is None:
        row.previous_incident_id = session.scalar(
            select(Incident.id).where(Incident.key == update.previous_incident)
        )
    session.flush()
    links = [
        {"incident_id": row.id, "alert_id": alert_id}
        for a in group.alerts.values()
        for start, alert_id in alert_ids.get(a.fingerprint, ())
        if start <= a.starts_at
    ]
    insert_ignore(session, IncidentAlert.__table__, links, ("incident_id", "alert_id"))
    insert_ignore(
        session,
        IncidentDetection.__table__,
        [{"incident_id": row.id, "detection_id": d} for d in update.detection_ids],
        ("incident_id", "detection_id"),
    )
    replace_suspected_changes(session, row.id, update.change_ids, row.root_causes)
    return row


def _root_cause(stored: dict[str, Any]) -> RootCause:
    evidence = {k: v for k, v in stored.items() if k not in ("kind", "name", "score")}
    return RootCause(stored["kind"], stored["name"], float(stored["score"]), evidence)


def rows_by_key(session: Session, keys: list[str]) -> dict[str, Incident]:
    rows: dict[str, Incident] = {}
    for chunk in chunks(keys):
        rows.update(
            (r.key, r) for r in session.scalars(select(Incident).where(Incident.key.in_(chunk)))
        )
    return rows


def take_marks(session: Session, now: datetime) -> dict[str, Watermark]:
    """Serialize with other runners, then read the watermarks (created at zero)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    # on SQLite this write is the transaction's first statement: it takes the write lock
    insert_ignore(
        session,
        Watermark.__table__,
        [{"stage": m, "value": EPOCH, "position": 0, "updated_at": now} for m in MARKS],
        ("stage",),
    )
    return {
        m.stage: m for m in session.scalars(select(Watermark).where(Watermark.stage.in_(MARKS)))
    }


def move_marks(
    marks: dict[str, Watermark],
    event_ids: Sequence[int],
    detections: Sequence[Detection],
    changes: Sequence[ChangeEvent],
    event_now: datetime,
    now: datetime,
) -> None:
    moves = {
        WM_ALERTS: max(event_ids, default=None),
        WM_DETECTIONS: max((d.id for d in detections), default=None),
        WM_CHANGES: max((c.id for c in changes), default=None),
    }
    for stage, position in moves.items():
        mark = marks[stage]
        if position is not None:
            mark.position, mark.updated_at = position, now
    marks[WM_ALERTS].value = event_now


def store_state(session: Session) -> tuple[Any, ...]:
    """What the cached correlator must match: the watermarks and the incidents' last
    change (an acknowledgement from elsewhere bumps ``updated_at``)."""
    positions = session.execute(
        select(Watermark.stage, Watermark.position).where(Watermark.stage.in_(MARKS))
    ).all()
    incidents = session.execute(
        select(func.count(), func.max(Incident.id), func.max(Incident.updated_at))
    ).one()
    return tuple(sorted(positions)), tuple(incidents)


def read_new(
    session: Session, marks: dict[str, Watermark], horizon: dict[str, int] | None = None
) -> tuple[Sequence[Any], Sequence[Detection], Sequence[ChangeEvent]]:
    """What arrived since the watermarks, in row order: alert events (rows of
    :data:`ALERT_COLUMNS` with their ``event_id``), detections and change events; with a
    ``horizon`` (:func:`efficiency.store.fence.committed_horizon`), only rows up to it, so
    that a row whose transaction has not committed yet is read next time, not skipped."""

    def window(column: Any, mark: str) -> Any:
        above = column > (marks[mark].position or 0)
        return above if horizon is None else above & (column <= horizon[TABLE_OF[mark]])

    events = session.execute(
        select(AlertEvent.id.label("event_id"), *ALERT_COLUMNS)
        .join(Alert, Alert.id == AlertEvent.alert_id)
        .where(window(AlertEvent.id, WM_ALERTS))
        .order_by(AlertEvent.id)
    ).all()
    detections = session.scalars(
        select(Detection).where(window(Detection.id, WM_DETECTIONS)).order_by(Detection.id)
    ).all()
    changes = session.scalars(
        select(ChangeEvent).where(window(ChangeEvent.id, WM_CHANGES)).order_by(ChangeEvent.id)
    ).all()
    return events, detections, changes


def fenced_horizon(
    database: Database, marks: dict[str, Watermark], wait_seconds: float = WAIT_SECONDS
) -> dict[str, int] | None:
    """The committed horizon to read up to; when writers hold the fence longer than
    ``wait_seconds``, the marks themselves (nothing new this run: the next run reads it)."""
    try:
        return committed_horizon(database.engine, wait_seconds)
    except FenceBusy as exc:
        log.warning("correlate: %s; reading new records on the next run", exc)
        return {table: marks[mark].position or 0 for mark, table in TABLE_OF.items()}


def flapping_keys(session: Session, owner: dict[str, str], since: datetime, count: int) -> set[str]:
    """The incidents (``owner``: alert fingerprint to incident key) with a member alert that
    fired ``count`` times or more since ``since`` (each firing is one stored alert row)."""
    found: set[str] = set()
    for chunk in chunks(sorted(owner)):
        counts = session.execute(
            select(Alert.fingerprint, func.count())
            .where(Alert.fingerprint.in_(chunk), Alert.starts_at >= since)
            .group_by(Alert.fingerprint)
        ).all()
        found.update(owner[fp] for fp, n in counts if n >= count)
    return found
