"""Merging open incidents when later evidence shows they are one failure.

An incident opens on the first records of a failure; the records that show it was the cascade
of another open incident (a caller whose head took off right after a service it calls failed,
see :mod:`efficiency.correlate.cascade`) may arrive a batch later. The grouping then puts both
incidents in one group, and instead of keeping them apart the correlator merges them:

- the **survivor** is, among the open or acknowledged incidents (those paged), the one whose
  records took off first (the robust onset, so a background alert it absorbed early does not
  count): the upstream end of the cascade, where its root is; with none paged, the pending
  group that took off first;
- every other incident of the group is **absorbed**: its alerts, detections and changes move to
  the survivor and it is closed as merged into it (a pending one, never paged, simply goes).

The correlator reports each absorption as an ``IncidentUpdate`` with ``action="merged"`` and
``merged_into`` set; the correlate stage records it in both incidents' timelines and resolves
the absorbed incident's page, so on-call keeps exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from efficiency.correlate.correlator import Incident

PAGED = ("open", "acknowledged")


def survivor(incidents: Sequence[Incident], onsets: dict[str, datetime]) -> Incident:
    """The incident of ``incidents`` that the others merge into (see the module docstring);
    ``onsets``: each one's robust onset by key."""
    paged = [i for i in incidents if i.status in PAGED] or list(incidents)
    return min(paged, key=lambda i: (onsets.get(i.key, i.first_at), i.key))


def absorb(target: Incident, source: Incident, at: datetime, owner: dict[str, str]) -> None:
    """Move ``source``'s records to ``target`` and close ``source`` as merged into it;
    ``owner`` (fingerprint -> incident key) follows the alerts."""
    for fingerprint, alert in source.alerts.items():
        current = target.alerts.get(fingerprint)
        if current is None or alert.starts_at >= current.starts_at:
            target.alerts[fingerprint] = alert
        owner[fingerprint] = target.key
    target.detections.update(source.detections)
    target.changes.update(source.changes)
    if source.opened_at is not None and (
        target.opened_at is None or source.opened_at < target.opened_at
    ):
        target.opened_at = source.opened_at
    source.alerts, source.detections, source.changes = {}, {}, {}
    source.status = "resolved"
    source.resolved_at = at
    source.merged_into = target.key
