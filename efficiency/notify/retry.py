"""When a failed page is tried again: the project's exponential backoff with equal jitter
(``efficiency.backoff``, as the agent's shipper uses it), capped, plus a receiver's
Retry-After hint and an optional limit on attempts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from efficiency.backoff import Backoff


@dataclass
class RetryPolicy:
    initial_seconds: float = 10.0
    maximum_seconds: float = 600.0
    #: attempts after which a retryable failure is given up (the row ends ``failed``);
    #: None = keep trying, since a page given up is a page lost
    max_attempts: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure (0-based)."""
        return Backoff(self.initial_seconds, self.maximum_seconds, self.rng).delay(attempt)

    def next_attempt(self, now: datetime, attempts: int, hint: float | None = None) -> datetime:
        """When to try again after ``attempts`` tries; a receiver's Retry-After hint is
        honoured when it asks for longer than the backoff (up to the cap)."""
        wait = self.delay(max(0, attempts - 1))
        if hint is not None:
            wait = max(wait, min(hint, self.maximum_seconds))
        return now + timedelta(seconds=wait)

    def gives_up(self, attempts: int) -> bool:
        return self.max_attempts is not None and attempts >= self.max_attempts
