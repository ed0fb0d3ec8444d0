"""Planning pages: one trigger per incident per route, updates on severity rise, ack and
resolve follow, silences suppress, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from efficiency.notify.outbox import plan_pages
from efficiency.store.db import Database
from efficiency.store.incident_queries import set_incident_status
from efficiency.store.incidents import Incident, Page
from tests.notify.conftest import T0, Receiver, catalog_for, make_incident


def _pages(db: Database) -> list[tuple[str, str, int, str]]:
    with db.session() as s:
        rows = s.scalars(select(Page).order_by(Page.id)).all()
        return [(p.route, p.action, p.revision, p.state) for p in rows]


def _plan(db: Database, receiver: Receiver, incident_id: int, **kw: object) -> list[Page]:
    with db.session() as s:
        inc = s.get_one(Incident, incident_id)
        return plan_pages(s, inc, catalog_for(receiver), T0, **kw)  # type: ignore[arg-type]


def _open(db: Database, **kw: object) -> int:
    with db.session() as s:
        inc = make_incident(**kw)  # type: ignore[arg-type]
        s.add(inc)
        s.flush()
        return inc.id


def test_one_trigger_per_route_even_when_planned_twice(db: Database, receiver: Receiver) -> None:
    inc = _open(db)
    first = _plan(db, receiver, inc)
    assert [(p.route, p.action, p.dedup_key) for p in first] == [
        ("payments/1-webhook", "trigger", "inc-1")
    ]  # warning: below the PagerDuty route's min_severity
    assert _plan(db, receiver, inc) == []
    assert _pages(db) == [("payments/1-webhook", "trigger", 0, "pending")]
    payload = first[0].payload
    assert payload["team"] == "payments"
    assert payload["incident"]["key"] == "inc-1"
    assert payload["incident"]["services"] == ["checkout"]


def test_severity_rise_retriggers_fall_does_not(db: Database, receiver: Receiver) -> None:
    inc = _open(db)
    _plan(db, receiver, inc)
    with db.session() as s:
        s.get_one(Incident, inc).severity = "critical"
    new = _plan(db, receiver, inc)
    assert sorted((p.route, p.revision) for p in new) == [
        ("payments/0-pagerduty", 0),
        ("payments/1-webhook", 1),
    ]
    with db.session() as s:
        s.get_one(Incident, inc).severity = "warning"
    assert _plan(db, receiver, inc) == []
    with db.session() as s:
        s.get_one(Incident, inc).severity = "critical"
    assert _plan(db, receiver, inc) == []  # critical was already paged


def test_ack_and_resolve_follow_once(db: Database, receiver: Receiver) -> None:
    inc = _open(db, severity="critical")
    _plan(db, receiver, inc)
    with db.session() as s:
        set_incident_status(s, inc, "acknowledged", T0 + timedelta(minutes=1))
    assert {p.action for p in _plan(db, receiver, inc)} == {"acknowledge"}
    with db.session() as s:
        set_incident_status(s, inc, "resolved", T0 + timedelta(minutes=2))
    resolves = _plan(db, receiver, inc)
    assert sorted(p.route for p in resolves) == ["payments/0-pagerduty", "payments/1-webhook"]
    assert {p.action for p in resolves} == {"resolve"}
    assert resolves[0].payload["incident"]["resolved_at"] is not None
    assert _plan(db, receiver, inc) == []
    assert len(_pages(db)) == 6


def test_resolved_before_any_page_pages_nobody(db: Database, receiver: Receiver) -> None:
    inc = _open(db, status="resolved", resolved_at=T0)
    assert _plan(db, receiver, inc) == []


def test_unknown_service_goes_to_default_team(db: Database, receiver: Receiver) -> None:
    inc = _open(db, services=["mystery"])
    assert [p.route for p in _plan(db, receiver, inc)] == ["platform/0-slack"]


def test_silence_suppresses_then_pages_when_it_ends(db: Database, receiver: Receiver) -> None:
    inc = _open(db)
    rows = _plan(db, receiver, inc, silenced=lambda i: "maintenance window db-upgrade")
    assert [(p.state, p.last_error) for p in rows] == [
        ("suppressed", "silenced: maintenance window db-upgrade")
    ]
    _plan(db, receiver, inc)  # the silence is over, the incident still open
    assert _pages(db) == [("payments/1-webhook", "trigger", 0, "pending")]


def test_resolve_of_a_suppressed_trigger_is_suppressed(db: Database, receiver: Receiver) -> None:
    inc = _open(db)
    _plan(db, receiver, inc, silenced=lambda i: "quiet")
    with db.session() as s:
        set_incident_status(s, inc, "resolved", T0)
    _plan(db, receiver, inc)
    assert [state for *_, state in _pages(db)] == ["suppressed", "suppressed"]
