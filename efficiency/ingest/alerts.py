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
from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel
from efficiency.store.events import Alert, AlertEvent

#: Go's zero time: Alertmanager's ``endsAt`` for an alert still firing
GO_ZERO_YEAR = 1


class AmAlert(IngestModel):
    model_config = ConfigDict(extra="allow")

    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(min_length=1)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: EventTime
    endsAt: EventTime | None = None
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
    """Write the alerts of one or more webhook bodies in the caller's transaction."""
    now = now or datetime.now(UTC)
    result = AlertIngestResult()
    for payload in payloads:
        for am in payload.alerts:
            fingerprint = am.identity()
            row = session.execute(
                select(Alert).where(
                    Alert.fingerprint == fingerprint, Alert.starts_at == am.startsAt
                )
            ).scalar_one_or_none()
            if row is None:
                row = Alert(
                    fingerprint=fingerprint,
                    starts_at=am.startsAt,
                    ends_at=am.end(),
                    status=am.status,
                    alertname=am.labels.get("alertname", ""),
                    service=service_of(am.labels),
                    severity=am.labels.get("severity", ""),
                    labels=dict(am.labels),
                    annotations=dict(am.annotations),
                    generator_url=am.generatorURL,
                    source=source,
                    first_seen_at=now,
                    last_seen_at=now,
                )
                session.add(row)
                session.flush()
                result.alerts_new += 1
            elif row.status == "firing" or am.status == "resolved":
                # A resolved alert never goes back to firing: Prometheus gives a new firing a
                # new startsAt, so a late firing notification is only a stale retry.
                if (row.status, row.ends_at) != (am.status, am.end()):
                    result.alerts_updated += 1
                row.status, row.ends_at = am.status, am.end()
                row.annotations = dict(am.annotations)
                row.last_seen_at = now
            seen = session.execute(
                select(AlertEvent.id).where(
                    AlertEvent.alert_id == row.id, AlertEvent.status == am.status
                )
            ).first()
            if seen is None:
                session.add(
                    AlertEvent(
                        alert_id=row.id,
                        status=am.status,
                        ends_at=am.end(),
                        receiver=payload.receiver,
                        group_key=payload.groupKey,
                        received_at=now,
                    )
                )
                result.events_new += 1
            else:
                result.duplicates += 1
    session.flush()
    return result
