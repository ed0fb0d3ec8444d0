"""Metric points: ``name`` + ``labels`` + ``timestamp`` + ``value``, from CSV, JSON lines or
the API. A series is identified by a content hash of its name and sorted labels."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import datetime
from hashlib import blake2b
from typing import Any

from pydantic import Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from efficiency.ingest.errors import InputError
from efficiency.ingest.timeparse import EventTime, parse_time
from efficiency.ingest.validation import IngestModel, input_error
from efficiency.store.bulk import insert_ignore
from efficiency.store.metrics import MetricPoint, MetricSeries


class PointIn(IngestModel):
    name: str = Field(min_length=1, max_length=200)
    labels: dict[str, str] = Field(default_factory=dict)
    timestamp: EventTime
    value: float

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("must be a finite number")
        return v


class MetricBatchIn(IngestModel):
    points: list[PointIn] = Field(min_length=1)


def labels_key(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def series_id(name: str, labels: dict[str, str]) -> int:
    digest = blake2b(f"{name}\0{labels_key(labels)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def parse_metrics_csv(text: str) -> list[PointIn]:
    """CSV with a header: ``timestamp``, ``value`` and ``name`` columns (``metric`` is accepted
    for ``name``); every other column is a label."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    name_col = "name" if "name" in header else "metric" if "metric" in header else None
    for required in ("timestamp", "value"):
        if required not in header:
            raise InputError("header", f"missing the {required!r} column")
    if name_col is None:
        raise InputError("header", "missing the 'name' column")
    label_cols = [c for c in header if c not in ("timestamp", "value", name_col)]
    points = []
    for number, row in enumerate(reader, 2):
        try:
            value = float(row["value"])
        except (TypeError, ValueError):
            raise InputError(f"line {number}: value", f"{row['value']!r} is not a number") from None
        if not math.isfinite(value):
            raise InputError(f"line {number}: value", "must be a finite number")
        if not row[name_col]:
            raise InputError(f"line {number}: {name_col}", "is empty")
        timestamp = parse_time(row["timestamp"] or "", f"line {number}: timestamp")
        labels = {c: row[c] for c in label_cols if row.get(c)}
        try:
            points.append(
                PointIn(name=row[name_col], labels=labels, timestamp=timestamp, value=value)
            )
        except ValidationError as exc:
            raise input_error(exc, f"line {number}: ") from None
    if not points:
        raise InputError("", "the file holds no metric points")
    return points


@dataclass
class MetricIngestResult:
    received: int = 0
    stored: int = 0
    series: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "duplicates": self.received - self.stored}


def store_metrics(session: Session, points: list[PointIn]) -> MetricIngestResult:
    series: dict[int, dict[str, Any]] = {}
    rows: dict[tuple[int, datetime], dict[str, Any]] = {}
    for p in points:
        sid = series_id(p.name, p.labels)
        if sid not in series:
            series[sid] = {
                "id": sid,
                "name": p.name,
                "labels": p.labels,
                "labels_key": labels_key(p.labels),
            }
        rows.setdefault((sid, p.timestamp), {"series_id": sid, "ts": p.timestamp, "value": p.value})
    insert_ignore(session, MetricSeries.__table__, list(series.values()), ["id"])
    stored = insert_ignore(
        session, MetricPoint.__table__, list(rows.values()), ["series_id", "ts"], count=True
    )
    return MetricIngestResult(received=len(points), stored=stored or 0, series=len(series))
