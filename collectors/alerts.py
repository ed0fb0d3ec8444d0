"""Alerts pulled from Prometheus or Alertmanager, as Alertmanager webhook (v4) payloads.

Why: where nobody can add our webhook receiver to an Alertmanager's configuration, the agent
can still read the alerts, and the server ingests them exactly like pushed ones.

- Prometheus ``/api/v1/alerts``: only ``firing`` alerts (``pending`` ones have not yet held
  for their ``for:`` time and would not be sent either). ``startsAt`` is ``activeAt``, which
  is what Prometheus sends for rules without ``for:``; with ``for:`` Prometheus sends the
  later firing time, which its API does not show. The fingerprint is computed as
  Alertmanager does (:func:`fingerprint`) over the labels plus ``external_labels`` — give
  Prometheus's ``global.external_labels``, which it adds only when sending.
- Alertmanager ``/api/v2/alerts``: the fingerprint is Alertmanager's own. Suppressed alerts
  (silenced or inhibited) are skipped by default, because Alertmanager does not notify them
  and a pull should give the same incidents as a push; with ``include_suppressed`` they are
  kept, with annotations ``alertmanager_state``, ``silenced_by`` and ``inhibited_by``.
- Both: a firing alert has ``endsAt`` Go's zero time, as in a real webhook. An alert seen
  firing that is gone from the next answer is sent once as ``resolved`` with ``endsAt`` the
  time it was found gone (the APIs list active alerts only). That memory lives in the
  collector: after a restart, alerts that ended meanwhile are never resolved by it. A
  suppressed alert still counts as active, so a silence never reads as a resolution.
- Alerts are grouped into one payload per distinct value of ``group_by`` labels (default
  ``alertname``, the most common Alertmanager route), with ``groupKey``, ``commonLabels``
  and ``commonAnnotations`` formed as Alertmanager forms them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Self

import httpx

from collectors.errors import CollectorError
from collectors.http import get_json

#: what Alertmanager writes as ``endsAt`` of an alert still firing
GO_ZERO_TIME = "0001-01-01T00:00:00Z"
_FNV64_OFFSET = 0xCBF29CE484222325
_FNV64_PRIME = 0x100000001B3
_SEPARATOR = 0xFF


def fingerprint(labels: Mapping[str, str]) -> str:
    """Alertmanager's alert fingerprint (prometheus/common ``LabelSet.Fingerprint``):
    FNV-1a 64 over the label names in sorted order, each name and value followed by the
    byte 255, written as 16 hex digits."""
    h = _FNV64_OFFSET
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode("utf-8") + bytes([_SEPARATOR]):
                h = ((h ^ byte) * _FNV64_PRIME) & 0xFFFF_FFFF_FFFF_FFFF
    return f"{h:016x}"


def _rfc3339(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None


def _label_set(labels: Mapping[str, str]) -> str:
    """Prometheus's ``LabelSet.String()``: ``{a="1", b="2"}``, sorted by name."""
    return "{" + ", ".join(f"{k}={json.dumps(labels[k])}" for k in sorted(labels)) + "}"


def _key(alert: dict[str, Any]) -> tuple[str, str]:
    """One firing of one alert: Alertmanager's identity, as the store keys it too."""
    return alert["fingerprint"], alert["startsAt"]


def _common(maps: list[dict[str, str]]) -> dict[str, str]:
    first, *rest = maps
    return {k: v for k, v in first.items() if all(m.get(k) == v for m in rest)}


