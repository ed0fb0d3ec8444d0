"""Delivering the outbox: claim → send → retry or give up → record.

Delivery is at-least-once, made exactly-once where it matters by the receiver's idempotency
key. A worker that crashes after the receiver accepted a page but before recording it leaves
a claimed, unrecorded row; when its lease ends the row is due again and is re-sent with the
same ``dedup_key`` (the incident key). PagerDuty folds events with one dedup key into one
alert, so the second trigger is a no-op there, and so is a second resolve; the generic
webhook carries the key for its receiver to do the same. The only window for a visible
duplicate is Slack or e-mail in that crash, which is the price of never losing a page.

Nothing here holds a database transaction open while talking to a receiver: claiming and
recording are short transactions of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from efficiency.notify.base import DeliveryError, Notification, Notifier
from efficiency.notify.claim import Claim, claim_due
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


def notification_of(claim: Claim) -> Notification:
    return Notification(
        action=claim.action,
        dedup_key=claim.dedup_key,
        route=claim.route,
        team=str(claim.payload.get("team", "")),
        incident=dict(claim.payload.get("incident", {})),
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
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1


def deliver_due(
    database: Database,
    notifiers: Mapping[str, Notifier],
    now: datetime,
    limit: int = 100,
    retry: RetryPolicy | None = None,
    lease: timedelta = timedelta(minutes=5),
) -> DeliveryReport:
    """Send up to ``limit`` due pages as of ``now`` and record what happened.

    Claims again after each batch, so a resolve queued behind its trigger goes out in the
    same call once the trigger is sent. ``lease`` must exceed the longest send (receiver
    timeouts are 10 s); past it a row counts as abandoned and is sent again.
    """
    retry = retry or RetryPolicy()
    report = DeliveryReport()
    handled = 0
    while handled < limit:
        claims = claim_due(database, now, limit - handled, lease)
        if not claims:
            break
        for claim in claims:
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
