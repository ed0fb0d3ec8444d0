"""Alertmanager webhook v4 payloads, exactly as Alertmanager sends them.

Identity is the alert's ``fingerprint`` (a hash of its labels when a sender leaves it out).
One firing of an alert is one row keyed by fingerprint + ``startsAt``; each distinct status
received for it is one event row, so re-notifications and retries store nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from efficiency.ingest.timeparse import AlertEndTime, EventTime
from efficiency.ingest.validation import IngestModel
from efficiency.store.events import Alert, AlertEvent
from efficiency.store.fence import hold_for_write

#: Go's zero time: Alertmanager's ``endsAt`` for an alert still firing
GO_ZERO_YEAR = 1


class AmAlert(IngestModel):
    model_config = ConfigDict(extra="allow")

    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(min_length=1)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: EventTime
    endsAt: AlertEndTime | None = None
    generatorURL: str = ""
    fingerprint: str = Field("", max_length=64)

    def identity(self) -> str:
        if self.fingerprint:
            return self.fingerprint
        text = "\xff".join(f"{k}\xff{v}" for k, v in sorted(self.labels.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def end(self) -> datetime | None:
        if self.endsAt is None or self.endsAt.year <= GO_ZERO_YEAR:
            return None
        return self.endsAt


class AlertmanagerWebhook(IngestModel):
    """Alertmanager's webhook body (``version`` "4")."""

    model_config = ConfigDict(extra="allow")

    version: str = "4"
    groupKey: str = ""
    truncatedAlerts: int = 0
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[AmAlert]


@dataclass
class AlertIngestResult:
    alerts_new: int = 0
    alerts_updated: int = 0
    events_new: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def service_of(labels: dict[str, str]) -> str:
    for key in ("service", "app", "job", "namespace"):
        if labels.get(key):
            return labels[key]
    return ""


def store_alerts(
    session: Session,
    payloads: list[AlertmanagerWebhook],
    source: str = "alertmanager",
    now: datetime | None = None,
) -> AlertIngestResult:
    """Write the alerts of one or more webhook bodies in the caller's transaction.

    Set-based, so a 5,000-alert storm costs a handful of statements, not thousands: read the
    rows of every (fingerprint, startsAt) at once, insert the new ones in one statement,
    update the changed ones, and insert the new (alert, status) events in arrival order (their
    ids are what the correlate stage follows). Notifications of one alert inside the batch
    apply in order, exactly as if they had arrived one by one.
    """
    now = now or datetime.now(UTC)
    hold_for_write(session)  # its alert events commit before a reader's horizon passes them
    result = AlertIngestResult()
    items = [
        (am.identity(), am, payload) for payload in payloads for am in payload.alerts
    ]  # fmt: skip
    keys = {(fp, am.startsAt) for fp, am, _ in items}
    rows: dict[tuple[str, datetime], Alert] = {}
    fingerprints = sorted({fp for fp, _ in keys})
    for i in range(0, len(fingerprints), CHUNK):
        found = session.scalars(
            select(Alert).where(Alert.fingerprint.in_(fingerprints[i : i + CHUNK]))
        )
        rows.update(
            ((a.fingerprint, a.starts_at), a) for a in found if (a.fingerprint, a.starts_at) in keys
        )
    known_events = _events(session, [a.id for a in rows.values()])

    fresh: dict[tuple[str, datetime], dict[str, Any]] = {}
    events: list[tuple[tuple[str, datetime], str, AmAlert, AlertmanagerWebhook]] = []
    for fp, am, payload in items:
        key = (fp, am.startsAt)
        state = rows.get(key)
        if state is None and key not in fresh:
            fresh[key] = {
                "fingerprint": fp, "starts_at": am.startsAt, "ends_at": am.end(),
                "status": am.status, "alertname": am.labels.get("alertname", ""),
                "service": service_of(am.labels), "severity": am.labels.get("severity", ""),
                "labels": dict(am.labels), "annotations": dict(am.annotations),
                "generator_url": am.generatorURL, "source": source, "first_seen_at": now,
                "last_seen_at": now,
            }  # fmt: skip
            result.alerts_new += 1
        else:
            current = fresh.get(key) if state is None else None
            status = current["status"] if current is not None else state.status  # type: ignore[union-attr]
            ends_at = current["ends_at"] if current is not None else state.ends_at  # type: ignore[union-attr]
            # A resolved alert never goes back to firing: Prometheus gives a new firing a
            # new startsAt, so a late firing notification is only a stale retry.
            if status == "firing" or am.status == "resolved":
                if (status, ends_at) != (am.status, am.end()):
                    result.alerts_updated += 1
                values = {"status": am.status, "ends_at": am.end(),
                          "annotations": dict(am.annotations), "last_seen_at": now}  # fmt: skip
                if current is not None:
                    current.update(values)
                else:
                    for name, value in values.items():
                        setattr(state, name, value)
        if (key, am.status) in known_events:
            result.duplicates += 1
        else:
            known_events.add((key, am.status))
            events.append((key, am.status, am, payload))
            result.events_new += 1

    ids: dict[tuple[str, datetime], int] = {}
    if fresh:  # one executemany; then the new ids, read back by fingerprint
        session.execute(insert(Alert.__table__), list(fresh.values()))
        new = sorted({fp for fp, _ in fresh})
        for i in range(0, len(new), CHUNK):
            found = session.execute(
                select(Alert.id, Alert.fingerprint, Alert.starts_at).where(
                    Alert.fingerprint.in_(new[i : i + CHUNK])
                )
            )
            ids.update(((fp, at), alert_id) for alert_id, fp, at in found if (fp, at) in fresh)
    ids.update((key, row.id) for key, row in rows.items())
    if events:
        session.execute(
            insert(AlertEvent.__table__),
            [
                {"alert_id": ids[key], "status": status, "ends_at": am.end(),
                 "receiver": payload.receiver, "group_key": payload.groupKey, "received_at": now}
                for key, status, am, payload in events
            ],
        )  # fmt: skip
    return result


#: rows per ``IN (...)`` list, well under SQLite's variable limit
CHUNK = 900


def _events(session: Session, alert_ids: list[int]) -> set[tuple[tuple[str, datetime], str]]:
    """The (alert key, status) events already stored for these alerts."""
    found: set[tuple[tuple[str, datetime], str]] = set()
    for i in range(0, len(alert_ids), CHUNK):
        rows = session.execute(
            select(Alert.fingerprint, Alert.starts_at, AlertEvent.status)
            .join(AlertEvent, AlertEvent.alert_id == Alert.id)
            .where(Alert.id.in_(alert_ids[i : i + CHUNK]))
        ).all()
        found.update(((fp, at), status) for fp, at, status in rows)
    return found
