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

Records from rows live in :mod:`efficiency.stages.correlate_records`, the store I/O
(watermarks, rebuilding the correlator, writing an incident) in
:mod:`efficiency.stages.correlate_store`, the lifecycle timers in
:mod:`efficiency.stages.correlate_lifecycle`.

The correlator's in-memory state is a cache of the store: kept between runs while the store
is as this process left it (same watermarks, no incident changed by someone else, e.g. an
acknowledgement from the CLI), rebuilt from the store otherwise.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
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
)
from efficiency.correlate.correlator import Incident as Group
from efficiency.notify.outbox import plan_pages
from efficiency.notify.silence import SilenceRule, silence_reason
from efficiency.services import ServicesCatalog
from efficiency.stages.correlate_lifecycle import Lifecycle, quiet_since
from efficiency.stages.correlate_records import (
    alert_record,
    change_record,
    detection_record,
)
from efficiency.stages.correlate_store import (
    WM_ALERTS,
    fenced_horizon,
    flapping_keys,
    move_marks,
    read_new,
    rebuild_correlator,
    rows_by_key,
    save_incident,
    store_state,
    take_marks,
)
from efficiency.stages.incident_merges import apply_merges, apply_splits, split_merges
from efficiency.stages.rca import rank_at
from efficiency.store.db import Database
from efficiency.store.fence import WAIT_SECONDS
from efficiency.store.incident_queries import incident_dict, set_incident_status
from efficiency.store.incidents import Incident
from efficiency.store.silence_queries import active_rules


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
        #: how long a run waits for writers still between insert and commit (PostgreSQL)
        self.fence_wait_seconds = WAIT_SECONDS
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
                    state = store_state(session)
                self._state = state
                return report
            except BaseException:
                self._correlator, self._state = None, None  # the store is the truth
                raise

    # -- one run ---------------------------------------------------------------------------

    def _run(self, session: Session, now: datetime) -> CorrelateReport:
        report = CorrelateReport()
        marks = take_marks(session, now)
        if self._correlator is None or store_state(session) != self._state:
            self._correlator = rebuild_correlator(
                session, self.rules, self.catalog, marks[WM_ALERTS].value
            )
            self._settled = {}
            self._pending = {
                k: _signature(g) for k, g in self._correlator.incidents.items()
                if g.status == "pending" and (g.alerts or g.detections)
            }  # fmt: skip
            report.rebuilt = True
        correlator = self._correlator

        horizon = fenced_horizon(self.database, marks, self.fence_wait_seconds)
        events, detections, changes = read_new(session, marks, horizon)
        alerts: dict[int, Any] = {row.id: row for row in events}  # its latest state
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
        alert_ids: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
        for a in alerts.values():
            alert_ids[a.fingerprint].append((a.starts_at, a.id))

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
            resolved_at = quiet_since(correlator.incidents[key], self.lifecycle, now)
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
        apply_splits(session, updates, now)
        rows = rows_by_key(session, sorted(set(touched) | candidates | watched))
        for key, update in sorted(touched.items(), key=lambda kv: kv[1].opened_at):
            row = rows.get(key)
            was = row.status if row is not None else None
            row = save_incident(session, row, correlator.incidents[key], update, alert_ids, now)
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
        move_marks(marks, [e.event_id for e in events], detections, changes, event_now, now)
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

    # -- lifecycle -------------------------------------------------------------------------

    def _flapping(
        self, session: Session, correlator: Correlator, keys: set[str], now: datetime
    ) -> set[str]:
        """Those of ``keys`` with a member alert that fired ``flap_count`` times or more in
        the last ``flap_window`` (each firing is one stored alert row)."""
        owner = {fp: key for key in keys for fp in correlator.incidents[key].alerts}
        since = now - self.lifecycle.flap_window
        return flapping_keys(session, owner, since, self.lifecycle.flap_count)

    def _is_settled(self, key: str) -> bool:
        if key not in self._settled:
            alerts = self._correlator.incidents[key].alerts.values()  # type: ignore[union-attr]
            self._settled[key] = bool(alerts) and all(a.status == "resolved" for a in alerts)
        return self._settled[key]

    # -- writing ---------------------------------------------------------------------------

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
