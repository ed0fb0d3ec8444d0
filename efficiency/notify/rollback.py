"""The rollback hook: a failed canary's verdict and evidence, POSTed to a deploy system.

It travels through the page outbox like any page (route :data:`ROUTE`, action
:data:`ACTION`, one row per canary incident), so it is retried with backoff, claimed by one
worker at a time, and carries an ``Idempotency-Key`` (header and body) that is the same on
every re-send: a receiver that keeps the keys it has acted on rolls back once. The body is
planned whole (``Notification.body``); where it goes is read from the configuration when it
is sent, so a token never sits in the database.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from efficiency.notify.base import DeliveryError, Notification, Notifier, post_json

#: the outbox route and action of rollback hooks
ROUTE = "canary-rollback"
ACTION = "rollback"

#: service → (URL, request headers) of its rollback hook, None when it has none
HookLookup = Callable[[str], tuple[str, dict[str, str]] | None]


class RollbackNotifier:
    kind = "rollback"

    def __init__(self, hooks: HookLookup, client: httpx.Client | None = None) -> None:
        self.hooks = hooks
        self.client = client or httpx.Client(timeout=10)

    def send(self, notification: Notification) -> None:
        service = str(notification.body.get("service", ""))
        hook = self.hooks(service)
        if hook is None:  # the configuration may get it back: keep the row, retry
            raise DeliveryError(f"no rollback_webhook configured for service {service!r}", True)
        url, headers = hook
        key = notification.idempotency_key
        post_json(
            self.client,
            url,
            {**notification.body, "idempotency_key": key},
            "rollback hook",
            headers={"User-Agent": "efficiency", **headers,
                     **({"Idempotency-Key": key} if key else {})},
        )  # fmt: skip


def rollback_notifiers(
    hooks: HookLookup, client: httpx.Client | None = None
) -> dict[str, Notifier]:
    """The outbox route of rollback hooks → its notifier."""
    return {ROUTE: RollbackNotifier(hooks, client)}
