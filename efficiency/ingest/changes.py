"""Change events: deploys and config changes, from JSON lines or the API."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.orm import Session

from efficiency.ingest.errors import InputError
from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel
from efficiency.store.bulk import insert_ignore
from efficiency.store.events import ChangeEvent


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


def validation_message(exc: ValidationError, prefix: str = "") -> InputError:
    """The first pydantic error as an InputError naming its field."""
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"])
    return InputError(f"{prefix}{where}" if where else prefix.rstrip(": "), err["msg"])


def parse_jsonl(lines: Iterable[str], model: type[BaseModel]) -> list[Any]:
    """Validate one ``model`` object per non-blank line; errors name the line and field."""
    out = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number}", f"not valid JSON: {exc.msg}") from None
        except ValidationError as exc:
            raise validation_message(exc, f"line {number}: ") from None
    if not out:
        raise InputError("", "the file holds no records")
    return out


def store_changes(
    session: Session, changes: list[ChangeIn], now: datetime | None = None
) -> CountResult:
    now = now or datetime.now(UTC)
    rows = [{**c.model_dump(), "received_at": now} for c in changes]
    stored = insert_ignore(
        session,
        ChangeEvent.__table__,
        rows,
        ["service", "kind", "at", "version", "commit"],
        count=True,
    )
    return CountResult(received=len(rows), stored=stored or 0)
