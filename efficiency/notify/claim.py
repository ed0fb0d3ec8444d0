"""Claiming due pages, so that no two workers send the same row at once.

A claim sets the row's ``next_attempt_at`` to a lease end and counts the attempt, in a short
transaction of its own, before anything is sent. Another worker sees a row that is not due
and leaves it alone; a worker that dies after claiming leaves a row that becomes due again
when the lease ends, so the page is sent later rather than never.

* PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` picks the batch, so concurrent workers
  take disjoint rows without waiting on each other.
* SQLite: one writer at a time anyway; each row is claimed by a conditional ``UPDATE``
  (still pending, still due), as the first statement of its transaction so it waits on the
  write lock instead of failing on a stale read snapshot. Of two workers that read the same
  candidate, exactly one update matches.

A page is only due when no earlier page of the same incident and route is still pending, so
a resolve never overtakes its trigger (PagerDuty would drop the resolve, then open an alert
that nothing resolves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from efficiency.store.db import Database
from efficiency.store.incidents import Page


@dataclass(frozen=True)
class Claim:
    """A page this worker holds until ``lease_until``; ``attempts`` counts this one."""

    page_id: int
    route: str
    action: str
    dedup_key: str
    attempts: int
    payload: dict[str, Any]
    lease_until: datetime


def _due(now: datetime) -> Any:
    earlier = aliased(Page)
    blocked = exists().where(
        earlier.incident_id == Page.incident_id,
        earlier.route == Page.route,
        earlier.state == "pending",
        earlier.id < Page.id,
    )
    return and_(
        Page.state == "pending",
        or_(Page.next_attempt_at.is_(None), Page.next_attempt_at <= now),
        ~blocked,
    )


def _claim(page: Page) -> Claim:
    return Claim(
        page.id, page.route, page.action, page.dedup_key, page.attempts,
        dict(page.payload), page.next_attempt_at or datetime.min,
    )  # fmt: skip


def claim_due(
    database: Database, now: datetime, limit: int, lease: timedelta = timedelta(minutes=5)
) -> list[Claim]:
    """Claim up to ``limit`` due pages until ``now + lease``; oldest due first."""
    order = (Page.next_attempt_at, Page.id)
    if database.dialect == "postgresql":
        with database.session() as session:
            pages = session.scalars(
                select(Page).where(_due(now)).order_by(*order).limit(limit)
                .with_for_update(skip_locked=True, of=Page)
            ).all()  # fmt: skip
            for page in pages:
                page.attempts += 1
                page.next_attempt_at = now + lease
            session.flush()
            return [_claim(page) for page in pages]
    with database.session() as session:
        candidates = session.scalars(
            select(Page.id).where(_due(now)).order_by(*order).limit(limit)
        ).all()
    claims = []
    for page_id in candidates:
        with database.session() as session:
            taken = session.execute(
                update(Page)
                .where(Page.id == page_id, _due(now))
                .values(attempts=Page.attempts + 1, next_attempt_at=now + lease)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:
                claims.append(_claim(session.get_one(Page, page_id)))
    return claims
