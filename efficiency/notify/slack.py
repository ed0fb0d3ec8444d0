"""Slack incoming webhook: a ``text`` fallback (notifications, screen readers) and
Block Kit ``blocks`` for the channel. Slack answers 200 ``ok``; 4xx (``invalid_payload``,
``channel_not_found``, ...) are permanent, 429 and 5xx are retried."""

from __future__ import annotations

from typing import Any

import httpx

from efficiency.links import incident_url
from efficiency.notify.base import Notification, post_json
from efficiency.services import SlackReceiver

ICON = {"trigger": ":rotating_light:", "acknowledge": ":eyes:", "resolve": ":white_check_mark:"}
VERB = {"trigger": "FIRING", "acknowledge": "ACKNOWLEDGED", "resolve": "RESOLVED"}


def message_body(notification: Notification, dashboard_url: str = "") -> dict[str, Any]:
    """The message; with ``dashboard_url``, a button to the incident's detail view."""
    incident = notification.incident
    head = f"{ICON.get(notification.action, '')} [{VERB.get(notification.action, '?')}]"
    text = f"{head} {notification.severity.upper()}: {notification.title}"
    services = ", ".join(incident.get("services") or []) or "-"
    causes = incident.get("root_causes") or []
    cause = f"{causes[0].get('kind', '')} {causes[0].get('name', '')}".strip() if causes else "-"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{text}*"}},
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Severity*\n{notification.severity}"},
                {"type": "mrkdwn", "text": f"*Services*\n{services}"},
                {"type": "mrkdwn", "text": f"*Likely root cause*\n{cause}"},
                {"type": "mrkdwn", "text": f"*Status*\n{incident.get('status', '-')}"},
            ],
        },
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": f"incident {incident.get('id')} · team {notification.team} · "
                    f"key `{notification.dedup_key}`",
                }
            ],
        },
    ]
    if dashboard_url:
        url = incident_url(dashboard_url, incident.get("id"))
        button = {"type": "plain_text", "text": "Open in efficiency"}
        blocks.append(
            {"type": "actions",
             "elements": [{"type": "button", "text": button, "url": url, "action_id": "open"}]}
        )  # fmt: skip
        text += f" <{url}|open>"
    return {"text": text, "blocks": blocks}


class SlackNotifier:
    kind = "slack"

    def __init__(
        self, receiver: SlackReceiver, client: httpx.Client | None = None, dashboard_url: str = ""
    ) -> None:
        self.receiver, self.dashboard_url = receiver, dashboard_url
        self.client = client or httpx.Client(timeout=10)

    def send(self, notification: Notification) -> None:
        body = message_body(notification, self.dashboard_url)
        post_json(self.client, self.receiver.webhook_url, body, "Slack")
