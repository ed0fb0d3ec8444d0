"""Merges the correlator decides, written like the ones people make from the dashboard.

When later evidence shows that two open incidents are one failure, the correlator closes one
into the other (:mod:`efficiency.correlate.merge`) and reports it as an update with
``action="merged"``. The correlate stage hands those here, inside its transaction:

- the store moves the absorbed incident's alerts, detections and suspected changes to the
  survivor, resolves it with ``merged_into_id`` set and writes a ``merge`` / ``merged_into``
  row in each incident's audit trail (:func:`efficiency.store.incident_actions.merge_incidents`,
  the manual merge's own recording, with the correlate stage as the actor);
- the absorbed incident's pages get their resolve, so on-call is left with the survivor's page
  alone - the survivor keeps its trigger and pages again only as any update would (a new
  revision when its severity rose).

When later evidence shows that an open incident joined a failure of another location too early
(:mod:`efficiency.correlate.split`), the correlator reports the part it split out as a new
incident with ``split_from`` set; :func:`apply_splits` moves its stored alerts over as the
manual split does (:func:`efficiency.store.incident_actions.split_incident`: a ``split`` /
``split_from`` row in each audit trail), before the new incident is saved like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.correlate import IncidentUpdate
from efficiency.notify.outbox import plan_pages
from efficiency.services import ServicesCatalog
from efficiency.store.events import Alert
from efficiency.store.incident_actions import ACTIVE, merge_incidents, split_incident
from efficiency.store.incidents import Incident, IncidentAlert

#: who the audit trail says merged the incidents
ACTOR = "efficiency correlate"


def split_merges(
    updates: Sequence[IncidentUpdate],
) -> tuple[list[IncidentUpdate], list[IncidentUpdate]]:
    """(the ``merged`` updates, every other one)."""
    merges = [u for u in updates if u.action == "merged"]
    return merges, [u for u in updates if u.action != "merged"]


def apply_merges(
    session: Session,
    merges: Sequence[IncidentUpdate],
    catalog: ServicesCatalog | None,
    now: datetime,
) -> tuple[list[int], int]:
    """Record each merge in the store and resolve the absorbed incident's pages; returns the
    ids of the absorbed incidents and the number of pages planned. A merge whose incidents
    the store no longer has as active (resolved by hand since) is left out."""
    merged: list[int] = []
    pages = 0
    for update in merges:
        rows = {
            row.key: row
            for row in session.scalars(
                select(Incident).where(Incident.key.in_((update.key, update.merged_into)))
            )
        }
        source, target = rows.get(update.key), rows.get(update.merged_into or "")
        if source is None or target is None or source.merged_into_id is not None:
            continue
        if source.status not in ACTIVE or target.status not in ACTIVE:
            continue
        merge_incidents(session, target.id, source.id, ACTOR, now)
        merged.append(source.id)
        if catalog is not None:
            pages += len(plan_pages(session, source, catalog, now))
    return merged, pages


def apply_splits(session: Session, updates: Sequence[IncidentUpdate], now: datetime) -> list[int]:
    """Record each split the correlator made (updates with ``split_from``) in the store: the
    stored alerts of the new incident move out of the one it came from, with the audit rows;
    returns the ids of the incidents split. A split from an incident the store holds as not
    open (pending, resolved since) or holding none of the alerts leaves the store alone: the
    new incident is saved with this run's alerts as usual."""
    split: list[int] = []
    for update in updates:
        if update.split_from is None:
            continue
        parent = session.scalar(select(Incident).where(Incident.key == update.split_from))
        if parent is None or parent.status not in ACTIVE:
            continue
        present = set(
            session.scalars(
                select(Alert.fingerprint)
                .join(IncidentAlert, IncidentAlert.alert_id == Alert.id)
                .where(IncidentAlert.incident_id == parent.id)
            )
        )
        moving = present & set(update.alert_fingerprints)
        if not moving or moving == present:
            continue
        split_incident(session, parent.id, sorted(moving), ACTOR, now, key=update.key)
        split.append(parent.id)
    return split
