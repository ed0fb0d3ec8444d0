"""The correlate stage: new alerts, detections and changes in, incidents and planned pages out.

One :meth:`CorrelateStage.run` is one transaction:

1. serialize with any other runner (a PostgreSQL advisory lock; on SQLite the write lock,
   taken by the first statement), so two API workers never correlate the same batch;
2. read what arrived since the watermarks: alert *events* (a new alert or a new status of
   one: the ``alert_events`` table is append-only), detections and change events, by row id;
3. hand them to the pure :class:`~efficiency.correlate.Correlator` in event time;
4. run the lifecycle timers: flapping (a member alert fired ``flap_count`` times within
   ``flap_window``) and auto-resolve (every member alert resolved, and nothing new for
   ``resolve_quiet``);
5. write incidents with their members and ranked root causes, the silence state, and the
   pages the new state calls for (:func:`efficiency.notify.outbox.plan_pages`), and move the
   watermarks.

So an incident change and its pages commit together or not at all: a crash (even SIGKILL)
before the commit leaves the watermarks where they were and the next run redoes the batch
from the store; after it, nothing is redone. Pending incidents (grouped but not yet past the
opening rules) are stored too, as status ``pending``, so a restart loses no group.

The correlator's in-memory state is a cache of the store: kept between runs while the store
is as this process left it (same watermarks, no incident changed by someone else, e.g. an
acknowledgement from the CLI), rebuilt from the store otherwise.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from efficiency.config import CorrelateConfig, RcaConfig
from efficiency.correlate import (
    AlertRecord,
    ChangeRecord,
    CorrelationRules,
    Correlator,
    DetectionRecord,
    IncidentUpdate,
    RootCause,
    Topology,
    learn_cooccurrence,
)
from efficiency.correlate.correlator import Incident as Group
from efficiency.notify.outbox import plan_pages
from efficiency.notify.silence import SilenceRule, silence_reason
from efficiency.services import ServicesCatalog
from efficiency.stages.incident_merges import apply_merges, split_merges
from efficiency.stages.rca import rank_at
from efficiency.store.bulk import insert_ignore
from efficiency.store.db import Database
from efficiency.store.events import Alert, AlertEvent, ChangeEvent
from efficiency.store.incident_queries import incident_dict, set_incident_status
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
)
from efficiency.store.remediation import Watermark
from efficiency.store.silence_queries import active_rules

WM_ALERTS = "correlate.alert_events"
WM_DETECTIONS = "correlate.detections"
WM_CHANGES = "correlate.changes"
MARKS = (WM_ALERTS, WM_DETECTIONS, WM_CHANGES)
#: pg_advisory_xact_lock key of the stage ("effcorr")
LOCK_KEY = 0x65_66_66_63_6F_72_72
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: how far back co-occurrence between services is learned from past incidents
LEARN_HORIZON = timedelta(days=30)
#: rows per ``IN (...)`` list, well under SQLite's variable limit
CHUNK = 900


@dataclass(frozen=True)
class Lifecycle:
    """Timers that move incidents without new records arriving."""

    #: auto-resolve this long after the last member alert resolved / the last detection
    resolve_quiet: timedelta = timedelta(minutes=5)
    #: an alert fired this many times ...
    flap_count: int = 4
    #: ... within this window is flapping; its incident is not auto-resolved meanwhile
    flap_window: timedelta = timedelta(hours=1)


def rules_from_config(cfg: CorrelateConfig) -> CorrelationRules:
    return CorrelationRules(
        window=timedelta(seconds=cfg.window_seconds),
        group_by=tuple(cfg.group_by),
        open_after_alerts=cfg.open_after_alerts,
        open_at_severity=cfg.open_at_severity or None,
        open_on_detection=cfg.open_on_detection,
        open_on_anomaly_score=cfg.open_on_anomaly_score if cfg.open_on_anomaly_score <= 1 else None,
        change_lookback=timedelta(seconds=cfg.change_lookback_seconds),
        recurrence_horizon=timedelta(seconds=cfg.recurrence_horizon_seconds),
    )


def lifecycle_from_config(cfg: CorrelateConfig) -> Lifecycle:
    return Lifecycle(
        resolve_quiet=timedelta(seconds=cfg.resolve_quiet_seconds),
        flap_count=cfg.flap_count,
        flap_window=timedelta(seconds=cfg.flap_window_seconds),
    )


@dataclass
class CorrelateReport:
    """What one run did."""

    alerts: int = 0
    detections: int = 0
    changes: int = 0
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)  #: absorbed into another open incident
    pages: int = 0
    rebuilt: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "detections": self.detections,
            "changes": self.changes,
            "opened_incident_ids": self.opened,
            "updated_incident_ids": self.updated,
            "resolved_incident_ids": self.resolved,
            "merged_incident_ids": self.merged,
            "pages_planned": self.pages,
        }


# -- records from rows -------------------------------------------------------------------


#: what an AlertRecord needs of a stored alert (rows of these, not ORM objects: a storm
#: brings thousands)
ALERT_COLUMNS = (Alert.id, Alert.fingerprint, Alert.starts_at, Alert.ends_at, Alert.status,
                 Alert.labels, Alert.service, Alert.severity)  # fmt: skip


def alert_record(alert: Any) -> AlertRecord:
    """From an :class:`Alert` or a row of :data:`ALERT_COLUMNS`."""
    labels = {str(k): str(v) for k, v in alert.labels.items()}
    if alert.service and not labels.get("service"):
        labels["service"] = alert.service  # the ingest's fallback (app, job, namespace)
    status = "resolved" if alert.status == "resolved" else "firing"
    return AlertRecord(alert.fingerprint, alert.starts_at, status, alert.ends_at, labels,
                       alert.severity)  # fmt: skip


def detection_record(d: Detection) -> DetectionRecord:
    score = (d.evidence or {}).get("score")
    return DetectionRecord(d.id, d.kind, d.service, d.onset_at, d.function, d.p_value,
                           d.magnitude_rel, d.suspected_change_id,
                           float(score) if isinstance(score, int | float) else None)  # fmt: skip


def change_record(c: ChangeEvent) -> ChangeRecord:
    return ChangeRecord(c.id, c.service, c.at, c.kind, c.version)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


# -- the stage ---------------------------------------------------------------------------


class CorrelateStage:
    """Correlate what arrived since the last run; thread-safe, one run at a time."""

    def __init__(
        self,
        database: Database,
        rules: CorrelationRules | None = None,
        lifecycle: Lifecycle | None = None,
        catalog: ServicesCatalog | None = None,
        rca: RcaConfig | None = None,
        rca_edges: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.database = database
        #: ranks the root causes of incidents that detections alone opened (None: the
        #: correlator's own ranking for every incident)
        self.rca, self.rca_edges = rca, list(rca_edges)
        self.rules = rules or CorrelationRules()
        self.lifecycle = lifecycle or Lifecycle()
        self.catalog = catalog
        self._lock = threading.Lock()
        self._correlator: Correlator | None = None
        self._state: tuple[Any, ...] | None = None
        #: per active incident: have all its alerts resolved (cleared when it changes)
        self._settled: dict[str, bool] = {}
        #: per pending group: what was last stored of it
        self._pending: dict[str, tuple[int, int, datetime]] = {}

    def run(self, now: datetime | None = None) -> CorrelateReport:
        """One pass; ``now`` (default: the wall clock) drives only the lifecycle timers and
        silences, never the grouping, which follows the records' own times."""
        now = now or datetime.now(UTC)
        with self._lock:
            try:
                with self.database.session() as session:
                    report = self._run(session, now)
                    session.flush()
                    state = _state(session)
                self._state = state
                return report
            except BaseException:
                self._correlator, self._state = None, None  # the store is the truth
                raise

    # -- one run ---------------------------------------------------------------------------

    def _run(self, session: Session, now: datetime) -> CorrelateReport:
        report = CorrelateReport()
        marks = _take_marks(session, now)
        if self._correlator is None or _state(session) != self._state:
            self._correlator = self._rebuild(session, marks[WM_ALERTS].value)
            self._settled = {}
            self._pending = {
                k: _signature(g) for k, g in self._correlator.incidents.items()
                if g.status == "pending" and (g.alerts or g.detections)
            }  # fmt: skip
            report.rebuilt = True
        correlator = self._correlator

        events = session.execute(
            select(AlertEvent.id.label("event_id"), *ALERT_COLUMNS)
            .join(Alert, Alert.id == AlertEvent.alert_id)
            .where(AlertEvent.id > (marks[WM_ALERTS].position or 0))
            .order_by(AlertEvent.id)
        ).all()
        alerts: dict[int, Any] = {row.id: row for row in events}  # its latest state
        detections = session.scalars(
            select(Detection)
            .where(Detection.id > (marks[WM_DETECTIONS].position or 0))
            .order_by(Detection.id)
        ).all()
        changes = session.scalars(
            select(ChangeEvent)
            .where(ChangeEvent.id > (marks[WM_CHANGES].position or 0))
            .order_by(ChangeEvent.id)
        ).all()
        report.alerts, report.detections = len(alerts), len(detections)
        report.changes = len(changes)
        records: list[AlertRecord | DetectionRecord | ChangeRecord] = []
        records += [change_record(c) for c in changes]
        records += [alert_record(a) for a in sorted(alerts.values(), key=lambda a: a.id)]
        # an improvement is good news for the savings ledger, not part of an incident
        records += [detection_record(d) for d in detections if d.kind != "improvement"]

        times = [marks[WM_ALERTS].value]
        times += [a.ends_at or a.starts_at for a in alerts.values()]
        times += [d.onset_at for d in detections] + [c.at for c in changes]
        event_now = max(times)

        merges, updates = split_merges(correlator.add(records, event_now) if records else [])
        if self.rca is not None:
            updates = [self._metric_root_causes(session, correlator, u) for u in updates]
        touched = {u.key: u for u in updates}
        alert_ids = {(a.fingerprint, a.starts_at): a.id for a in alerts.values()}

        # per run, work only on what can change: incidents that took records, those whose
        # alerts have all resolved (the quiet-period timer), flapping ones (the flag may come
        # down) and, when silences exist, the active ones (a silence may start or end)
        active = [
            k for k, g in correlator.incidents.items() if g.status in ("open", "acknowledged")
        ]
        for key in touched:
            self._settled.pop(key, None)
        flagged = set(
            session.scalars(
                select(Incident.key).where(
                    Incident.flapping.is_(True), Incident.status.in_(("open", "acknowledged"))
                )
            )
        )
        candidates = {k for k in active if k in touched or self._is_settled(k) or k in flagged}
        silences = active_rules(session, now)
        silenced = set(
            session.scalars(
                select(Incident.key).where(
                    Incident.silenced != "", Incident.status.in_(("open", "acknowledged"))
                )
            )
        )
        watched = set(active) if silences else silenced
        flapping = self._flapping(session, correlator, candidates, now)
        for key in candidates - flapping:
            resolved_at = self._quiet_since(correlator.incidents[key], now)
            if resolved_at is not None:
                touched[key] = correlator.resolve(key, resolved_at)

        # pending groups: stored (when they changed) so that a restart keeps them; forgotten
        # ones are dropped
        for key, group in correlator.incidents.items():
            if not (group.alerts or group.detections):
                continue  # a deploy alone is no incident
            if group.status == "pending" and self._pending.get(key) != _signature(group):
                self._pending[key] = _signature(group)
                touched.setdefault(key, correlator.snapshot(key))
        stale = [
            row.id
            for row in session.scalars(select(Incident).where(Incident.status == "pending"))
            if row.key not in correlator.incidents
        ]
        if stale:
            session.execute(delete(Incident).where(Incident.id.in_(stale)))
        self._pending = {k: v for k, v in self._pending.items() if k in correlator.incidents}

        report.merged, report.pages = apply_merges(session, merges, self.catalog, now)
        rows = _rows(session, sorted(set(touched) | candidates | watched))
        for key, update in sorted(touched.items(), key=lambda kv: kv[1].opened_at):
            row = rows.get(key)
            was = row.status if row is not None else None
            row = self._save(session, row, correlator.incidents[key], update, alert_ids, now)
            rows[key] = row
            if update.action == "opened" or (was in (None, "pending") and row.status == "open"):
                report.opened.append(row.id)
            elif row.status == "resolved" and was != "resolved":
                report.resolved.append(row.id)
            elif row.status != "pending":
                report.updated.append(row.id)
        for key in candidates:
            row = rows[key]
            if row.flapping != (key in flapping):
                row.flapping, row.updated_at = key in flapping, now

        report.pages += self._plan(session, correlator, rows, touched, silences, now)
        _move_marks(marks, [e.event_id for e in events], detections, changes, event_now, now)
        return report

    def _metric_root_causes(
        self, session: Session, correlator: Correlator, update: IncidentUpdate
    ) -> IncidentUpdate:
        """An incident of metric anomalies alone gets the `efficiency rca` ranking at its
        onset as its root causes: every service, ranked from the metrics, not only the ones
        that happened to raise a detection."""
        group = correlator.incidents[update.key]
        if (
            self.rca is None
            or group.alerts
            or not any(d.kind == "anomaly" for d in group.detections.values())
        ):
            return update
        ranking = rank_at(session, group.first_at, self.rca, self.rca_edges)
        causes = tuple(RootCause("service", r.service, r.score, r.evidence) for r in ranking)
        if not causes:
            return update
        group.root_causes = causes
        title = update.title.split("; likely cause:")[0] + f"; likely cause: {causes[0].name}"
        return replace(update, root_causes=causes, title=title)

    def _rebuild(self, session: Session, event_now: datetime) -> Correlator:
        """The correlator as the store left it: active incidents, resolved ones inside the
        recurrence horizon, changes inside the lookback, and the learned co-occurrence."""
        rules = self.rules
        topology = Topology()
        if self.catalog is not None:
            topology.dependencies = self.catalog.dependency_graph()
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
        for chunk in _chunks(ids):
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

    # -- lifecycle -------------------------------------------------------------------------

    def _flapping(
        self, session: Session, correlator: Correlator, keys: set[str], now: datetime
    ) -> set[str]:
        """Those of ``keys`` with a member alert that fired ``flap_count`` times or more in
        the last ``flap_window`` (each firing is one stored alert row)."""
        owner = {fp: key for key in keys for fp in correlator.incidents[key].alerts}
        found: set[str] = set()
        since = now - self.lifecycle.flap_window
        for chunk in _chunks(sorted(owner)):
            counts = session.execute(
                select(Alert.fingerprint, func.count())
                .where(Alert.fingerprint.in_(chunk), Alert.starts_at >= since)
                .group_by(Alert.fingerprint)
            ).all()
            found.update(owner[fp] for fp, n in counts if n >= self.lifecycle.flap_count)
        return found

    def _is_settled(self, key: str) -> bool:
        if key not in self._settled:
            alerts = self._correlator.incidents[key].alerts.values()  # type: ignore[union-attr]
            self._settled[key] = bool(alerts) and all(a.status == "resolved" for a in alerts)
        return self._settled[key]

    def _quiet_since(self, group: Group, now: datetime) -> datetime | None:
        """When ``group`` auto-resolves, if it does by ``now``: every alert resolved, and
        nothing (alert end, detection onset) newer than ``resolve_quiet`` ago. The time is
        the end of the quiet period, so a replay resolves at the same instant."""
        if not group.alerts or any(a.status != "resolved" for a in group.alerts.values()):
            return None
        last = max(a.ends_at or a.starts_at for a in group.alerts.values())
        if group.detections:
            last = max(last, max(d.onset_at for d in group.detections.values()))
        at = last + self.lifecycle.resolve_quiet
        return at if at <= now else None

    # -- writing ---------------------------------------------------------------------------

    def _save(
        self,
        session: Session,
        row: Incident | None,
        group: Group,
        update: IncidentUpdate,
        alert_ids: dict[tuple[str, datetime], int],
        now: datetime,
    ) -> Incident:
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
            {"incident_id": row.id, "alert_id": alert_ids[(a.fingerprint, a.starts_at)]}
            for a in group.alerts.values()
            if (a.fingerprint, a.starts_at) in alert_ids
        ]
        insert_ignore(session, IncidentAlert.__table__, links, ("incident_id", "alert_id"))
        insert_ignore(
            session,
            IncidentDetection.__table__,
            [{"incident_id": row.id, "detection_id": d} for d in update.detection_ids],
            ("incident_id", "detection_id"),
        )
        scores = {
            int(rc.evidence["change_id"]): rc.score
            for rc in update.root_causes
            if rc.kind == "change" and "change_id" in rc.evidence
        }
        session.execute(
            delete(IncidentChange)
            .where(IncidentChange.incident_id == row.id)
            .execution_options(synchronize_session=False)
        )
        insert_ignore(
            session,
            IncidentChange.__table__,
            [
                {"incident_id": row.id, "change_id": c, "score": scores.get(c, 0.0)}
                for c in update.change_ids
            ],
            ("incident_id", "change_id"),
        )
        return row

    def _plan(
        self,
        session: Session,
        correlator: Correlator,
        rows: dict[str, Incident],
        touched: dict[str, IncidentUpdate],
        rules: list[SilenceRule],
        now: datetime,
    ) -> int:
        """Silence state of the incidents in ``rows``, and pages for those that changed or
        whose silence started or ended since the last run."""
        planned = 0
        for key, row in rows.items():
            if row.status == "pending" or (key not in touched and row.status == "resolved"):
                continue
            group = correlator.incidents.get(key)
            reason = silence_reason(rules, _label_sets(group, row), now) or ""
            if row.silenced == reason and key not in touched:
                continue
            row.silenced = reason
            if self.catalog is not None:
                planned += len(
                    plan_pages(session, row, self.catalog, now, lambda _i, r=reason: r or None)
                )
        return planned


