"""A storm through the daemon's own path, in process: webhook by webhook into a real SQLite
store, the correlate stage after each one (as ``correlate.on_ingest`` runs it), the services
catalog's dependencies as the topology. No HTTP: the webhook benchmark measures that part.

Every 30 s of event time the alerts that started in it are stored as one Alertmanager webhook
(:func:`efficiency.ingest.alerts.store_alerts`), the changes of that span too
(:func:`efficiency.ingest.changes.store_changes`), then :meth:`CorrelateStage.run` runs with
that instant as its clock. Detections are left out (the stage reads them from the detect
stage's table, which a storm does not fill). The grouping read back is the store's: each alert
item belongs to the incident its (fingerprint, start) row is a member of, pending groups
included, so the merges the stage recorded are counted as the store has them.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from benchmarks.storm import Storm
from efficiency.correlate import CorrelationRules
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.ingest.changes import ChangeIn, store_changes
from efficiency.services import parse_services
from efficiency.stages.correlate import CorrelateStage
from efficiency.store.db import Database
from efficiency.store.events import Alert
from efficiency.store.incidents import Incident, IncidentAlert

STEP = timedelta(seconds=30)


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def _body(alerts: list[Any]) -> AlertmanagerWebhook:
    return AlertmanagerWebhook.model_validate({
        "version": "4", "status": "firing", "receiver": "efficiency",
        "alerts": [
            {"status": "firing", "labels": {**a.labels, "severity": a.level},
             "startsAt": _iso(a.starts_at), "endsAt": "0001-01-01T00:00:00Z",
             "fingerprint": a.fingerprint}
            for a in alerts
        ],
    })  # fmt: skip


def _catalog(storm: Storm, topology: bool) -> Any:
    services = (
        {s: {"dependencies": sorted(storm.topology.successors(s))} for s in storm.topology}
        if topology
        else {}
    )
    return parse_services({
        "default_team": "ops",
        "teams": {"ops": {"routes": [{"webhook": {"url": "http://127.0.0.1:9/hook"}}]}},
        "services": services,
    })  # fmt: skip


def correlate_through_stage(
    storm: Storm, topology: bool
) -> tuple[list[str], dict[str, str | None], int]:
    """(the incident of each alert item, each incident's top service, merges recorded)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'storm.db'}")
        db.upgrade()
        stage = CorrelateStage(db, CorrelationRules(), None, _catalog(storm, topology))
        alerts = sorted(storm.alerts, key=lambda a: a.starts_at)
        changes = sorted(storm.changes, key=lambda c: c.at)
        tick = min(alerts[0].starts_at, changes[0].at if changes else alerts[0].starts_at) + STEP
        merges, i, j = 0, 0, 0
        while i < len(alerts):
            batch = []
            while i < len(alerts) and alerts[i].starts_at < tick:
                batch.append(alerts[i])
                i += 1
            due = []
            while j < len(changes) and changes[j].at < tick:
                due.append(changes[j])
                j += 1
            with db.session() as session:
                if due:
                    store_changes(
                        session,
                        [ChangeIn(service=c.service, at=c.at, version=c.version) for c in due],
                        now=tick,
                    )
                if batch:
                    store_alerts(session, [_body(batch)], now=tick)
            if batch or due:
                merges += len(stage.run(tick).merged)
            tick += STEP
        predicted, top = _read_back(db, storm)
        db.dispose()
    return predicted, top, merges


def _read_back(db: Database, storm: Storm) -> tuple[list[str], dict[str, str | None]]:
    with db.session() as session:
        member = {
            (fp, start.replace(tzinfo=None)): key
            for fp, start, key in session.execute(
                select(Alert.fingerprint, Alert.starts_at, Incident.key)
                .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
                .join(Incident, Incident.id == IncidentAlert.incident_id)
            )
        }
        top: dict[str, str | None] = {}
        for key, causes in session.execute(select(Incident.key, Incident.root_causes)):
            services = [rc["name"] for rc in causes or [] if rc.get("kind") == "service"]
            top[key] = services[0] if services else None
    predicted = [
        member.get((a.fingerprint, a.starts_at.replace(tzinfo=None)), f"unassigned:{a.fingerprint}")
        for a in storm.alerts
    ]
    return predicted, top
