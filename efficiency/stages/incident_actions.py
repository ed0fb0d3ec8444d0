"""People acting on incidents: acknowledge, resolve, merge, split, silence, from the CLI, the
API or the dashboard, each in one transaction with its audit row and the pages it calls for.

The store moves the rows (:mod:`efficiency.store.incident_actions`); here the changed
incidents get their severity, title and ranked root causes again from their new members
(:func:`efficiency.correlate.summary.summarize`, as the correlator ranks them), and the page
outbox is planned in the same transaction, exactly as the lifecycle does it:

- acknowledge / resolve: the acknowledge / resolve page of every route that was triggered;
- merge B into A: B is resolved (its page resolves, so on-call is left with one page), A takes
  B's members and pages a new trigger revision if its severity rose;
- split: the new incident pages like any new incident; the one it came from keeps its pages;
- silence: the silence is stored (Alertmanager matchers, for a duration); the incident's
  pages not yet sent are held back while it matches, as the silence stage does.

The correlate stage notices any of these (the incidents' ``updated_at`` moves) and rebuilds
its state from the store before its next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.correlate import CorrelationRules, Topology
from efficiency.correlate.summary import summarize
from efficiency.notify.outbox import plan_pages
from efficiency.notify.silence import silence_reason
from efficiency.services import ServicesCatalog
from efficiency.stages.correlate_records import alert_record, change_record, detection_record
from efficiency.store.db import Database
from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incident_actions import (
    ActionInputError,
    change_status,
    check_actor,
    merge_incidents,
    record_action,
    split_incident,
)
from efficiency.store.incident_queries import TransitionError, incident_dict
from efficiency.store.incidents import (
    Detection,
    Incident,
    IncidentAlert,
    IncidentChange,
    IncidentDetection,
    replace_suspected_changes,
)
from efficiency.store.silence_queries import active_rules, add_silence

#: the longest silence made from an incident (a longer hold belongs in a maintenance window)
MAX_SILENCE = timedelta(days=30)


class IncidentActions:
    """The hand-made incident changes over one store; ``catalog`` routes the pages (None:
    incidents change, nobody is paged)."""

    def __init__(
        self,
        database: Database,
        catalog: ServicesCatalog | None = None,
        rules: CorrelationRules | None = None,
    ) -> None:
        self.database, self.catalog = database, catalog
        self.rules = rules or CorrelationRules()
        self.topology = Topology()
        if catalog is not None:
            self.topology.dependencies = catalog.dependency_graph()

    # -- the actions -----------------------------------------------------------------------

    def set_status(
        self, incident_id: int, status: str, actor: str, now: datetime | None = None
    ) -> dict[str, Any]:
        """Acknowledge (``acknowledged``) or resolve (``resolved``) an incident."""
        now = now or datetime.now(UTC)
        with self.database.session() as session:
            change_status(session, incident_id, status, actor, now)
            row = session.get_one(Incident, incident_id)
            self._page(session, row, now)
            return incident_dict(session, row)

    def merge(
        self, target_id: int, source_id: int, actor: str, now: datetime | None = None
    ) -> dict[str, Any]:
        """Merge incident ``source_id`` into ``target_id``; returns the target."""
        now = now or datetime.now(UTC)
        with self.database.session() as session:
            merge_incidents(session, target_id, source_id, actor, now)
            target = session.get_one(Incident, target_id)
            source = session.get_one(Incident, source_id)
            self._resummarize(session, target)
            self._page(session, source, now)
            self._page(session, target, now)
            return incident_dict(session, target)

    def split(
        self, incident_id: int, fingerprints: Sequence[str], actor: str, now: datetime | None = None
    ) -> dict[str, Any]:
        """Split the alerts ``fingerprints`` out of an incident; returns the new incident."""
        now = now or datetime.now(UTC)
        with self.database.session() as session:
            moved = split_incident(session, incident_id, fingerprints, actor, now)
            parent = session.get_one(Incident, incident_id)
            child = session.get_one(Incident, moved.target_id)
            self._resummarize(session, parent)
            self._resummarize(session, child)
            self._page(session, child, now)
            self._page(session, parent, now)
            return incident_dict(session, child)

    def silence(
        self,
        incident_id: int,
        matchers: Sequence[str],
        duration: timedelta,
        actor: str,
        comment: str = "",
        now: datetime | None = None,
    ) -> dict[str, Any]:
        """Silence the pages of every incident whose firing alerts match ``matchers`` (in
        Alertmanager's syntax) for ``duration``, from an incident; returns the silence."""
        actor = check_actor(actor)
        now = now or datetime.now(UTC)
        if not timedelta(0) < duration <= MAX_SILENCE:
            raise ActionInputError("duration", "more than 0 and at most 30 days")
        with self.database.session() as session:
            row = session.get(Incident, incident_id)
            if row is None or row.status == "pending":
                raise TransitionError(f"incident {incident_id} does not exist")
            note = comment or f"from incident {incident_id}"
            made = add_silence(
                session, list(matchers), now, now + duration, None, note, actor, now=now
            )
            record_action(
                session, incident_id, "silence", actor,
                {"silence_id": made["id"], "matchers": made["matchers"],
                 "ends_at": made["ends_at"], "comment": note}, now,
            )  # fmt: skip
            if row.status in ("open", "acknowledged"):
                self._page(session, row, now)
            return made

    # -- helpers ---------------------------------------------------------------------------

    def _silence_reason(self, session: Session, row: Incident, now: datetime) -> str | None:
        rules = active_rules(session, now)
        if not rules:
            return None
        labels = session.execute(
            select(Alert.labels, Alert.status, Alert.service)
            .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
            .where(IncidentAlert.incident_id == row.id)
        ).all()
        firing = [
            {**{str(k): str(v) for k, v in lab.items()}, **({"service": svc} if svc else {})}
            for lab, status, svc in labels
            if status == "firing"
        ]
        sets = firing or [{"service": s} for s in row.services]
        return silence_reason(rules, sets, now)

    def _page(self, session: Session, row: Incident, now: datetime) -> None:
        """The silence state and the pages of ``row``'s state, as the lifecycle plans them."""
        reason = self._silence_reason(session, row, now) if row.status != "resolved" else None
        if row.status != "resolved":
            row.silenced = reason or ""
        if self.catalog is not None:
            plan_pages(session, row, self.catalog, now, lambda _i: reason)

    def _resummarize(self, session: Session, row: Incident) -> None:
        """Severity, services, title, root causes and suspected changes from the members."""
        alerts = [
            alert_record(a)
            for a in session.scalars(
                select(Alert)
                .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
                .where(IncidentAlert.incident_id == row.id)
                .order_by(Alert.starts_at)
            )
        ]
        latest = {a.fingerprint: a for a in alerts}  # a refiring alert: its newest firing
        detections = [
            detection_record(d)
            for d in session.scalars(
                select(Detection)
                .join(IncidentDetection, IncidentDetection.detection_id == Detection.id)
                .where(IncidentDetection.incident_id == row.id)
            )
            if d.kind != "improvement"
        ]
        changes = self._suspects(session, row, list(latest.values()), detections)
        summary = summarize(list(latest.values()), detections, changes, self.topology)
        row.severity, row.title = summary.severity, summary.title
        row.services = list(summary.services)
        row.root_causes = [rc.as_dict() for rc in summary.root_causes]
        replace_suspected_changes(session, row.id, [c.id for c in changes], row.root_causes)
        session.flush()

    def _suspects(
        self, session: Session, row: Incident, alerts: list[Any], detections: list[Any]
    ) -> list[Any]:
        """Changes of the incident's services from ``change_lookback`` before its first
        record to its last (the correlator's rule), plus those already linked to it."""
        times = [a.starts_at for a in alerts] + [d.onset_at for d in detections]
        ends = [a.ends_at or a.starts_at for a in alerts] + [d.onset_at for d in detections]
        services = {a.service for a in alerts if a.service} | {d.service for d in detections}
        linked = session.scalars(
            select(ChangeEvent)
            .join(IncidentChange, IncidentChange.change_id == ChangeEvent.id)
            .where(IncidentChange.incident_id == row.id)
        ).all()
        found = {c.id: c for c in linked if c.service in services}
        if times and services:
            for c in session.scalars(
                select(ChangeEvent).where(
                    ChangeEvent.service.in_(sorted(services)),
                    ChangeEvent.at >= min(times) - self.rules.change_lookback,
                    ChangeEvent.at <= max(ends),
                )
            ):
                found[c.id] = c
        return [change_record(c) for c in sorted(found.values(), key=lambda c: (c.at, c.id))]
