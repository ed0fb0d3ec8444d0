"""
Webhook inbox de-duplication.

Payment providers retry webhooks, sometimes with the keys in a different order and with
delivery-only fields (``delivery_id``, ``attempt``, ``sent_at``) changed.  Two deliveries
are the same event when everything else is equal.  The inbox keeps the first delivery of
each event, in arrival order, and counts the retries it dropped per provider.
"""

import json

DELIVERY_FIELDS = ("delivery_id", "attempt", "sent_at")


def strip_delivery(event):
    """The event without its delivery-only fields (a detached copy; the input is left alone)."""
    body = json.loads(json.dumps(event))
    for key in DELIVERY_FIELDS:
        body.pop(key, None)
    return body


def fingerprint(event):
    """A canonical text for the event body: equal bodies give equal fingerprints."""
    return json.dumps(strip_delivery(event), sort_keys=True, separators=(",", ":"))


class Inbox:
    def __init__(self):
        self.seen = set()
        self.kept = []
        self.dropped = {}

    def offer(self, event):
        """Keep ``event`` unless an equal one was kept before; True when kept."""
        key = fingerprint(event)
        if key in self.seen:
            provider = event.get("provider", "?")
            self.dropped[provider] = self.dropped.get(provider, 0) + 1
            return False
        self.seen.add(key)
        self.kept.append(event)
        return True


def dedupe(events):
    """Return (kept deliveries in arrival order, {provider: retries dropped})."""
    inbox = Inbox()
    for event in events:
        inbox.offer(event)
    return inbox.kept, dict(sorted(inbox.dropped.items()))