def webhook_payloads(
    alerts: Sequence[dict[str, Any]],
    receiver: str,
    external_url: str,
    group_by: Sequence[str] = ("alertname",),
) -> list[dict[str, Any]]:
    """Webhook v4 bodies for webhook-shaped ``alerts``, one per group."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for alert in alerts:
        key = tuple(alert["labels"].get(name, "") for name in group_by)
        groups.setdefault(key, []).append(alert)
    payloads = []
    for key, members in sorted(groups.items()):
        group_labels = {n: v for n, v in zip(group_by, key, strict=True) if v}
        payloads.append(
            {
                "version": "4",
                "groupKey": "{}:" + _label_set(group_labels),
                "truncatedAlerts": 0,
                "status": "firing" if any(a["status"] == "firing" for a in members) else "resolved",
                "receiver": receiver,
                "groupLabels": group_labels,
                "commonLabels": _common([a["labels"] for a in members]),
                "commonAnnotations": _common([a["annotations"] for a in members]),
                "externalURL": external_url,
                "alerts": members,
            }
        )
    return payloads


class _PullSource:
    """What both pull collectors share: HTTP, the memory of firing alerts, grouping."""

    kind = ""

    def __init__(
        self,
        url: str,
        timeout_s: float,
        group_by: Sequence[str],
        receiver: str,
        headers: Mapping[str, str] | None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.group_by = tuple(group_by)
        self.receiver = receiver
        self._client = httpx.Client(timeout=timeout_s, headers=dict(headers or {}))
        self._firing: dict[tuple[str, str], dict[str, Any]] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        where = f"{self.kind} at {self.url} ({path})"
        status, body = get_json(self._client, self.url + path, params, where, self.timeout_s)
        if body is None:
            raise CollectorError(f"{where} answered HTTP {status}, not JSON")
        if status >= 400:
            detail = body.get("error", body) if isinstance(body, dict) else body
            raise CollectorError(f"{where} answered HTTP {status}: {detail}")
        return body

    def _payloads(
        self, active: list[dict[str, Any]], send: list[dict[str, Any]], now: datetime
    ) -> list[dict[str, Any]]:
        """Payloads of the alerts to ``send``, plus a ``resolved`` copy of every alert that was
        firing before and is no longer among the ``active`` ones."""
        alive = {_key(a) for a in active}
        still_firing = {_key(a) for a in active if a["status"] == "firing"}
        ended = [
            {**alert, "status": "resolved", "endsAt": _rfc3339(now)}
            for key, alert in self._firing.items()
            if key not in alive
        ]
        # remember what was sent firing, and keep remembering it while it is merely hidden
        # (silenced now): its resolution is still news
        firing = {_key(a): a for a in send if a["status"] == "firing"}
        for key, alert in self._firing.items():
            if key in still_firing:
                firing.setdefault(key, alert)
        self._firing = firing
        return webhook_payloads(send + ended, self.receiver, self.url, self.group_by)


class PrometheusAlertsCollector(_PullSource):
    """Firing alerts of one Prometheus server (``/api/v1/alerts``)."""

    kind = "Prometheus"

    def __init__(
        self,
        url: str,
        timeout_s: float = 10.0,
        external_labels: Mapping[str, str] | None = None,
        group_by: Sequence[str] = ("alertname",),
        receiver: str = "efficiency-pull",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(url, timeout_s, group_by, receiver, headers)
        self.external_labels = dict(external_labels or {})

    def fetch(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Webhook payloads of the firing alerts, and of those resolved since the last call."""
        now = now or datetime.now(UTC)
        body = self._get("/api/v1/alerts")
        if not isinstance(body, dict) or body.get("status") != "success":
            detail = body.get("error", "") if isinstance(body, dict) else ""
            raise CollectorError(f"Prometheus at {self.url}: /api/v1/alerts failed: {detail}")
        try:
            raw = body["data"]["alerts"]
            firing = [self._alert(a) for a in raw if a["state"] == "firing"]
        except (TypeError, KeyError, AttributeError):
            raise CollectorError(
                f"Prometheus at {self.url}: /api/v1/alerts answer is not a list of alerts"
            ) from None
        return self._payloads(firing, firing, now)

    def _alert(self, a: dict[str, Any]) -> dict[str, Any]:
        # as Prometheus does when sending: an external label never overrides the alert's own
        labels = {**self.external_labels, **{str(k): str(v) for k, v in a["labels"].items()}}
        return {
            "status": "firing",
            "labels": labels,
            "annotations": {str(k): str(v) for k, v in (a.get("annotations") or {}).items()},
            "startsAt": a["activeAt"],
            "endsAt": GO_ZERO_TIME,
            "generatorURL": "",
            "fingerprint": fingerprint(labels),
        }


class AlertmanagerAlertsCollector(_PullSource):
    """Active alerts of one Alertmanager (``/api/v2/alerts``)."""

    kind = "Alertmanager"

    def __init__(
        self,
        url: str,
        timeout_s: float = 10.0,
        include_suppressed: bool = False,
        group_by: Sequence[str] = ("alertname",),
        receiver: str = "efficiency-pull",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(url, timeout_s, group_by, receiver, headers)
        self.include_suppressed = include_suppressed

    def fetch(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Webhook payloads of the active alerts, and of those resolved since the last call."""
        now = now or datetime.now(UTC)
        body = self._get("/api/v2/alerts")
        try:
            active = [self._alert(a, now) for a in body]
        except (TypeError, KeyError, AttributeError):
            raise CollectorError(
                f"Alertmanager at {self.url}: /api/v2/alerts answer is not a list of alerts"
            ) from None
        send = [
            alert
            for alert, raw in zip(active, body, strict=True)
            if self.include_suppressed or raw["status"]["state"] != "suppressed"
        ]
        return self._payloads(active, send, now)

    def _alert(self, a: dict[str, Any], now: datetime) -> dict[str, Any]:
        labels = {str(k): str(v) for k, v in a["labels"].items()}
        annotations = {str(k): str(v) for k, v in (a.get("annotations") or {}).items()}
        status = a["status"]
        if self.include_suppressed and status["state"] == "suppressed":
            annotations["alertmanager_state"] = "suppressed"
            annotations["silenced_by"] = ",".join(status.get("silencedBy") or [])
            annotations["inhibited_by"] = ",".join(status.get("inhibitedBy") or [])
        ends = _parse(a.get("endsAt") or "")
        resolved = ends is not None and ends.year > 1 and ends <= now
        return {
            "status": "resolved" if resolved else "firing",
            "labels": labels,
            "annotations": annotations,
            "startsAt": a["startsAt"],
            "endsAt": a["endsAt"] if resolved else GO_ZERO_TIME,
            "generatorURL": a.get("generatorURL") or "",
            "fingerprint": a.get("fingerprint") or fingerprint(labels),
        }
