"""Stable dashboard URLs, and every notifier carrying the incident's URL when configured."""

from __future__ import annotations

import pytest

from efficiency.links import incident_url, page_url
from efficiency.notify.base import Notification
from efficiency.notify.email import build_message
from efficiency.notify.slack import message_body
from efficiency.notify.webhook import webhook_body
from efficiency.services import EmailReceiver

BASE = "https://efficiency.example/"
NOTE = Notification("trigger", "inc-7", "ops/0-slack", "ops", {"id": 7, "title": "t"})


def test_page_urls_keep_the_selection_in_the_query_string() -> None:
    assert incident_url(BASE, 7) == "https://efficiency.example/incidents?incident=7"
    assert page_url("", "hotspots", service="a b", mode="diff", at=None) == (
        "/hotspots?service=a+b&mode=diff"
    )
    assert page_url(BASE, "overview") == "https://efficiency.example/"
    with pytest.raises(ValueError, match="unknown dashboard page"):
        page_url(BASE, "nope")


def test_slack_webhook_and_email_carry_the_incident_url() -> None:
    url = "https://efficiency.example/incidents?incident=7"
    slack = message_body(NOTE, BASE)
    button = slack["blocks"][-1]["elements"][0]
    assert (button["type"], button["url"]) == ("button", url) and url in slack["text"]
    assert message_body(NOTE)["blocks"][-1]["type"] == "context"  # no URL, no button
    assert webhook_body(NOTE, BASE)["url"] == url and webhook_body(NOTE)["url"] == ""
    receiver = EmailReceiver(to=["oncall@example.com"], smtp_host="127.0.0.1", **{"from": "e@x"})
    assert url in build_message(NOTE, receiver, BASE).get_content()
    assert "Evidence" not in build_message(NOTE, receiver).get_content()
