"""One notifier per route of the catalog, from one explicit list of kinds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from efficiency.notify.base import Notifier
from efficiency.notify.email import EmailNotifier
from efficiency.notify.pagerduty import PagerDutyNotifier
from efficiency.notify.slack import SlackNotifier
from efficiency.notify.webhook import WebhookNotifier
from efficiency.services import Route, ServicesCatalog

#: receiver kind → how to build its notifier from (receiver, shared HTTP client, client URL)
NOTIFIER_KINDS: dict[str, Callable[[Any, httpx.Client, str], Notifier]] = {
    "pagerduty": lambda r, client, url: PagerDutyNotifier(r, client, client_url=url),
    "slack": lambda r, client, url: SlackNotifier(r, client, dashboard_url=url),
    "webhook": lambda r, client, url: WebhookNotifier(r, client, dashboard_url=url),
    "email": lambda r, _client, url: EmailNotifier(r, dashboard_url=url),
}


def build_notifier(route: Route, client: httpx.Client, client_url: str = "") -> Notifier:
    return NOTIFIER_KINDS[route.kind](route.receiver, client, client_url)


def build_notifiers(
    catalog: ServicesCatalog, client: httpx.Client | None = None, client_url: str = ""
) -> dict[str, Notifier]:
    """Route name → notifier, sharing one HTTP client (connection reuse, one timeout).
    ``client_url`` is where a page links back to (the dashboard); empty = no links."""
    client = client or httpx.Client(timeout=10)
    return {route.name: build_notifier(route, client, client_url) for route in catalog.routes()}
