"""What every notifier shares: the page it is handed and how it reports a failure."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

#: HTTP answers that may succeed later; every other 4xx is the request's own fault
RETRYABLE_STATUS = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Notification:
    """One page to send: an action on one incident, as it was when the page was planned.

    ``incident`` is the incident in DESIGN.md's JSON shape plus its ``key``; ``dedup_key`` is
    that key, the same on every action and every re-send, so a receiver that deduplicates
    (PagerDuty) turns a duplicate delivery into a no-op.
    """

    action: str  # trigger | acknowledge | resolve
    dedup_key: str
    route: str
    team: str
    incident: dict[str, Any] = field(default_factory=dict)
    #: one key per page (incident, route, action, revision), the same on every re-send, for
    #: receivers that deduplicate deliveries (the webhook's ``Idempotency-Key``)
    idempotency_key: str = ""
    #: a request body planned whole (the rollback hook's), for receivers sent a document of
    #: their own rather than the incident
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return str(self.incident.get("title") or f"incident {self.incident.get('id', '?')}")

    @property
    def severity(self) -> str:
        return str(self.incident.get("severity") or "warning")


class DeliveryError(Exception):
    """Sending failed. ``retryable`` says whether the same request may succeed later;
    ``retry_after`` is the receiver's own hint in seconds (HTTP ``Retry-After``), if any."""

    def __init__(self, message: str, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after


class Notifier(Protocol):
    """How to send one page to one receiver; raise DeliveryError when it did not arrive."""

    kind: str

    def send(self, notification: Notification) -> None: ...


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None


def check_response(response: httpx.Response, receiver: str) -> None:
    """Raise DeliveryError unless ``response`` is a success; 5xx, 408, 425 and 429 may be
    retried, any other 4xx (400 invalid, 401/403 bad key, 404, 422) never will succeed."""
    if response.is_success:
        return
    status = response.status_code
    detail = response.text.strip().replace("\n", " ")[:300]
    retryable = status >= 500 or status in RETRYABLE_STATUS
    raise DeliveryError(
        f"{receiver} answered HTTP {status}: {detail}", retryable, _retry_after(response)
    )


def post_json(
    client: httpx.Client, url: str, body: Any, receiver: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """POST ``body`` as JSON; transport failures (refused, reset, timeout) are retryable."""
    try:
        response = client.post(url, json=body, headers=headers)
    except httpx.TransportError as exc:
        raise DeliveryError(f"{receiver} unreachable: {exc!r}", retryable=True) from exc
    check_response(response, receiver)
    return response
