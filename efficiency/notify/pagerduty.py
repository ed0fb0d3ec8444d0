"""PagerDuty Events API v2: trigger, acknowledge and resolve one alert per incident.

The ``dedup_key`` is the incident key, so PagerDuty folds every event of an incident into one
alert, and a trigger delivered twice (a crash between sending and recording it) updates that
alert instead of opening a second one. Answers: 202 accepted; 400 invalid event (never
retried); 429 rate limited and 5xx are retried with backoff.
"""

from __future__ import annotations

from typing import Any

import httpx

from efficiency.links import incident_url
from efficiency.notify.base import Notification, post_json
from efficiency.services import PagerDutyReceiver

EVENTS_URL = "https://events.pagerduty.com/v2/enqueue"
SUMMARY_MAX = 1024
#: our severities onto PagerDuty's four
PD_SEVERITY = {"critical": "critical", "error": "error", "warning": "warning", "info": "info"}


def _source(incident: dict[str, Any]) -> str:
    services = incident.get("services") or []
    return ", ".join(services)[:255] or "efficiency"


def _component(incident: dict[str, Any]) -> str:
    causes = incident.get("root_causes") or []
    if causes and causes[0].get("name"):
        return str(causes[0]["name"])
    services = incident.get("services") or []
    return str(services[0]) if services else ""


def event_body(
    notification: Notification, routing_key: str, client: str = "efficiency", client_url: str = ""
) -> dict[str, Any]:
    """The Events API v2 body. Acknowledge and resolve carry only the routing key, the action
    and the dedup key, as the API documents; a trigger carries the whole payload."""
    body: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": notification.action,
        "dedup_key": notification.dedup_key,
    }
    if notification.action != "trigger":
        return body
    incident = notification.incident
    causes = incident.get("root_causes") or []
    body["payload"] = {
        "summary": notification.title[:SUMMARY_MAX],
        "source": _source(incident),
        "severity": PD_SEVERITY.get(notification.severity, "error"),
        "timestamp": incident.get("opened_at"),
        "component": _component(incident),
        "group": notification.team,
        "class": str(causes[0].get("kind", "incident")) if causes else "incident",
        "custom_details": {
            "incident_id": incident.get("id"),
            "status": incident.get("status"),
            "services": incident.get("services", []),
            "root_causes": causes[:3],
            "suspected_changes": (incident.get("suspected_changes") or [])[:3],
            "alerts": len(incident.get("alert_fingerprints") or []),
            "detections": len(incident.get("detection_ids") or []),
        },
    }
    body["client"] = client
    if client_url:
        body["client_url"] = client_url
        body["links"] = [
            {
                "href": incident_url(client_url, incident.get("id")),
                "text": f"Incident {incident.get('id')} in efficiency",
            }
        ]
    return body


class PagerDutyNotifier:
    kind = "pagerduty"

    def __init__(
        self,
        receiver: PagerDutyReceiver,
        client: httpx.Client | None = None,
        client_url: str = "",
    ) -> None:
        self.receiver, self.client_url = receiver, client_url
        self.client = client or httpx.Client(timeout=10)

    def send(self, notification: Notification) -> None:
        body = event_body(notification, self.receiver.routing_key, client_url=self.client_url)
        post_json(self.client, self.receiver.url, body, "PagerDuty")
