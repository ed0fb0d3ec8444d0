"""Telemetry exporter: turn decoded device readings into line-protocol text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

_TAG_ESCAPES = str.maketrans({",": r"\,", "=": r"\=", " ": r"\ "})


@dataclass(frozen=True)
class Reading:
    device_id: str
    site: str
    metric: str
    value: float
    ts_ms: int
    labels: tuple[tuple[str, str], ...] = ()


@dataclass
class ExportStats:
    points: int = 0
    skipped: int = 0
    by_metric: dict[str, int] = field(default_factory=dict)


def _escape_tag(value: str) -> str:
    return value.translate(_TAG_ESCAPES)


def _format_field(value: float) -> str:
    if value.is_integer() and abs(value) < 2**53:
        return f"{int(value)}i"
    return repr(value)


class LineProtocolExporter:
    """Accumulates readings for one flush to the time-series store."""

    def __init__(self, measurement_prefix: str = "iot", precision_ms: bool = True) -> None:
        self.measurement_prefix = measurement_prefix
        self.precision_ms = precision_ms
        self.stats = ExportStats()
        self._payload = ""

    def _emit(self, measurement: str, tags: list[tuple[str, str]], value: float, ts: int) -> None:
        tag_part = ",".join(f"{_escape_tag(k)}={_escape_tag(v)}" for k, v in tags)
        self._payload += f"{measurement},{tag_part} value={_format_field(value)} {ts}\n"

    def add(self, reading: Reading) -> bool:
        if math.isnan(reading.value) or math.isinf(reading.value):
            self.stats.skipped += 1
            return False
        tags = [("device", reading.device_id), ("site", reading.site)]
        tags.extend(sorted(reading.labels))
        ts = reading.ts_ms if self.precision_ms else reading.ts_ms * 1_000_000
        self._emit(f"{self.measurement_prefix}_{reading.metric}", tags, reading.value, ts)
        self.stats.points += 1
        self.stats.by_metric[reading.metric] = self.stats.by_metric.get(reading.metric, 0) + 1
        return True

    def flush(self) -> str:
        payload, self._payload = self._payload, ""
        return payload


def export_batch(readings: list[Reading], prefix: str = "iot") -> tuple[str, ExportStats]:
    exporter = LineProtocolExporter(prefix)
    for reading in readings:
        exporter.add(reading)
    return exporter.flush(), exporter.stats
