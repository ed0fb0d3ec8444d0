"""Delivering the outbox: claim → send → retry or give up → record.

Delivery is at-least-once, made send-once wherever the receiver takes an idempotency key.
A worker that crashes after the receiver accepted a page but before recording it leaves a
claimed, unrecorded row, which is sent again (at once when the worker's host sees it is
dead, else when its lease ends) with the same keys:

* PagerDuty: the ``dedup_key`` (the incident key) folds every event of an incident into one
  alert, so a second trigger, acknowledge or resolve is a no-op there: exactly once;
* webhook: an ``Idempotency-Key`` header, and ``idempotency_key`` in the body, stable per
  page (incident, route, action, revision), so a receiver that keeps the keys it has seen
  (as the IETF idempotency-key draft describes) acts once;
* e-mail: a stable ``Message-ID`` per page, which mail stores that deduplicate use; SMTP
  itself promises nothing, so a second copy can arrive;
* Slack incoming webhooks take no key at all: a second copy can be posted.

The window for that duplicate is the time between the receiver's answer and one small
UPDATE. docs/reliability.md states the guarantees per notifier.

Nothing here holds a database transaction open while talking to a receiver: claiming and
recording are short transactions of their own.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import blake2b
from typing import Any

from sqlalchemy import update

from efficiency.notify.base import DeliveryError, Notification, Notifier
from efficiency.notify.claim import Claim, claim_due, release_dead_claims, renew
from efficiency.notify.retry import RetryPolicy
from efficiency.store.db import Database
from efficiency.store.incidents import Page

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: rows whose lease another worker had taken over by the time this one recorded
    lost_lease: int = 0
    #: claimed rows of a dead worker of this host, made due again before claiming
    reclaimed: int = 0


def idempotency_key(claim: Claim) -> str:
    """One key per page (incident, route, action, revision), the same on every re-send."""
    raw = "\x00".join((claim.dedup_key, claim.route, claim.action, str(claim.revision)))
    return blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def notification_of(claim: Claim) -> Notification:
    return Notification(
        action=claim.action,
        dedup_key=claim.dedup_key,
        route=claim.route,
        team=str(claim.payload.get("team", "")),
        incident=dict(claim.payload.get("incident", {})),
        idempotency_key=idempotency_key(claim),
        body=dict(claim.payload.get("body", {})),
    )


def send(claim: Claim, notifiers: Mapping[str, Notifier]) -> DeliveryError | None:
    """The send stage: None when the receiver accepted the page, else why not."""
    notifier = notifiers.get(claim.route)
    if notifier is None:
        # a configuration fix (the route back in the services file) cures this: retry
        return DeliveryError(f"no receiver configured for route {claim.route!r}", True)
    try:
        notifier.send(notification_of(claim))
    except DeliveryError as exc:
        return exc
    except Exception as exc:  # a notifier bug must not stop the other pages
        log.exception("notifier %s crashed on page %s", notifier.kind, claim.page_id)
        return DeliveryError(f"{notifier.kind} notifier error: {exc!r}", retryable=True)
    return None


def outcome(
    claim: Claim, error: DeliveryError | None, now: datetime, retry: RetryPolicy
) -> dict[str, Any]:
    """The retry stage: the row's new values after this attempt."""
    if error is None:
        return {"state": "sent", "sent_at": now, "last_error": ""}
    if not error.retryable or retry.gives_up(claim.attempts):
        return {"state": "failed", "last_error": str(error)[:2000]}
    return {
        "last_error": str(error)[:2000],
        "next_attempt_at": retry.next_attempt(now, claim.attempts, error.retry_after),
    }


def record(database: Database, claim: Claim, values: dict[str, Any]) -> bool:
    """The record stage: write the outcome if the row is still this worker's claim (still
    pending at the attempt count it claimed); False when another worker took it over."""
    with database.session() as session:
        result = session.execute(
            update(Page)
            .where(
                Page.id == claim.page_id,
                Page.state == "pending",
                Page.attempts == claim.attempts,
            )
            .values(**values, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def deliver_due(
    database: Database,
    notifiers: Mapping[str, Notifier],
    now: datetime,
    limit: int = 100,
    retry: RetryPolicy | None = None,
    lease: timedelta = timedelta(minutes=2),
    only: Collection[int] | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` due pages as of ``now`` and record what happened.

    First takes back the pages that a dead worker of this host had claimed, so a restarted
    daemon sends them now rather than after their lease. Claims again after each batch, so a
    resolve queued behind its trigger goes out in the same call once the trigger is sent.
    The leases of a batch are renewed while it is worked through; ``lease`` must exceed the
    longest single send (receiver timeouts are 10 s per step); past it a row counts as
    abandoned and is sent again. ``only``: these pages alone (a command sending what it has
    just planned), else every due page.
    """
    retry = retry or RetryPolicy()
    report = DeliveryReport()
    report.reclaimed = release_dead_claims(database, now)
    if report.reclaimed:
        log.warning("%d page(s) claimed by a dead worker are due again", report.reclaimed)
    handled = 0
    started = time.monotonic()
    while handled < limit:
        claims = claim_due(database, now, limit - handled, lease, only=only)
        if not claims:
            break
        renewed = time.monotonic()
        for i, claim in enumerate(claims):
            if time.monotonic() - renewed > lease.total_seconds() / 3:  # the heartbeat
                renewed = time.monotonic()
                elapsed = timedelta(seconds=renewed - started)
                renew(database, claims[i:], now + elapsed + lease)
            error = send(claim, notifiers)
            values = outcome(claim, error, now, retry)
            if not record(database, claim, values):
                report.lost_lease += 1
                log.warning("page %s: lease lost before recording", claim.page_id)
            elif error is None:
                report.sent += 1
            elif values.get("state") == "failed":
                report.failed += 1
                log.error("page %s failed for good: %s", claim.page_id, error)
            else:
                report.retrying += 1
                log.warning("page %s will be retried: %s", claim.page_id, error)
        handled += len(claims)
    return report
