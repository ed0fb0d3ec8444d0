"""Notification routing: each outgoing message gets its channel (or the fallback), the retry
delay closest to what the sender asked for, and that channel's priority and tags, from the
router's channel settings."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

CHANNEL_SETTINGS: dict[str, Any] = {
    "retry_delays": [5, 15, 30, 60, 120, 300, 600, 1800],
    "channels": {
        "email": {"priority": 3, "batch": 50, "tags": ["bulk", "html"], "hours": list(range(24))},
        "sms": {"priority": 1, "batch": 1, "tags": ["urgent"], "hours": list(range(8, 22))},
        "push": {"priority": 2, "batch": 20, "tags": ["mobile"], "hours": list(range(7, 23))},
        "slack": {"priority": 2, "batch": 10, "tags": ["team", "chat"], "hours": list(range(24))},
    },
    "fallback": "email",
    "locales": {f"l{i}": {"name": f"locale {i}", "rtl": i % 9 == 0} for i in range(40)},
}


def channel_settings() -> dict[str, Any]:
    """A fresh copy of the router's settings, for a caller that may want to change its own."""
    return copy.deepcopy(CHANNEL_SETTINGS)


def route(messages: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    routed = []
    for message in messages:
        settings = channel_settings()
        delay = min(settings["retry_delays"], key=lambda d: abs(d - message["retry_after"]))
        wanted = message["channel"]
        channel = wanted if wanted in settings["channels"] else settings["fallback"]
        routed.append(
            (
                message["id"],
                channel,
                delay,
                settings["channels"][channel]["priority"],
                settings["channels"][channel]["tags"],
            )
        )
    return routed
