"""The correlate stage on a real SQLite file, webhook by webhook as the daemon runs it: a
failure's later alerts join the incident its first ones opened, as they do in one batch, with
the services file's dependencies or, without one, the call edges the store's call-edge metric
series or the alerts' peer labels show."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from efficiency.correlate import CorrelationRules
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.ingest.metrics import PointIn, store_metrics
from efficiency.services import parse_services
from efficiency.stages.correlate import CorrelateStage
from efficiency.store.db import Database
from efficiency.store.incident_actions import list_actions
from efficiency.store.incidents import Incident, IncidentAlert

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def alert(name: str, service: str, seconds: float, **labels: str) -> dict[str, Any]:
    start = T0 + timedelta(seconds=seconds)
    return {
        "status": "firing",
        "labels": {"alertname": name, "service": service, "severity": "warning", **labels},
        "annotations": {},
        "startsAt": start.isoformat().replace("+00:00", "Z"),
        "endsAt": "0001-01-01T00:00:00Z",
    }


def stage(db: Database, dependencies: dict[str, list[str]]) -> CorrelateStage:
    catalog = parse_services({
        "default_team": "ops",
        "teams": {"ops": {"routes": [{"webhook": {"url": "http://127.0.0.1:9/hook"}}]}},
        "services": {s: {"dependencies": d} for s, d in dependencies.items()},
    })  # fmt: skip
    return CorrelateStage(db, CorrelationRules(), None, catalog)


def deliver(db: Database, runner: CorrelateStage, alerts: list[dict[str, Any]]) -> None:
    """Every 30 s of event time one webhook with the alerts that started in it, then a run."""
    tick = T0 + timedelta(seconds=30)
    pending = sorted(alerts, key=lambda a: a["startsAt"])
    while pending:
        due = [a for a in pending if datetime.fromisoformat(a["startsAt"]) < tick]
        pending = pending[len(due) :]
        if due:
            body = {"version": "4", "status": "firing", "receiver": "efficiency", "alerts": due}
            with db.session() as s:
                store_alerts(s, [AlertmanagerWebhook.model_validate(body)], now=tick)
            runner.run(tick)
        tick += timedelta(seconds=30)


def incident_sizes(db: Database) -> list[int]:
    with db.session() as s:
        rows = s.execute(
            select(func.count(IncidentAlert.alert_id))
            .join(Incident, Incident.id == IncidentAlert.incident_id)
            .group_by(Incident.id)
        ).all()
    return sorted(n for (n,) in rows)


def quiet_caller(**api_labels: str) -> list[dict[str, Any]]:
    """A loud database, and a quiet caller alerting about once a minute for eight minutes."""
    db = [alert("PgDown", "db", k / 4, pod=f"db-{k}") for k in range(60)]
    api = [alert("Errors", "api", 35 + 65 * k, pod=f"api-{k}", **api_labels) for k in range(8)]
    return db + api


def test_a_quiet_callers_later_webhooks_join_the_open_incident(sqlite_db: Database) -> None:
    deliver(sqlite_db, stage(sqlite_db, {"api": ["db"], "db": []}), quiet_caller())
    assert incident_sizes(sqlite_db) == [68]


def test_without_a_services_file_a_peer_label_links_the_caller(sqlite_db: Database) -> None:
    alerts = quiet_caller(destination_service="db")
    deliver(sqlite_db, stage(sqlite_db, {}), alerts)
    assert incident_sizes(sqlite_db) == [68]


def test_without_a_services_file_the_stored_call_edge_series_link_the_caller(
    sqlite_db: Database,
) -> None:
    mesh = {"source_workload": "api", "destination_workload": "db", "reporter": "source"}
    other = {"source_workload": "web", "destination_workload": "api"}
    with sqlite_db.session() as s:
        store_metrics(s, [
            PointIn(name="istio_request_duration_milliseconds", labels=labels,
                    timestamp=T0 - timedelta(hours=1), value=12.0)
            for labels in (mesh, other)
        ])  # fmt: skip
    deliver(sqlite_db, stage(sqlite_db, {}), quiet_caller())
    assert incident_sizes(sqlite_db) == [68]


def test_without_a_services_file_or_peer_labels_time_alone_joins_nothing(
    sqlite_db: Database,
) -> None:
    deliver(sqlite_db, stage(sqlite_db, {}), quiet_caller())
    assert incident_sizes(sqlite_db) == [8, 60]


def test_a_cross_region_join_is_split_in_the_store_with_an_audit(sqlite_db: Database) -> None:
    """db fails in us-east and api, 40 s later, in eu-west: nothing yet shows copies per
    region, so api joins db's incident; minutes later cache alerts in both regions, and the
    stored api alerts move to an incident of their own, as the manual split records it."""
    runner = stage(sqlite_db, {"api": ["db"], "web": ["cache"], "db": [], "cache": []})
    storm = [alert("Errors", "db", k, region="us-east", pod=f"d{k}") for k in range(12)]
    storm += [alert("Errors", "api", 40 + k, region="eu-west", pod=f"a{k}") for k in range(10)]
    deliver(sqlite_db, runner, storm)
    assert incident_sizes(sqlite_db) == [22]
    later = [alert("Errors", "cache", 200, region=r) for r in ("us-east", "eu-west")]
    deliver(sqlite_db, runner, later)
    assert incident_sizes(sqlite_db) == [1, 1, 10, 12]  # each cache copy its own
    with sqlite_db.session() as s:
        api = s.scalar(select(Incident).where(Incident.services == ["api"]))
        assert api is not None and api.status == "open"
        trail = [a["action"] for a in list_actions(s, api.id)]
    assert trail == ["split_from"]
