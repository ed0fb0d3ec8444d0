"""Delivering the outbox against a real loopback receiver, on SQLite and PostgreSQL:
retries with backoff, permanent failures, concurrent workers, crash and lease expiry."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from efficiency.notify.base import Notifier
from efficiency.notify.claim import claim_due
from efficiency.notify.deliver import deliver_due, notification_of
from efficiency.notify.outbox import plan_pages
from efficiency.notify.registry import build_notifiers
from efficiency.notify.retry import RetryPolicy
from efficiency.store.db import Database
from efficiency.store.incident_queries import set_incident_status
from efficiency.store.incidents import Incident, Page
from tests.notify.conftest import T0, Mailbox, Receiver, catalog_for, make_incident

PD = "/v2/enqueue"
RETRY = RetryPolicy(initial_seconds=10, maximum_seconds=60, rng=random.Random(1))


@pytest.fixture
def notifiers(receiver: Receiver) -> Iterator[dict[str, Notifier]]:
    with httpx.Client(timeout=5) as client:
        yield build_notifiers(catalog_for(receiver), client)


def _incident(db: Database, receiver: Receiver, key: str = "inc-1", **kw: object) -> int:
    with db.session() as s:
        inc = make_incident(key=key, severity="critical", **kw)  # type: ignore[arg-type]
        s.add(inc)
        plan_pages(s, inc, catalog_for(receiver), T0)
        return inc.id


def _page(db: Database, route: str = "payments/0-pagerduty", action: str = "trigger") -> Page:
    with db.session() as s:
        return s.scalars(select(Page).where(Page.route == route, Page.action == action)).one()


def test_sends_each_page_once(db: Database, receiver: Receiver, notifiers: dict) -> None:
    _incident(db, receiver)
    report = deliver_due(db, notifiers, T0, retry=RETRY)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert [b["dedup_key"] for b in receiver.bodies(PD)] == ["inc-1"]
    assert len(receiver.bodies("/hook")) == 1
    assert deliver_due(db, notifiers, T0 + timedelta(hours=1), retry=RETRY).sent == 0
    page = _page(db)
    assert (page.state, page.attempts, page.sent_at) == ("sent", 1, T0)


def test_429_and_500_retried_with_backoff_then_sent(
    db: Database, receiver: Receiver, notifiers: dict
) -> None:
    _incident(db, receiver, services=["ledger"])
    with db.session() as s:  # only the PagerDuty route, to script its answers
        s.execute(Page.__table__.delete().where(Page.route != "payments/0-pagerduty"))
    receiver.answer(429, 500)
    assert deliver_due(db, notifiers, T0, retry=RETRY).retrying == 1
    first = _page(db)
    assert first.state == "pending" and "HTTP 429" in first.last_error
    wait = (first.next_attempt_at - T0).total_seconds()  # type: ignore[operator]
    assert 5 <= wait <= 10  # equal jitter: [d/2, d] with d = 10 s
    assert deliver_due(db, notifiers, T0 + timedelta(seconds=4), retry=RETRY).retrying == 0
    now = first.next_attempt_at
    assert now is not None
    assert deliver_due(db, notifiers, now, retry=RETRY).retrying == 1
    second = _page(db)
    assert "HTTP 500" in second.last_error
    assert 10 <= (second.next_attempt_at - now).total_seconds() <= 20  # type: ignore[operator]
    assert deliver_due(db, notifiers, second.next_attempt_at, retry=RETRY).sent == 1  # type: ignore[arg-type]
    final = _page(db)
    assert (final.state, final.attempts, final.last_error) == ("sent", 3, "")
    assert {b["dedup_key"] for b in receiver.bodies(PD)} == {"inc-1"}
    assert len(receiver.bodies(PD)) == 3


def test_400_is_permanent(db: Database, receiver: Receiver, notifiers: dict) -> None:
    _incident(db, receiver)
    receiver.answer(400)
    report = deliver_due(db, notifiers, T0, retry=RETRY)
    assert report.failed == 1
    page = _page(db)
    assert page.state == "failed" and "HTTP 400" in page.last_error
    assert deliver_due(db, notifiers, T0 + timedelta(days=1), retry=RETRY).sent == 0


def test_resolve_waits_for_its_trigger(db: Database, receiver: Receiver, notifiers: dict) -> None:
    inc = _incident(db, receiver, services=["ledger"])
    with db.session() as s:
        set_incident_status(s, inc, "resolved", T0)
        plan_pages(s, s.get_one(Incident, inc), catalog_for(receiver), T0)
    receiver.answer(500)  # the trigger fails first: the resolve must not overtake it
    deliver_due(db, notifiers, T0, retry=RETRY)
    assert [b["event_action"] for b in receiver.bodies(PD)] == ["trigger"]
    deliver_due(db, notifiers, T0 + timedelta(minutes=5), retry=RETRY)
    assert [b["event_action"] for b in receiver.bodies(PD)] == ["trigger", "trigger", "resolve"]


def test_concurrent_workers_never_send_a_row_twice(
    db: Database, receiver: Receiver, notifiers: dict
) -> None:
    for i in range(15):
        _incident(db, receiver, key=f"inc-{i}")
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            deliver_due(db, notifiers, T0, limit=50, retry=RETRY)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent = Counter((r.path, r.body["dedup_key"]) for r in receiver.requests)
    assert len(sent) == 30 and set(sent.values()) == {1}
    with db.session() as s:
        assert set(s.scalars(select(Page.attempts))) == {1}


def test_crash_after_claim_resends_with_same_dedup_key(
    db: Database, receiver: Receiver, notifiers: dict
) -> None:
    _incident(db, receiver, services=["ledger"])
    lease = timedelta(minutes=5)
    (claim,) = [c for c in claim_due(db, T0, 10, lease) if c.route == "payments/0-pagerduty"]
    notifiers[claim.route].send(notification_of(claim))  # sent, then the worker dies
    # while the lease runs nobody else sends it
    report = deliver_due(db, notifiers, T0 + timedelta(minutes=4), retry=RETRY, lease=lease)
    assert report.sent == 0
    assert len(receiver.bodies(PD)) == 1
    # after the lease the row is due again: sent a second time, same key (a no-op at PagerDuty)
    report = deliver_due(db, notifiers, T0 + timedelta(minutes=6), retry=RETRY, lease=lease)
    assert report.sent == 2  # the PagerDuty trigger again, and the webhook claimed with it
    assert [b["dedup_key"] for b in receiver.bodies(PD)] == ["inc-1", "inc-1"]
    page = _page(db)
    assert (page.state, page.attempts) == ("sent", 2)


def test_unknown_route_is_kept_for_later(db: Database, receiver: Receiver) -> None:
    _incident(db, receiver)
    report = deliver_due(db, {}, T0, retry=RETRY)
    assert report.retrying == 2
    assert "no receiver configured" in _page(db).last_error


def test_email_route_delivers_through_the_outbox(
    sqlite_db: Database, receiver: Receiver, smtp_server: tuple[int, Mailbox]
) -> None:
    port, box = smtp_server
    catalog = catalog_for(receiver, smtp_port=port)
    with sqlite_db.session() as s:
        inc = make_incident(severity="info")
        s.add(inc)
        (page,) = plan_pages(s, inc, catalog, T0)
    assert page.route == "payments/2-email"
    with httpx.Client(timeout=5) as client:
        report = deliver_due(sqlite_db, build_notifiers(catalog, client), T0, retry=RETRY)
    assert report.sent == 1
    assert len(box.messages) == 1 and "checkout latency up" in box.messages[0]["Subject"]
