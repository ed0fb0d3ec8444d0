"""The Nezha artifact's raw logs and spans, reshaped into the layouts ``efficiency ingest logs``
and ``efficiency ingest spans`` read: the benchmark's input preparation, never the answer (no
fault label is read here, and every count, template and call edge is derived by the product).

- **Logs** (``log/HH_MM_log.csv``: Timestamp, TimeUnixNano, Node, PodName, Container,
  TraceID, SpanID, Log): one record per line, ``{"ts", "pod", "message", "trace_id"}``; the
  Log cell is the container runtime's JSON line, whose ``log`` field is the application's
  text. A few Log cells hold unquoted commas (a row then has more than 8 fields): the fields
  after the seventh are the cell.
- **Spans** (``trace/HH_MM_trace.csv``: TraceID, SpanID, ParentID, PodName, OperationName,
  StartTimeUnixNano, EndTimeUnixNano, Duration in microseconds): one record per span.

The files of neighbouring faults overlap in time: a line or a span exported twice is written
once (the span ingest also counts a ``span_id`` once).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

csv.field_size_limit(sys.maxsize)


def _ns(start: pd.Timestamp, end: pd.Timestamp) -> tuple[int, int]:
    return int(start.value), int(end.value)


def log_records(paths: Iterable[Path], start: pd.Timestamp, end: pd.Timestamp) -> Iterator[str]:
    """``ingest logs`` JSON lines of the log CSVs, lines within [start, end]."""
    lo, hi = _ns(start, end)
    seen: set[tuple[str, str, str]] = set()
    for path in paths:
        with path.open(newline="") as handle:
            rows = csv.reader(handle)
            next(rows, None)
            for row in rows:
                if len(row) < 8 or not row[1].isdigit() or not lo <= int(row[1]) <= hi:
                    continue
                cell = ",".join(row[7:])
                key = (row[1], row[3], cell)
                if key in seen:
                    continue
                seen.add(key)
                try:
                    message = str(json.loads(cell).get("log", cell)).rstrip("\n")
                except (json.JSONDecodeError, AttributeError):
                    message = cell
                record = {"ts": int(row[1]) / 1e9, "pod": row[3], "message": message}
                if row[5]:
                    record["trace_id"] = row[5]
                yield json.dumps(record)


def span_records(paths: Iterable[Path], start: pd.Timestamp, end: pd.Timestamp) -> Iterator[str]:
    """``ingest spans`` JSON lines of the trace CSVs, spans starting within [start, end]."""
    lo, hi = _ns(start, end)
    seen: set[str] = set()
    for path in paths:
        frame = pd.read_csv(path, dtype={"TraceID": str, "SpanID": str, "ParentID": str})
        for row in frame.itertuples(index=False):
            begin = int(row.StartTimeUnixNano)
            if row.SpanID in seen or not lo <= begin <= hi:
                continue
            seen.add(row.SpanID)
            yield json.dumps({
                "trace_id": row.TraceID, "span_id": row.SpanID,
                "parent_id": None if pd.isna(row.ParentID) else row.ParentID,
                "pod": row.PodName, "operation": str(row.OperationName),
                "start": begin / 1e9, "duration": float(row.Duration) / 1e6,
            })  # fmt: skip
