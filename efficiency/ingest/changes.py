"""Change events: deploys and config changes, from JSON lines or the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import Field
from sqlalchemy.orm import Session

from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel
from efficiency.store.bulk import insert_ignore
from efficiency.store.events import ChangeEvent
from efficiency.store.fence import hold_for_write


class ChangeIn(IngestModel):
    service: str = Field(min_length=1, max_length=200)
    kind: Literal["deploy", "config", "rollback", "flag", "other"] = "deploy"
    at: EventTime
    version: str = Field("", max_length=200)
    commit: str = Field("", max_length=64)
    author: str = Field("", max_length=200)
    description: str = ""
    source: str = Field("api", max_length=64)
    labels: dict[str, str] = Field(default_factory=dict)


class ChangeBatchIn(IngestModel):
    changes: list[ChangeIn] = Field(min_length=1)


@dataclass
class CountResult:
    received: int = 0
    stored: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "stored": self.stored,
            "duplicates": self.received - self.stored,
        }


def store_changes(
    session: Session, changes: list[ChangeIn], now: datetime | None = None
) -> CountResult:
    now = now or datetime.now(UTC)
    rows = [{**c.model_dump(), "received_at": now} for c in changes]
    hold_for_write(session)  # the correlate stage follows change events by id
    stored = insert_ignore(
        session,
        ChangeEvent.__table__,
        rows,
        ["service", "kind", "at", "version", "commit"],
        count=True,
    )
    return CountResult(received=len(rows), stored=stored or 0)
