"""Planning pages into the transactional outbox, in the caller's transaction.

The correlator changes an incident and calls ``plan_pages`` in the same transaction, so the
incident change and the pages it causes commit together or not at all: a crash can neither
page for a change that was rolled back nor lose the page of one that was committed.

Stages, each one function: route (which receivers, from the services catalog and severity)
→ silence (the hook may suppress; the row is still written, ``suppressed`` with the reason)
→ dedup (what the rows already there say was asked for) → enqueue (``INSERT … ON CONFLICT
DO NOTHING`` on ``(incident_id, route, action, revision)``, so two planners racing on one
incident still write one row).

What is planned, per route:

* open incident: one ``trigger``; a new trigger revision only when the severity rises above
  every revision already planned (a falling severity pages nobody);
* acknowledged: one ``acknowledge``, resolved: one ``resolve``, each only when a trigger was
  planned for that route (nothing to acknowledge otherwise), suppressed when every trigger
  was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.services import Route, ServicesCatalog, severity_rank
from efficiency.store.bulk import insert_ignore
from efficiency.store.incident_queries import incident_dict
from efficiency.store.incidents import Incident, Page

#: the silence stage: why this incident's pages are suppressed now, or None
SilenceHook = Callable[[Incident], str | None]

FOLLOW_UP = {"acknowledged": "acknowledge", "resolved": "resolve"}
UNIQUE = ("incident_id", "route", "action", "revision")


def _no_silence(_incident: Incident) -> str | None:
    return None


def _snapshot(session: Session, incident: Incident, route: Route) -> dict[str, Any]:
    """What the page says, frozen at planning time: a retry sends what was planned."""
    return {
        "team": route.team,
        "incident": {**incident_dict(session, incident), "key": incident.key},
    }


def _wanted(incident: Incident, existing: list[Page]) -> tuple[str, int] | None:
    """The dedup stage: the (action, revision) this route still lacks, if any."""
    triggers = [p for p in existing if p.action == "trigger"]
    if incident.status == "open":
        if not triggers:
            return "trigger", 0
        planned = max(
            severity_rank(p.payload.get("incident", {}).get("severity", "")) for p in triggers
        )
        if severity_rank(incident.severity) > planned:
            return "trigger", max(p.revision for p in triggers) + 1
        return None
    action = FOLLOW_UP.get(incident.status)
    if action is None or not triggers or any(p.action == action for p in existing):
        return None
    return action, 0


def _unsilence(pages: list[Page], incident: Incident, reason: str | None, now: datetime) -> None:
    """A trigger suppressed by a silence that has since ended pages after all, and a trigger
    not yet sent when a silence starts is held back: the silence decides until delivery."""
    for page in pages:
        if page.action != "trigger" or incident.status != "open":
            continue
        if page.state == "suppressed" and reason is None and page.last_error.startswith("silenced"):
            page.state, page.last_error, page.next_attempt_at = "pending", "", now
        elif page.state == "pending" and page.attempts == 0 and reason is not None:
            page.state, page.last_error = "suppressed", f"silenced: {reason}"


def plan_pages(
    session: Session,
    incident: Incident,
    catalog: ServicesCatalog,
    now: datetime,
    silenced: SilenceHook = _no_silence,
) -> list[Page]:
    """Enqueue the pages ``incident``'s current state calls for; returns the new rows.

    Safe to call after every change and any number of times: a second call with nothing
    changed writes nothing.
    """
    session.flush()  # the incident needs its id
    reason = silenced(incident)
    new_ids: list[int] = []
    for route in catalog.routes_for(list(incident.services), incident.severity):
        existing = list(
            session.scalars(
                select(Page)
                .where(Page.incident_id == incident.id, Page.route == route.name)
                .order_by(Page.id)
            )
        )
        _unsilence(existing, incident, reason, now)
        session.flush()
        wanted = _wanted(incident, existing)
        if wanted is None:
            continue
        action, revision = wanted
        state, note = "pending", ""
        if reason is not None:
            state, note = "suppressed", f"silenced: {reason}"
        elif action != "trigger" and all(p.state == "suppressed" for p in existing):
            state, note = "suppressed", "its trigger was suppressed"
        row = {
            "incident_id": incident.id, "route": route.name, "action": action,
            "revision": revision, "dedup_key": incident.key, "state": state,
            "attempts": 0, "next_attempt_at": now, "last_error": note,
            "payload": _snapshot(session, incident, route), "created_at": now,
        }  # fmt: skip
        if insert_ignore(session, Page.__table__, [row], UNIQUE, count=True):
            new_ids.extend(
                session.scalars(
                    select(Page.id).where(*(getattr(Page, k) == row[k] for k in UNIQUE))
                )
            )
    session.flush()
    return [session.get_one(Page, pid) for pid in new_ids]
