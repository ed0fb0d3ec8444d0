"""Support desk triage: route inbound tickets to queues by keyword rules."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

DEFAULT_QUEUE = "general"

ROUTING_RULES: dict[str, tuple[str, ...]] = {
    "billing": ("invoice", "refund", "charged twice", "credit card", "receipt", "vat"),
    "outage": ("down", "503", "timeout", "cannot connect", "unreachable", "status page"),
    "security": ("phishing", "2fa", "password reset", "suspicious login", "breach"),
    "accounts": ("cancel", "upgrade", "downgrade", "seat", "sso", "invite"),
    "bugs": ("crash", "stack trace", "error message", "regression", "c++", "null"),
}
PRIORITY_QUEUES = ("outage", "security")


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    subject: str
    body: str
    customer_tier: str = "standard"


@dataclass
class Assignment:
    ticket_id: str
    queue: str
    urgent: bool
    hits: dict[str, int] = field(default_factory=dict)


class TriageRouter:
    def __init__(self, rules: dict[str, tuple[str, ...]] | None = None) -> None:
        self.rules = dict(rules or ROUTING_RULES)

    def _score(self, queue: str, text: str) -> int:
        keywords = self.rules[queue]
        pattern = r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keywords) + r")(?!\w)"
        return len(re.findall(pattern, text, flags=re.IGNORECASE))

    def route(self, ticket: Ticket) -> Assignment:
        text = f"{ticket.subject}\n{ticket.body}"
        hits = {q: n for q in self.rules if (n := self._score(q, text))}
        if not hits:
            queue = DEFAULT_QUEUE
        else:
            # subject keywords win ties: they are what the customer chose to lead with
            queue = max(hits, key=lambda q: (hits[q], self._score(q, ticket.subject)))
        urgent = queue in PRIORITY_QUEUES or ticket.customer_tier == "enterprise"
        return Assignment(ticket.ticket_id, queue, urgent, hits)


def triage_batch(tickets: list[Ticket], router: TriageRouter | None = None) -> Counter[str]:
    router = router or TriageRouter()
    load: Counter[str] = Counter()
    urgent = 0
    for ticket in tickets:
        assignment = router.route(ticket)
        load[assignment.queue] += 1
        urgent += assignment.urgent
    logger.info("triaged %d tickets, %d urgent", len(tickets), urgent)
    return load
