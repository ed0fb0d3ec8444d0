"""The correlate stage over a real store: incidents, lifecycle, silences and planned pages,
restart after restart, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from efficiency.correlate import CorrelationRules
from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts
from efficiency.services import ServicesCatalog, parse_services
from efficiency.stages.correlate import WM_ALERTS, CorrelateStage, Lifecycle, transition
from efficiency.store.db import Database
from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incident_queries import get_incident, list_incidents
from efficiency.store.incidents import Detection, Incident, IncidentAlert, Page
from efficiency.store.remediation import Watermark
from efficiency.store.silence_queries import add_silence, expire_silence

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


def alert(
    name: str, service: str, start: datetime, *, status: str = "firing", end: datetime | None
    = None, severity: str = "critical", **labels: str,
) -> dict[str, Any]:  # fmt: skip
    return {
        "status": status,
        "labels": {"alertname": name, "service": service, "severity": severity, **labels},
        "annotations": {},
        "startsAt": iso(start),
        "endsAt": iso(end) if end else "0001-01-01T00:00:00Z",
    }


def post(db: Database, *alerts: dict[str, Any]) -> None:
    status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
    payload = AlertmanagerWebhook.model_validate(
        {"version": "4", "status": status, "receiver": "efficiency", "alerts": list(alerts)}
    )
    with db.session() as s:
        store_alerts(s, [payload], now=T0)


def catalog() -> ServicesCatalog:
    return parse_services(
        {
            "default_team": "ops",
            "teams": {"ops": {"routes": [{"webhook": {"url": "http://127.0.0.1:9/hook"}}]}},
            "services": {
                "checkout": {"team": "ops", "dependencies": ["ledger"]},
                "ledger": {"team": "ops"},
                "search": {"team": "ops"},
            },
        }
    )


def stage(db: Database, **lifecycle: Any) -> CorrelateStage:
    return CorrelateStage(
        db, CorrelationRules(), Lifecycle(**lifecycle) if lifecycle else None, catalog()
    )


def incidents(db: Database, status: str = "all") -> list[dict[str, Any]]:
    with db.session() as s:
        return list_incidents(s, status)


def pages(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as s:
        rows = s.scalars(select(Page).order_by(Page.id)).all()
        return [(p.dedup_key, p.action, p.state) for p in rows]


def test_a_cascade_opens_one_incident_and_plans_one_page(db: Database) -> None:
    post(
        db,
        alert("LedgerDown", "ledger", T0),
        alert("HighLatency", "checkout", T0 + timedelta(seconds=40)),
        alert("Errors", "checkout", T0 + timedelta(seconds=50), severity="warning"),
    )
    report = stage(db).run(T0 + timedelta(minutes=2))
    found = incidents(db)
    assert len(found) == 1 and len(report.opened) == 1
    inc = found[0]
    assert inc["status"] == "open" and inc["severity"] == "critical"
    assert inc["services"] == ["checkout", "ledger"] and len(inc["alert_fingerprints"]) == 3
    assert inc["root_causes"][0]["name"] == "ledger"  # upstream and first
    with db.session() as s:
        key = s.scalars(select(Incident.key)).one()
    assert pages(db) == [(key, "trigger", "pending")]


def test_running_again_or_after_a_restart_writes_nothing_new(db: Database) -> None:
    post(db, alert("LedgerDown", "ledger", T0))
    first = stage(db)
    first.run(T0 + timedelta(minutes=1))
    assert first.run(T0 + timedelta(minutes=1)).as_dict()["opened_incident_ids"] == []
    restarted = stage(db)  # a new process: its correlator comes from the store
    report = restarted.run(T0 + timedelta(minutes=1))
    assert report.rebuilt and not report.opened and not report.updated
    assert len(incidents(db)) == 1 and len(pages(db)) == 1


def test_after_a_restart_new_alerts_join_the_open_incident(db: Database) -> None:
    post(db, alert("LedgerDown", "ledger", T0))
    stage(db).run(T0 + timedelta(minutes=1))
    post(db, alert("HighLatency", "checkout", T0 + timedelta(seconds=70)))
    report = stage(db).run(T0 + timedelta(minutes=2))
    assert report.rebuilt and len(report.updated) == 1 and not report.opened
    (inc,) = incidents(db)
    assert len(inc["alert_fingerprints"]) == 2 and inc["services"] == ["checkout", "ledger"]
    assert [p[1] for p in pages(db)] == ["trigger"]  # same severity: no second page


def test_independent_failures_stay_apart(db: Database) -> None:
    post(
        db,
        alert("LedgerDown", "ledger", T0, host="db-1"),
        alert("SearchDown", "search", T0 + timedelta(seconds=5), host="idx-7"),
    )
    stage(db).run(T0 + timedelta(minutes=1))
    assert sorted(i["services"][0] for i in incidents(db)) == ["ledger", "search"]
    assert len(pages(db)) == 2


def test_auto_resolve_after_the_quiet_period_with_one_resolve_page(db: Database) -> None:
    runner = stage(db, resolve_quiet=timedelta(minutes=5))
    post(db, alert("LedgerDown", "ledger", T0))
    runner.run(T0 + timedelta(minutes=1))
    end = T0 + timedelta(minutes=10)
    post(db, alert("LedgerDown", "ledger", T0, status="resolved", end=end))
    runner.run(end + timedelta(minutes=4))
    assert incidents(db)[0]["status"] == "open"  # still inside the quiet period
    report = runner.run(end + timedelta(minutes=6))
    (inc,) = incidents(db)
    assert report.resolved == [inc["id"]] and inc["status"] == "resolved"
    assert inc["resolved_at"] == iso(end + timedelta(minutes=5))  # event time, not the clock
    assert [p[1] for p in pages(db)] == ["trigger", "resolve"]
    runner.run(end + timedelta(minutes=30))
    assert [p[1] for p in pages(db)] == ["trigger", "resolve"]


def test_a_recurrence_opens_a_new_incident_linked_to_the_old(db: Database) -> None:
    runner = stage(db, resolve_quiet=timedelta(0))
    post(db, alert("LedgerDown", "ledger", T0))
    runner.run(T0 + timedelta(minutes=1))
    post(db, alert("LedgerDown", "ledger", T0, status="resolved", end=T0 + timedelta(minutes=3)))
    runner.run(T0 + timedelta(minutes=4))
    again = T0 + timedelta(minutes=20)
    post(db, alert("LedgerDown", "ledger", again))
    stage(db, resolve_quiet=timedelta(0)).run(again + timedelta(minutes=1))  # after a restart
    old, new = sorted(incidents(db), key=lambda i: i["id"])
    assert old["status"] == "resolved" and new["status"] == "open"
    assert new["previous_incident_id"] == old["id"]
    assert [p[1] for p in pages(db)] == ["trigger", "resolve", "trigger"]


def test_a_flapping_alert_holds_its_incident_open_until_it_settles(db: Database) -> None:
    runner = stage(db, resolve_quiet=timedelta(minutes=1), flap_count=3,
                   flap_window=timedelta(hours=1))  # fmt: skip
    t = T0
    for _ in range(3):  # fires, resolves 30 s later, fires again 30 s after that
        post(db, alert("LedgerDown", "ledger", t))
        post(db, alert("LedgerDown", "ledger", t, status="resolved", end=t + timedelta(seconds=30)))
        runner.run(t + timedelta(seconds=40))
        t += timedelta(minutes=1)
    (inc,) = incidents(db)
    assert inc["flapping"] and inc["status"] == "open"
    runner.run(t + timedelta(minutes=10))  # quiet, but still three firings within the hour
    assert incidents(db)[0]["status"] == "open"
    runner.run(T0 + timedelta(hours=1, minutes=5))  # the window has passed: settled
    (inc,) = incidents(db)
    assert inc["status"] == "resolved" and not inc["flapping"]
    assert [p[1] for p in pages(db)] == ["trigger", "resolve"]


def test_an_alert_firing_twice_between_runs_keeps_both_firings_in_its_incident(
    db: Database,
) -> None:
    # the alert fires, and fires again 20 s later, before the stage runs: the correlator
    # counts it once, in its last state, and both stored firings are members of the incident
    post(
        db,
        alert("LedgerDown", "ledger", T0),
        alert("LedgerDown", "ledger", T0 + timedelta(seconds=20)),
    )
    stage(db).run(T0 + timedelta(seconds=30))
    (inc,) = incidents(db)
    with db.session() as s:
        members = s.scalar(
            select(func.count())
            .select_from(IncidentAlert)
            .where(IncidentAlert.incident_id == inc["id"])
        )
        firings = s.scalar(select(func.count()).select_from(Alert))
    assert firings == 2 and members == 2


def test_a_silence_suppresses_the_page_but_records_the_incident(db: Database) -> None:
    with db.session() as s:
        silence = add_silence(s, ["service=ledger"], T0 - timedelta(hours=1),
                              T0 + timedelta(hours=1), None, "db maintenance", now=T0)  # fmt: skip
    post(db, alert("LedgerDown", "ledger", T0))
    runner = stage(db)
    runner.run(T0 + timedelta(minutes=1))
    (inc,) = incidents(db)
    assert inc["status"] == "open" and "db maintenance" in inc["silenced"]
    assert [(a, st) for _k, a, st in pages(db)] == [("trigger", "suppressed")]
    with db.session() as s:
        expire_silence(s, silence["id"], now=T0 + timedelta(minutes=2))
    runner.run(T0 + timedelta(minutes=3))
    assert incidents(db)[0]["silenced"] == ""
    assert [(a, st) for _k, a, st in pages(db)] == [("trigger", "pending")]


def test_a_maintenance_window_suppresses_only_inside_its_window(db: Database) -> None:
    with db.session() as s:  # Mondays 09:00-10:00 UTC; T0 is Monday 09:00
        add_silence(s, ["service=~led.*"], T0 - timedelta(days=7), None,
                    {"days": ["mon"], "start": "09:00", "duration_seconds": 3600,
                     "timezone": "UTC"}, "weekly window", now=T0)  # fmt: skip
    post(db, alert("LedgerDown", "ledger", T0 + timedelta(minutes=5)))
    post(db, alert("SearchDown", "search", T0 + timedelta(minutes=5)))
    stage(db).run(T0 + timedelta(minutes=10))
    states = {i["services"][0]: i["silenced"] for i in incidents(db)}
    assert "weekly window" in states["ledger"] and states["search"] == ""


def test_acknowledge_and_resolve_by_hand_plan_their_pages(db: Database) -> None:
    post(db, alert("LedgerDown", "ledger", T0))
    runner = stage(db)
    runner.run(T0 + timedelta(minutes=1))
    (inc,) = incidents(db)
    transition(db, inc["id"], "acknowledged", catalog(), now=T0 + timedelta(minutes=2))
    transition(db, inc["id"], "resolved", catalog(), now=T0 + timedelta(minutes=3))
    assert [p[1] for p in pages(db)] == ["trigger", "acknowledge", "resolve"]
    # the stage sees the hand-made change and does not reopen or re-page
    post(db, alert("Errors", "ledger", T0 + timedelta(minutes=4)))
    runner.run(T0 + timedelta(minutes=5))
    assert incidents(db, "resolved")[0]["id"] == inc["id"]
    assert [p[1] for p in pages(db)] == ["trigger", "acknowledge", "resolve", "trigger"]


def test_a_pending_group_survives_a_restart_and_opens_on_the_third_alert(db: Database) -> None:
    rules = CorrelationRules(open_after_alerts=3, open_at_severity=None)
    post(db, alert("Slow", "ledger", T0, severity="warning"),
         alert("Errors", "ledger", T0 + timedelta(seconds=10), severity="warning"))  # fmt: skip
    CorrelateStage(db, rules, catalog=catalog()).run(T0 + timedelta(minutes=1))
    assert incidents(db) == [] and pages(db) == []
    post(db, alert("Saturated", "ledger", T0 + timedelta(seconds=30), severity="warning"))
    report = CorrelateStage(db, rules, catalog=catalog()).run(T0 + timedelta(minutes=2))
    (inc,) = incidents(db)
    assert report.opened == [inc["id"]] and len(inc["alert_fingerprints"]) == 3
    assert [p[1] for p in pages(db)] == ["trigger"]


def test_detections_join_and_improvements_do_not(db: Database) -> None:
    with db.session() as s:
        s.add(ChangeEvent(service="ledger", kind="deploy", at=T0 - timedelta(minutes=3),
                          version="v42", received_at=T0))  # fmt: skip
        for kind in ("regression", "improvement"):
            s.add(Detection(key=f"d-{kind}", kind=kind, service="ledger", function="post",
                            onset_at=T0 - timedelta(minutes=1), detected_at=T0,
                            detector="function-share", magnitude_rel=0.4))  # fmt: skip
    post(db, alert("LedgerDown", "ledger", T0))
    stage(db).run(T0 + timedelta(minutes=1))
    (inc,) = incidents(db)
    with db.session() as s:
        regression = s.scalars(select(Detection.id).where(Detection.kind == "regression")).one()
        full = get_incident(s, inc["id"])
    assert full is not None and full["detection_ids"] == [regression]
    assert [c["version"] for c in full["suspected_changes"]] == ["v42"]


def test_a_failure_mid_run_writes_nothing_and_the_next_run_redoes_it(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    post(db, alert("LedgerDown", "ledger", T0))
    runner = stage(db)

    def broken(*_a: Any, **_k: Any) -> list[Page]:
        raise RuntimeError("disk full")

    monkeypatch.setattr("efficiency.stages.correlate.plan_pages", broken)
    with pytest.raises(RuntimeError):
        runner.run(T0 + timedelta(minutes=1))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Incident)) == 0
        mark = s.get(Watermark, WM_ALERTS)
        assert mark is None or not mark.position
    monkeypatch.undo()
    runner.run(T0 + timedelta(minutes=1))
    assert len(incidents(db)) == 1 and len(pages(db)) == 1


def test_a_metric_only_problem_opens_an_incident_ranked_like_rca(db: Database) -> None:
    """No alert at all: a severe anomaly of one pod's memory opens an incident, and its root
    causes are the `efficiency rca` ranking of every service at the anomaly's onset."""
    from efficiency.config import RcaConfig
    from efficiency.ingest.metrics import parse_metrics_csv, store_metrics
    from tests.rca.conftest import FAULT_AT, SLICE

    onset = FAULT_AT.to_pydatetime() + timedelta(minutes=1)
    with db.session() as s:
        store_metrics(s, parse_metrics_csv(SLICE.read_text()))
        s.add(Detection(key="an-1", kind="anomaly", service="ts-basic-service",
                        function="memory_usage_mebibytes", onset_at=onset, detected_at=onset,
                        detector="metric-anomaly", evidence={"score": 0.95}))  # fmt: skip
    CorrelateStage(db, CorrelationRules(), rca=RcaConfig()).run(onset + timedelta(minutes=2))
    (inc,) = incidents(db)
    causes = [c["name"] for c in inc["root_causes"]]
    assert causes[0] == "ts-contacts-service" and len(causes) == 5
    assert inc["title"].endswith("likely cause: ts-contacts-service")
