"""One metric series from a CSV file, for ``efficiency score-series``: NAB's layout
(``timestamp,value``), or any CSV with a ``value`` column (``timestamp`` optional).

Errors name the line and the column, as the other file parsers do; nothing is scored from a
file with one bad row.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from efficiency.ingest.errors import InputError


@dataclass
class Series:
    #: every column of the file, as text, in order (kept for the output)
    frame: pd.DataFrame
    values: np.ndarray
    timestamps: pd.DatetimeIndex | None


def read_series_csv(text: str) -> Series:
    """Parse and validate. Values must be finite numbers; timestamps, when the column is
    there, RFC 3339 / ISO 8601 or Unix seconds, one per row."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("", "empty file: expected a header line with a value column")
    header = [h.strip() for h in rows[0]]
    lower = [h.lower() for h in header]
    if "value" not in lower:
        raise InputError("header", f"no 'value' column (found: {', '.join(header)})")
    v_col = lower.index("value")
    t_col = lower.index("timestamp") if "timestamp" in lower else None
    body = [r for r in rows[1:] if any(cell.strip() for cell in r)]
    if not body:
        raise InputError("", "no data rows after the header")
    values = np.empty(len(body))
    stamps: list[pd.Timestamp] = []
    for i, row in enumerate(body):
        line = f"line {i + 2}"
        if len(row) != len(header):
            raise InputError(line, f"{len(row)} fields, the header has {len(header)}")
        cell = row[v_col].strip()
        try:
            value = float(cell)
        except ValueError:
            raise InputError(f"{line}: value", f"not a number: {cell!r}") from None
        if not math.isfinite(value):
            raise InputError(f"{line}: value", f"not a finite number: {cell!r}")
        values[i] = value
        if t_col is not None:
            stamps.append(_timestamp(row[t_col].strip(), f"{line}: timestamp"))
    frame = pd.DataFrame(body, columns=header)
    index = pd.DatetimeIndex(stamps) if t_col is not None else None
    return Series(frame, values, index)


def _timestamp(cell: str, where: str) -> pd.Timestamp:
    try:
        if cell.replace(".", "", 1).isdigit():
            return pd.Timestamp(float(cell), unit="s", tz="UTC")
        stamp = pd.Timestamp(cell)
    except (ValueError, OverflowError):
        raise InputError(where, f"not a time: {cell!r}") from None
    if stamp is pd.NaT:
        raise InputError(where, f"not a time: {cell!r}")
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
