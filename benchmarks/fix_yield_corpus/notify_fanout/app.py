"""Notification fan-out: for an announcement, the users to notify on each of its channels,
from the subscription table (channel -> ``(user id, subscribed since)`` rows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Subscriptions = Mapping[str, Sequence[tuple[int, int]]]


def fan_out(channels: Sequence[str], subscriptions: Subscriptions) -> dict[str, list[int]]:
    """Channel -> user ids in subscription order; a channel nobody follows maps to ``[]``.
    A channel named twice is fanned out once."""

    def recipients(channel: str) -> list[int]:
        users = []
        for user_id, _since in subscriptions.get(channel, ()):
            users.append(user_id)
        return users

    return {channel: recipients(channel) for channel in dict.fromkeys(channels)}
