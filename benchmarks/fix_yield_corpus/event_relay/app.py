"""Event relay: newline-delimited JSON events in, routed per topic, each re-serialised with
the relay's envelope (topic, a hop count, the original event)."""

from __future__ import annotations

import json
from collections.abc import Iterable


def relay(lines: Iterable[str], max_hops: int = 8) -> dict[str, list[str]]:
    """Per topic, the outgoing JSON lines; events over ``max_hops`` are dropped."""
    out: dict[str, list[str]] = {}
    for line in lines:
        event = json.loads(line)
        hops = event.get("hops", 0) + 1
        if hops > max_hops:
            continue
        envelope = {"topic": event["topic"], "hops": hops, "event": event["body"]}
        out.setdefault(event["topic"], []).append(json.dumps(envelope, separators=(",", ":")))
    return out
