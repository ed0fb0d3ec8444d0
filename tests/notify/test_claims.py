"""Claims and their owners: a dead worker's pages come back at once, a live one's never
early, leases are renewed while a batch is worked, and every re-send carries the same
idempotency key. Real receivers and real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from efficiency.notify.base import Notifier
from efficiency.notify.claim import claim_due, release_dead_claims, renew
from efficiency.notify.deliver import deliver_due, notification_of
from efficiency.notify.outbox import plan_pages
from efficiency.notify.owner import owner_alive, worker_id
from efficiency.notify.registry import build_notifiers
from efficiency.notify.retry import RetryPolicy
from efficiency.store.db import Database
from efficiency.store.incident_queries import set_incident_status
from efficiency.store.incidents import Incident, Page
from tests.notify.conftest import T0, Mailbox, Receiver, catalog_for, make_incident

RETRY = RetryPolicy(initial_seconds=10, maximum_seconds=60, rng=random.Random(1))
LEASE = timedelta(minutes=5)


@pytest.fixture
def notifiers(receiver: Receiver) -> Iterator[dict[str, Notifier]]:
    with httpx.Client(timeout=5) as client:
        yield build_notifiers(catalog_for(receiver), client)


@pytest.fixture(scope="module")
def dead_worker() -> str:
    """The worker id of a real process that has exited since."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        owner = worker_id(proc.pid)
    finally:
        proc.kill()
        proc.wait()
    return owner


def _incident(db: Database, receiver: Receiver, key: str = "inc-1") -> int:
    with db.session() as s:
        inc = make_incident(key=key, severity="critical")
        s.add(inc)
        plan_pages(s, inc, catalog_for(receiver), T0)
        return inc.id


def test_owner_alive_tells_this_process_a_dead_one_and_other_hosts(dead_worker: str) -> None:
    assert owner_alive(worker_id()) is True
    assert owner_alive(dead_worker) is False
    host, boot, pid, started = worker_id().split("/")
    assert owner_alive(f"{host}/not-this-boot/{pid}/{started}") is False
    assert owner_alive(f"{host}/{boot}/{os.getpid()}/12.00") is False  # the pid was reused
    assert owner_alive(f"elsewhere-{socket.gethostname()}/{boot}/{pid}/{started}") is None
    assert owner_alive("not a worker id") is None


def test_pages_of_a_dead_worker_are_sent_at_once_not_after_the_lease(
    db: Database, receiver: Receiver, notifiers: dict, dead_worker: str
) -> None:
    """A daemon SIGKILLed after claiming: its successor sends the pages on its first pass."""
    _incident(db, receiver)
    claimed = claim_due(db, T0, 10, LEASE, owner=dead_worker)
    assert len(claimed) == 2
    report = deliver_due(db, notifiers, T0 + timedelta(seconds=1), retry=RETRY, lease=LEASE)
    assert (report.reclaimed, report.sent) == (2, 2)
    with db.session() as s:
        pages = s.scalars(select(Page)).all()
        assert {(p.state, p.attempts, p.claimed_by) for p in pages} == {("sent", 2, None)}


def test_pages_of_a_live_or_unknown_worker_wait_for_the_lease(
    db: Database, receiver: Receiver, notifiers: dict
) -> None:
    _incident(db, receiver)
    _incident(db, receiver, key="inc-2")
    mine = claim_due(db, T0, 2, LEASE)  # this process: alive
    theirs = claim_due(db, T0, 2, LEASE, owner="other-host/boot/1/1.00")
    assert len(mine) == len(theirs) == 2
    assert release_dead_claims(db, T0 + timedelta(minutes=1)) == 0
    early = deliver_due(db, notifiers, T0 + timedelta(minutes=4), retry=RETRY, lease=LEASE)
    assert (early.reclaimed, early.sent) == (0, 0)
    late = deliver_due(db, notifiers, T0 + timedelta(minutes=6), retry=RETRY, lease=LEASE)
    assert late.sent == 4


