"""Detections, incidents with their members, and the page outbox; and
:func:`replace_suspected_changes`, the one way an incident's suspected changes are rewritten."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from efficiency.store.base import Base
from efficiency.store.bulk import insert_ignore
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class Detection(Base):
    __tablename__ = "detections"
    __table_args__ = (
        Index("ix_detections_service_onset", "service", "onset_at"),
        Index("ix_detections_onset_id", "onset_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: stable identity of the finding, so a second detection pass creates nothing new
    key: Mapped[str] = mapped_column(String(128), unique=True)
    #: regression | improvement | anomaly
    kind: Mapped[str] = mapped_column(String(16))
    service: Mapped[str] = mapped_column(String(200), default="")
    function: Mapped[str] = mapped_column(Text, default="")
    frame_id: Mapped[int | None] = mapped_column(BigId, default=None)
    metric_series_id: Mapped[int | None] = mapped_column(BigId, default=None)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime)
    magnitude_rel: Mapped[float | None] = mapped_column(Float, default=None)
    magnitude_cores: Mapped[float | None] = mapped_column(Float, default=None)
    magnitude_gpu_hours: Mapped[float | None] = mapped_column(Float, default=None)
    p_value: Mapped[float | None] = mapped_column(Float, default=None)
    detector: Mapped[str] = mapped_column(String(64))
    #: active | ended
    status: Mapped[str] = mapped_column(String(16), default="active")
    suspected_change_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("change_events.id", ondelete="SET NULL"), default=None
    )
    evidence: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_status_opened", "status", "opened_at"),
        Index("ix_incidents_opened_id", "opened_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: the dedup key pages carry for this incident
    key: Mapped[str] = mapped_column(String(128), unique=True)
    #: pending (grouped, not yet past the opening rules) | open | acknowledged | resolved
    status: Mapped[str] = mapped_column(String(16), default="open")
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    title: Mapped[str] = mapped_column(Text, default="")
    services: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: ranked candidates: [{"kind", "name", "score", "evidence": [...]}, ...]
    root_causes: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    previous_incident_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incidents.id", ondelete="SET NULL"), default=None
    )
    #: a member alert fires and resolves over and over; auto-resolve waits until it settles
    flapping: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why pages are held back now (a silence or maintenance window); empty = not silenced
    silenced: Mapped[str] = mapped_column(Text, default="")
    #: set when this incident was merged into another (by the correlator or by hand): its
    #: members moved there, and it is resolved with no page of its own
    merged_into_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("incidents.id", ondelete="SET NULL"), default=None
    )


class IncidentAction(Base):
    """Who did what to an incident and when: the audit trail of acknowledge, resolve, merge,
    split and silence, whether a person did it (CLI, API, dashboard) or the correlator."""

    __tablename__ = "incident_actions"
    __table_args__ = (Index("ix_incident_actions_incident", "incident_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id", ondelete="CASCADE"))
    #: acknowledge | resolve | merge | split | silence | ... (what a reader sees as the verb)
    action: Mapped[str] = mapped_column(String(32))
    #: a person's name, or "correlator" / "daemon" for automatic actions
    actor: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: what the action touched: other incident ids, alert fingerprints, matchers, a comment
    detail: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class Silence(Base):
    """Label matchers that suppress pages (not incidents) while active: once between
    ``starts_at`` and ``ends_at``, or, with a ``recurrence``, in each of its windows between
    them (a maintenance window)."""

    __tablename__ = "silences"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    #: [{"name", "value", "op": "=" | "!=" | "=~" | "!~"}, ...], all must match
    matchers: Mapped[list[dict[str, str]]] = mapped_column(JSONDoc, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: None (one-off) or {"days": ["mon", ...], "start": "HH:MM", "duration_seconds": N,
    #: "timezone": "Area/City"}
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: set when expired by hand before its end
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class IncidentAlert(Base):
    __tablename__ = "incident_alerts"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True
    )


class IncidentDetection(Base):
    __tablename__ = "incident_detections"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    detection_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("detections.id", ondelete="CASCADE"), primary_key=True
    )


class IncidentChange(Base):
    """A change event suspected for an incident, with how strongly."""

    __tablename__ = "incident_changes"

    incident_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    change_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("change_events.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)


def replace_suspected_changes(
    session: Session,
    incident_id: int,
    change_ids: Iterable[int],
    root_causes: Iterable[Mapping[str, Any]],
) -> None:
    """Make ``change_ids`` the incident's suspected changes, each scored by its change root
    cause in ``root_causes`` (the stored dicts: ``kind``, ``score``, evidence with
    ``change_id``), 0 for a suspect that ranks as no root cause."""
    scores = {
        int(rc["change_id"]): float(rc["score"])
        for rc in root_causes
        if rc.get("kind") == "change" and "change_id" in rc
    }
    session.execute(
        delete(IncidentChange)
        .where(IncidentChange.incident_id == incident_id)
        .execution_options(synchronize_session=False)
    )
    insert_ignore(
        session,
        IncidentChange.__table__,
        [
            {"incident_id": incident_id, "change_id": c, "score": scores.get(c, 0.0)}
            for c in change_ids
        ],
        ("incident_id", "change_id"),
    )


class Page(Base):
    """The transactional outbox: one row per page action to deliver for an incident."""

    __tablename__ = "pages"
    __table_args__ = (
        UniqueConstraint("incident_id", "route", "action", "revision"),
        Index("ix_pages_state_next", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(BigId, ForeignKey("incidents.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(200))
    #: trigger | acknowledge | resolve
    action: Mapped[str] = mapped_column(String(16))
    #: bumps when a trigger must be re-sent (severity change)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    dedup_key: Mapped[str] = mapped_column(String(128))
    #: pending | sent | failed | suppressed
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the worker holding the claim (``notify.owner.worker_id``) until ``next_attempt_at``;
    #: None when nobody does
    claimed_by: Mapped[str | None] = mapped_column(String(200), default=None)
