"""A storm through the daemon's own path, in process: webhook by webhook into a real SQLite
store, the correlate stage after each one (as ``correlate.on_ingest`` runs it), the services
catalog's dependencies as the topology. No HTTP: the webhook benchmark measures that part.

Every 30 s of event time the alerts that started in it are stored as one Alertmanager webhook
(:func:`efficiency.ingest.alerts.store_alerts`), the changes of that span too
(:func:`efficiency.ingest.changes.store_changes`) and the storm's detections of that span as
rows of the detections table (what the detect stage writes when it finds them), then
:meth:`CorrelateStage.run` runs with that instant as its clock - the same records in the same
rhythm as the *stream* delivery. The grouping read back is the store's: each alert item
belongs to the incident its (fingerprint, start) row is a member of, pending groups included,
so the merges the stage recorded are counted as the store has them.
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
from efficiency.store.incidents import Detection, Incident, IncidentAlert

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
        detections = sorted(storm.detections, key=lambda d: d.onset_at)
        first = [alerts[0].starts_at] + [c.at for c in changes[:1]]
        tick = min(first + [d.onset_at for d in detections[:1]]) + STEP
        merges, i, j, k = 0, 0, 0, 0
        while i < len(alerts) or k < len(detections):
            batch = []
            while i < len(alerts) and alerts[i].starts_at < tick:
                batch.append(alerts[i])
                i += 1
            due = []
            while j < len(changes) and changes[j].at < tick:
                due.append(changes[j])
                j += 1
            found = []
            while k < len(detections) and detections[k].onset_at < tick:
                found.append(detections[k])
                k += 1
            with db.session() as session:
                session.add_all(_detection_row(d, tick) for d in found)
                if due:
                    store_changes(
                        session,
                        [ChangeIn(service=c.service, at=c.at, version=c.version) for c in due],
                        now=tick,
                    )
                if batch:
                    store_alerts(session, [_body(batch)], now=tick)
            if batch or due or found:
                merges += len(stage.run(tick).merged)
            tick += STEP
        predicted, top = _read_back(db, storm)
        db.dispose()
    return predicted, top, merges


def _detection_row(d: Any, now: datetime) -> Detection:
    """A storm detection as the detect stage stores one (found at ``now``)."""
    return Detection(
        key=f"storm:{d.id}", kind=d.kind, service=d.service, function=d.function,
        onset_at=d.onset_at, detected_at=now, detector="storm",
        evidence={"score": d.score} if d.score is not None else {},
    )  # fmt: skip


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
