"""Exponential backoff with "equal jitter", shared by everything that retries over the
network (the agent's shipper, the page outbox).

Attempt n waits a uniformly random time in [d/2, d] with d = min(maximum, initial * 2**n):
half the delay is guaranteed, so a receiver that is down is not hammered, and the other half
spreads the clients (agents, pages) that failed together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    initial: float = 1.0
    maximum: float = 60.0
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure (0-based)."""
        d = min(self.maximum, self.initial * 2 ** min(attempt, 62))
        return d / 2 + self.rng.uniform(0, d / 2)
