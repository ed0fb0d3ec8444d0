"""A generic JSON webhook: the incident in DESIGN.md's shape, the action and the dedup key.

Every page carries an ``Idempotency-Key`` header (and ``idempotency_key`` in the body), the
same on every re-send of that page: a receiver that keeps the keys it has acted on turns
the outbox's at-least-once delivery into exactly once. Any 2xx is success."""

from __future__ import annotations

from typing import Any

import httpx

from efficiency.links import incident_url
from efficiency.notify.base import Notification, post_json
from efficiency.services import WebhookReceiver

#: the incident fields DESIGN.md fixes for every outside consumer
INCIDENT_FIELDS = (
    "id", "key", "status", "severity", "title", "services", "opened_at", "acknowledged_at",
    "resolved_at", "alert_fingerprints", "detection_ids", "root_causes", "suspected_changes",
)  # fmt: skip
VERSION = "1"


def webhook_body(notification: Notification, dashboard_url: str = "") -> dict[str, Any]:
    """The body; ``url`` is the incident's dashboard view (empty when none is configured)."""
    return {
        "version": VERSION,
        "action": notification.action,
        "dedup_key": notification.dedup_key,
        "idempotency_key": notification.idempotency_key,
        "route": notification.route,
        "team": notification.team,
        "incident": {name: notification.incident.get(name) for name in INCIDENT_FIELDS},
        "url": incident_url(dashboard_url, notification.incident.get("id"))
        if dashboard_url
        else "",
    }


class WebhookNotifier:
    kind = "webhook"

    def __init__(
        self, receiver: WebhookReceiver, client: httpx.Client | None = None, dashboard_url: str = ""
    ) -> None:
        self.receiver, self.dashboard_url = receiver, dashboard_url
        self.client = client or httpx.Client(timeout=10)

    def send(self, notification: Notification) -> None:
        post_json(
            self.client,
            self.receiver.url,
            webhook_body(notification, self.dashboard_url),
            "webhook",
            headers={
                "User-Agent": "efficiency",
                **self.receiver.headers,
                **({"Idempotency-Key": key} if (key := notification.idempotency_key) else {}),
            },
        )
