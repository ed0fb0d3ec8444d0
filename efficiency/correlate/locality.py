"""Whether a fleet's failures stay in their location, read from when its services take off.

The take-off join (:mod:`efficiency.correlate.takeoff`) reads a group that takes off shortly
after a failure of its location as that failure's cascade. That is sound only where a failure
stays in its location - calls stay in the region or cluster - and the correlator first learned
that from one fact: some service has alerted in two locations, so the fleet runs a copy of its
services per location. A storm need not show that (each failing service may alert in one
region only, the copies elsewhere healthy), and then the fleet looks like one whose services
each run in one cluster and call across.

The take-offs tell the two apart by themselves. Where failures cross locations, the services
that take off within ``takeoff_lag`` of each other are in one location about as often as two
take-offs picked at random are (the share of each location, squared and summed); where they
stay in their location, a failure's services take off one after another in one place, so
near take-offs share their location clearly more often. :class:`TakeoffLocality` counts the
pairs of take-offs at most ``takeoff_lag`` apart (each service's session per location with at
least :data:`MIN_ALERTS` alerts, service-less alerts left out: no call places them) and says
the failures stay local when the same-location pairs exceed that chance level by
:data:`MIN_Z` standard deviations (a binomial count), over at least :data:`MIN_PAIRS` pairs.
Once shown, it stays shown: a fleet does not change how it is deployed within a storm.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from math import sqrt

from efficiency.correlate.graph import Node
from efficiency.correlate.rules import CorrelationRules

#: a service's session in a location takes off - counts - from this many alerts on
MIN_ALERTS = 3
#: the evidence needs this many pairs of near take-offs ...
MIN_PAIRS = 10
#: ... and same-location pairs this many standard deviations above chance
MIN_Z = 2.0


@dataclass
class _Session:
    onset: datetime
    last: datetime
    size: int


class TakeoffLocality:
    """Learns the take-offs of the alert buckets it is shown; :meth:`local` says whether they
    show failures staying in their location (see the module docstring)."""

    def __init__(self, rules: CorrelationRules) -> None:
        self.rules = rules
        self._sessions: dict[tuple[str, tuple[str, ...]], list[_Session]] = {}
        self._local = False
        self._judged = True  #: nothing learned since :meth:`local` last judged

    def learn(self, buckets: Iterable[Node]) -> None:
        """Add the take-offs of new alert buckets (a bucket within ``window`` of a service's
        last session in its location continues it); take-offs older than the
        ``recurrence_horizon`` before the newest one are forgotten (a daemon runs for months)."""
        if self._local or self.rules.takeoff_lag is None:
            return
        ordered = sorted(buckets, key=lambda n: n.start)
        for node in ordered:
            if node.kind != "alerts" or not node.alerts:
                continue
            service = next(iter(node.services))
            place = tuple(node.alerts[0].labels.get(n, "") for n in self.rules.location_labels)
            if not service or service.startswith("?") or not any(place):
                continue
            sessions = self._sessions.setdefault((service, place), [])
            last = sessions[-1] if sessions else None
            if last is not None and node.start - last.last <= self.rules.window:
                last.last = max(last.last, node.end)
                last.size += len(node.alerts)
            else:
                sessions.append(_Session(node.onset_at, node.end, len(node.alerts)))
            self._judged = False
        if ordered:
            horizon = ordered[-1].start - self.rules.recurrence_horizon
            for key, sessions in list(self._sessions.items()):
                kept = [s for s in sessions if s.last >= horizon]
                if kept:
                    self._sessions[key] = kept
                else:
                    del self._sessions[key]

    def local(self) -> bool:
        """Whether near take-offs share their location clearly more often than chance."""
        if not self._local and not self._judged:
            pairs, z = self.evidence()
            self._local = pairs >= MIN_PAIRS and z >= MIN_Z
            self._judged = True
        return self._local

    def evidence(self) -> tuple[int, float]:
        """(pairs of take-offs at most ``takeoff_lag`` apart, how many standard deviations the
        same-location ones stand above chance)."""
        lag = self.rules.takeoff_lag
        takeoffs = sorted(
            (s.onset, place)
            for (_service, place), sessions in self._sessions.items()
            for s in sessions
            if s.size >= MIN_ALERTS
        )
        if lag is None or len(takeoffs) < 2:
            return 0, 0.0
        onsets = [t for t, _ in takeoffs]
        pairs = same = 0
        for i, (onset, place) in enumerate(takeoffs):
            end = bisect_right(onsets, onset + lag)
            for _, other in takeoffs[i + 1 : end]:
                pairs += 1
                same += other == place
        shares = Counter(place for _, place in takeoffs)
        chance = sum((n / len(takeoffs)) ** 2 for n in shares.values())
        if pairs == 0 or chance >= 1.0:
            return pairs, 0.0
        return pairs, (same - pairs * chance) / sqrt(pairs * chance * (1 - chance))