def test_renew_extends_only_claims_still_held(db: Database, receiver: Receiver) -> None:
    _incident(db, receiver)
    first, second = claim_due(db, T0, 10, LEASE)
    assert renew(db, [first, second], T0 + 2 * LEASE) == 2
    with db.session() as s:  # the second was taken over meanwhile (its lease had ended)
        s.get_one(Page, second.page_id).claimed_by = "someone-else"
    assert renew(db, [first, second], T0 + 3 * LEASE) == 1
    with db.session() as s:
        assert s.get_one(Page, first.page_id).next_attempt_at == T0 + 3 * LEASE
        assert s.get_one(Page, second.page_id).next_attempt_at == T0 + 2 * LEASE


def test_a_long_batch_keeps_its_leases(
    db: Database, receiver: Receiver, notifiers: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each send takes longer than a third of the lease (a clock that jumps 50 s a send):
    the rows still waiting are renewed, so no other worker may take them meanwhile."""
    for i in range(3):
        _incident(db, receiver, key=f"inc-{i}")
    clock = iter(range(0, 10_000, 50))
    monkeypatch.setattr("efficiency.notify.deliver.time.monotonic", lambda: float(next(clock)))
    lease = timedelta(seconds=120)
    seen: list[object] = []
    real_renew = renew

    def spy(database: Database, claims: list, until: object) -> int:
        seen.append(until)
        return real_renew(database, claims, until)  # type: ignore[arg-type]

    monkeypatch.setattr("efficiency.notify.deliver.renew", spy)
    report = deliver_due(db, notifiers, T0, retry=RETRY, lease=lease)
    assert report.sent == 6 and report.lost_lease == 0
    assert seen and all(u > T0 + lease for u in seen)  # type: ignore[operator]


def test_every_resend_of_a_webhook_page_has_the_same_idempotency_key(
    db: Database, receiver: Receiver, notifiers: dict
) -> None:
    inc = _incident(db, receiver)
    hook = [c for c in claim_due(db, T0, 10, LEASE) if c.route == "payments/1-webhook"]
    notifiers[hook[0].route].send(notification_of(hook[0]))  # sent, then the worker died
    deliver_due(db, notifiers, T0 + 2 * LEASE, retry=RETRY, lease=LEASE)  # the lease ended
    with db.session() as s:
        set_incident_status(s, inc, "resolved", T0)
        plan_pages(s, s.get_one(Incident, inc), catalog_for(receiver), T0)
    deliver_due(db, notifiers, T0 + 3 * LEASE, retry=RETRY, lease=LEASE)
    sent = [r for r in receiver.requests if r.path == "/hook"]
    assert [r.body["action"] for r in sent] == ["trigger", "trigger", "resolve"]
    keys = [r.headers["Idempotency-Key"] for r in sent]
    assert keys[0] == keys[1] != keys[2]
    assert [r.body["idempotency_key"] for r in sent] == keys
    assert all(len(k) == 32 for k in keys)


def test_a_resent_email_page_keeps_its_message_id(
    sqlite_db: Database, receiver: Receiver, smtp_server: tuple[int, Mailbox]
) -> None:
    port, box = smtp_server
    catalog = catalog_for(receiver, smtp_port=port)
    with sqlite_db.session() as s:
        inc = make_incident(severity="info")
        s.add(inc)
        plan_pages(s, inc, catalog, T0)
    with httpx.Client(timeout=5) as client:
        notifiers = build_notifiers(catalog, client)
        (claim,) = claim_due(sqlite_db, T0, 10, LEASE)
        notifiers[claim.route].send(notification_of(claim))  # sent, then the worker died
        assert deliver_due(sqlite_db, notifiers, T0 + 2 * LEASE, lease=LEASE).sent == 1
    first, second = box.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert first["Message-ID"].endswith("@efficiency>")
