"""Records for the correlator from stored rows: alerts (ORM objects or plain rows),
detections and change events; and the chunking of long ``IN (...)`` lists."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from efficiency.correlate import AlertRecord, ChangeRecord, DetectionRecord
from efficiency.store.events import Alert, ChangeEvent
from efficiency.store.incidents import Detection

#: rows per ``IN (...)`` list, well under SQLite's variable limit
CHUNK = 900

#: what an AlertRecord needs of a stored alert (rows of these, not ORM objects: a storm
#: brings thousands)
ALERT_COLUMNS = (Alert.id, Alert.fingerprint, Alert.starts_at, Alert.ends_at, Alert.status,
                 Alert.labels, Alert.service, Alert.severity)  # fmt: skip


def alert_record(alert: Any) -> AlertRecord:
    """From an :class:`Alert` or a row of :data:`ALERT_COLUMNS`."""
    labels = {str(k): str(v) for k, v in alert.labels.items()}
    if alert.service and not labels.get("service"):
        labels["service"] = alert.service  # the ingest's fallback (app, job, namespace)
    status = "resolved" if alert.status == "resolved" else "firing"
    return AlertRecord(alert.fingerprint, alert.starts_at, status, alert.ends_at, labels,
                       alert.severity)  # fmt: skip


def detection_record(d: Detection) -> DetectionRecord:
    score = (d.evidence or {}).get("score")
    return DetectionRecord(d.id, d.kind, d.service, d.onset_at, d.function, d.p_value,
                           d.magnitude_rel, d.suspected_change_id,
                           float(score) if isinstance(score, int | float) else None)  # fmt: skip


def change_record(c: ChangeEvent) -> ChangeRecord:
    return ChangeRecord(c.id, c.service, c.at, c.kind, c.version)


def chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]
