"""A small LRU cache of user sessions in front of the session store, with hit and miss
counts for the dashboard."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Session:
    user: str
    roles: tuple[str, ...]
    claims: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        claims = ", ".join(f"{k}={v}" for k, v in sorted(self.claims.items()))
        return f"<session {self.user} roles={'/'.join(self.roles)} {claims}>"


class SessionCache:
    """Keeps the ``capacity`` most recently used sessions; misses go to ``load``."""

    def __init__(self, load: Callable[[str], Session], capacity: int = 128) -> None:
        self.load = load
        self.capacity = capacity
        self.entries: OrderedDict[str, Session] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get_many(self, tokens: Iterable[str]) -> list[Session]:
        sessions = []
        for token in tokens:
            session = self.entries.get(token)
            if session is None:
                self.misses += 1
                session = self.load(token)
                self.entries[token] = session
                if len(self.entries) > self.capacity:
                    self.entries.popitem(last=False)
            else:
                self.hits += 1
                self.entries.move_to_end(token)
            logger.debug(f"session for {token}: {session} (cached {len(self.entries)})")
            sessions.append(session)
        return sessions