def transition(
    database: Database,
    incident_id: int,
    status: str,
    catalog: ServicesCatalog | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Acknowledge or resolve an incident by hand, and plan its acknowledge/resolve pages in
    the same transaction. Raises ``TransitionError`` when the move is not allowed."""
    now = now or datetime.now(UTC)
    with database.session() as session:
        result = set_incident_status(session, incident_id, status, now)
        row = session.get_one(Incident, incident_id)
        if catalog is not None:
            reason = row.silenced or None
            plan_pages(session, row, catalog, now, lambda _i: reason)
        return result if catalog is None else incident_dict(session, row)


# -- helpers -----------------------------------------------------------------------------


def _label_sets(group: Group | None, row: Incident) -> list[dict[str, str]]:
    """What a silence is matched against: the firing member alerts' labels (all members'
    when none fires any more), or one ``service`` label set per service of an incident
    made of detections only."""
    if group is not None and group.alerts:
        firing = [a.labels for a in group.alerts.values() if a.status == "firing"]
        return firing or [a.labels for a in group.alerts.values()]
    return [{"service": s} for s in row.services]


def _signature(group: Group) -> tuple[int, int, datetime]:
    """Enough to tell that a pending group took records since it was stored."""
    return len(group.alerts), len(group.detections), group.last_at


def _root_cause(stored: dict[str, Any]) -> RootCause:
    evidence = {k: v for k, v in stored.items() if k not in ("kind", "name", "score")}
    return RootCause(stored["kind"], stored["name"], float(stored["score"]), evidence)


def _rows(session: Session, keys: list[str]) -> dict[str, Incident]:
    rows: dict[str, Incident] = {}
    for chunk in _chunks(keys):
        rows.update(
            (r.key, r) for r in session.scalars(select(Incident).where(Incident.key.in_(chunk)))
        )
    return rows


def _take_marks(session: Session, now: datetime) -> dict[str, Watermark]:
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


def _move_marks(
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


def _state(session: Session) -> tuple[Any, ...]:
    """What the cached correlator must match: the watermarks and the incidents' last
    change (an acknowledgement from elsewhere bumps ``updated_at``)."""
    positions = session.execute(
        select(Watermark.stage, Watermark.position).where(Watermark.stage.in_(MARKS))
    ).all()
    incidents = session.execute(
        select(func.count(), func.max(Incident.id), func.max(Incident.updated_at))
    ).one()
    return tuple(sorted(positions)), tuple(incidents)
