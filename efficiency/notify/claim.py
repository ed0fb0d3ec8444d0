"""Claiming due pages, so that no two workers send the same row at once.

A claim sets the row's ``next_attempt_at`` to a lease end, records the worker holding it
(``claimed_by``, see ``owner.py``) and counts the attempt, in a short transaction of its
own, before anything is sent. Another worker sees a row that is not due and leaves it alone.
The holder renews its leases while it works through a batch (:func:`renew`), so leases can
be short. A worker that dies after claiming leaves rows that come back:

* at once, when any worker on the same host next delivers (:func:`release_dead_claims`:
  the holder's process is provably gone, e.g. a SIGKILLed daemon that was restarted);
* when the lease ends otherwise (a holder on another host), so the page is late rather
  than never sent.

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

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from efficiency.notify.owner import owner_alive, worker_id
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
    #: the page's revision (a trigger re-sent after a severity rise has a new one)
    revision: int = 0
    #: the worker that holds the claim
    owner: str = ""


def _due(now: datetime, only: Collection[int] | None = None) -> Any:
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
        *([Page.id.in_(list(only))] if only is not None else []),
    )


def _claim(page: Page) -> Claim:
    return Claim(
        page.id, page.route, page.action, page.dedup_key, page.attempts,
        dict(page.payload), page.next_attempt_at or datetime.min, page.revision,
        page.claimed_by or "",
    )  # fmt: skip


def claim_due(
    database: Database,
    now: datetime,
    limit: int,
    lease: timedelta = timedelta(minutes=2),
    owner: str | None = None,
    only: Collection[int] | None = None,
) -> list[Claim]:
    """Claim up to ``limit`` due pages until ``now + lease`` for ``owner`` (this process by
    default); oldest due first; only the pages of ids ``only`` when given."""
    owner = owner or worker_id()
    order = (Page.next_attempt_at, Page.id)
    if database.dialect == "postgresql":
        with database.session() as session:
            pages = session.scalars(
                select(Page).where(_due(now, only)).order_by(*order).limit(limit)
                .with_for_update(skip_locked=True, of=Page)
            ).all()  # fmt: skip
            for page in pages:
                page.attempts += 1
                page.next_attempt_at = now + lease
                page.claimed_by = owner
            session.flush()
            return [_claim(page) for page in pages]
    with database.session() as session:
        candidates = session.scalars(
            select(Page.id).where(_due(now, only)).order_by(*order).limit(limit)
        ).all()
    claims = []
    for page_id in candidates:
        with database.session() as session:
            taken = session.execute(
                update(Page)
                .where(Page.id == page_id, _due(now, only))
                .values(attempts=Page.attempts + 1, next_attempt_at=now + lease, claimed_by=owner)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount == 1:
                claims.append(_claim(session.get_one(Page, page_id)))
    return claims


def _held(claim: Claim) -> Any:
    """The row is still exactly this claim: pending, at its attempt, by its owner."""
    return and_(
        Page.id == claim.page_id,
        Page.state == "pending",
        Page.attempts == claim.attempts,
        Page.claimed_by == claim.owner,
    )


def renew(database: Database, claims: list[Claim], until: datetime) -> int:
    """The heartbeat: extend the leases of ``claims`` still held to ``until``."""
    renewed = 0
    with database.session() as session:
        for claim in claims:
            done = session.execute(
                update(Page).where(_held(claim)).values(next_attempt_at=until)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            renewed += done.rowcount
    return renewed


def release_dead_claims(
    database: Database, now: datetime, alive: Callable[[str], bool | None] = owner_alive
) -> int:
    """Make due at once the claimed pages whose holder is provably dead (``alive`` says
    False: a process of this host that is gone); returns how many. A worker that is alive,
    or that this host cannot check, keeps its claim until the lease ends."""
    with database.session() as session:
        held = session.execute(
            select(Page.id, Page.claimed_by).where(
                Page.state == "pending", Page.claimed_by.is_not(None), Page.next_attempt_at > now
            )
        ).all()
    verdicts: dict[str, bool | None] = {}
    dead = [pid for pid, owner in held if verdicts.setdefault(owner, alive(owner)) is False]
    if not dead:
        return 0
    released = 0
    with database.session() as session:
        for n in range(0, len(dead), 500):
            done = session.execute(
                update(Page)
                .where(Page.id.in_(dead[n : n + 500]), Page.state == "pending",
                       Page.next_attempt_at > now)
                .values(next_attempt_at=now, claimed_by=None)
                .execution_options(synchronize_session=False)
            )  # fmt: skip
            released += done.rowcount
    return released
