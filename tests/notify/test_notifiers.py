"""Each notifier against a real receiver: the exact bodies, and which failures are retried."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from efficiency.notify.base import DeliveryError, Notification
from efficiency.notify.email import EmailNotifier
from efficiency.notify.pagerduty import PagerDutyNotifier
from efficiency.notify.slack import SlackNotifier
from efficiency.notify.webhook import INCIDENT_FIELDS, WebhookNotifier
from efficiency.services import (
    EmailReceiver,
    PagerDutyReceiver,
    SlackReceiver,
    WebhookReceiver,
)
from tests.notify.conftest import Mailbox, Receiver
from tests.servers import free_port

INCIDENT: dict[str, Any] = {
    "id": 7,
    "key": "inc-7",
    "status": "open",
    "severity": "critical",
    "title": "checkout latency up " + "x" * 2000,
    "services": ["checkout", "ledger"],
    "opened_at": "2024-05-01T12:00:00Z",
    "acknowledged_at": None,
    "resolved_at": None,
    "alert_fingerprints": ["a1", "a2"],
    "detection_ids": [3],
    "root_causes": [{"kind": "service", "name": "ledger", "score": 0.9, "evidence": []}],
    "suspected_changes": [],
}


def note(action: str = "trigger") -> Notification:
    return Notification(action, "inc-7", "payments/0-pagerduty", "payments", INCIDENT)


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as c:
        yield c


def test_pagerduty_trigger_body(receiver: Receiver, client: httpx.Client) -> None:
    pd = PagerDutyNotifier(
        PagerDutyReceiver(routing_key="R" * 32, url=f"{receiver.url}/v2/enqueue"),
        client,
        client_url="http://efficiency.example:8501",
    )
    pd.send(note())
    (request,) = receiver.requests
    assert request.path == "/v2/enqueue"
    body = request.body
    assert set(body) == {
        "routing_key", "event_action", "dedup_key", "payload", "links", "client", "client_url",
    }  # fmt: skip
    assert (body["routing_key"], body["event_action"], body["dedup_key"]) == (
        "R" * 32,
        "trigger",
        "inc-7",
    )
    payload = body["payload"]
    assert set(payload) == {
        "summary", "source", "severity", "timestamp", "component", "group", "class",
        "custom_details",
    }  # fmt: skip
    assert len(payload["summary"]) == 1024
    assert payload["summary"].startswith("checkout latency up")
    assert payload["severity"] == "critical"
    assert payload["source"] == "checkout, ledger"
    assert payload["timestamp"] == "2024-05-01T12:00:00Z"
    assert (payload["component"], payload["group"], payload["class"]) == (
        "ledger",
        "payments",
        "service",
    )
    assert payload["custom_details"]["incident_id"] == 7
    assert payload["custom_details"]["alerts"] == 2
    assert body["links"] == [
        {
            "href": "http://efficiency.example:8501/incidents?incident=7",
            "text": "Incident 7 in efficiency",
        }
    ]
    assert body["client"] == "efficiency"


@pytest.mark.parametrize("action", ["acknowledge", "resolve"])
def test_pagerduty_follow_up_body(receiver: Receiver, client: httpx.Client, action: str) -> None:
    pd = PagerDutyNotifier(PagerDutyReceiver(routing_key="k", url=f"{receiver.url}/e"), client)
    pd.send(note(action))
    assert receiver.bodies() == [{"routing_key": "k", "event_action": action, "dedup_key": "inc-7"}]


@pytest.mark.parametrize(
    ("status", "retryable"), [(400, False), (401, False), (403, False), (404, False),
                              (422, False), (408, True), (429, True), (500, True), (503, True)]
)  # fmt: skip
def test_http_failures_say_whether_to_retry(
    receiver: Receiver, client: httpx.Client, status: int, retryable: bool
) -> None:
    receiver.answer(status)
    pd = PagerDutyNotifier(PagerDutyReceiver(routing_key="k", url=f"{receiver.url}/e"), client)
    with pytest.raises(DeliveryError) as info:
        pd.send(note())
    assert info.value.retryable is retryable
    assert f"HTTP {status}" in str(info.value)


def test_unreachable_receiver_is_retryable(client: httpx.Client) -> None:
    url = f"http://127.0.0.1:{free_port()}/hook"
    with pytest.raises(DeliveryError) as info:
        WebhookNotifier(WebhookReceiver(url=url), client).send(note())
    assert info.value.retryable


def test_slack_body(receiver: Receiver, client: httpx.Client) -> None:
    receiver.default = (200, "ok")
    SlackNotifier(SlackReceiver(webhook_url=f"{receiver.url}/slack"), client).send(note())
    (body,) = receiver.bodies("/slack")
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith(":rotating_light: [FIRING] CRITICAL: checkout latency up")
    assert [b["type"] for b in body["blocks"]] == ["section", "section", "context"]
    fields = [f["text"] for f in body["blocks"][1]["fields"]]
    assert "*Services*\ncheckout, ledger" in fields
    assert "*Likely root cause*\nservice ledger" in fields


def test_webhook_body_and_headers(receiver: Receiver, client: httpx.Client) -> None:
    hook = WebhookReceiver(url=f"{receiver.url}/hook", headers={"X-Token": "secret"})
    WebhookNotifier(hook, client).send(note("resolve"))
    (request,) = receiver.requests
    assert request.headers["X-Token"] == "secret"
    body = request.body
    assert {k: body[k] for k in ("version", "action", "dedup_key", "route", "team")} == {
        "version": "1",
        "action": "resolve",
        "dedup_key": "inc-7",
        "route": "payments/0-pagerduty",
        "team": "payments",
    }
    assert tuple(body["incident"]) == INCIDENT_FIELDS
    assert body["incident"]["alert_fingerprints"] == ["a1", "a2"]


def _email(port: int, **kw: Any) -> EmailReceiver:
    return EmailReceiver.model_validate(
        {"to": ["oncall@example.com"], "from": "efficiency@example.com",
         "smtp_host": "127.0.0.1", "smtp_port": port, **kw}
    )  # fmt: skip


def test_email_arrives(smtp_server: tuple[int, Mailbox]) -> None:
    port, box = smtp_server
    EmailNotifier(_email(port)).send(note())
    EmailNotifier(_email(port)).send(note("resolve"))
    assert len(box.messages) == 2
    first, second = box.messages
    assert first["Subject"].startswith("[FIRING] CRITICAL: checkout latency up")
    assert second["Subject"].startswith("[RESOLVED] CRITICAL:")
    assert first["To"] == "oncall@example.com"
    assert first["References"] == second["References"] == "<inc-7@efficiency>"
    text = first.get_payload()
    assert "Services:  checkout, ledger" in text
    assert "1. service ledger (score 0.9)" in text


def test_email_unreachable_is_retryable() -> None:
    with pytest.raises(DeliveryError) as info:
        EmailNotifier(_email(free_port())).send(note())
    assert info.value.retryable


def test_email_missing_password_is_permanent(smtp_server: tuple[int, Mailbox]) -> None:
    port, _box = smtp_server
    receiver = _email(port, username="bot", password_env="EFFICIENCY_TEST_NO_SUCH_VAR")
    with pytest.raises(DeliveryError) as info:
        EmailNotifier(receiver).send(note())
    assert not info.value.retryable
