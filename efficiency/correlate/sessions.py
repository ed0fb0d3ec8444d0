"""New alerts that continue a session an active incident already holds.

In one batch the alerts of one deployment (a service in one location, with equal group-by
labels) whose onsets follow each other within the window fold into one bucket
(:func:`efficiency.correlate.graph.alert_buckets`), and the bucket goes wherever the evidence
sends it as a whole. Delivered as a stream, the same session arrives in pieces: its first
alerts join an incident, and the later ones would form a bucket of their own whose onset is
minutes late - too late for the cascade order that joined the first ones, and, when the
service is one of the incident's quieter ones (under ``root_support`` of its loudest), with no
same-service evidence either (an incident holds only its well-supported services). So they
opened incidents of their own, and a stream split what a batch kept together.

:func:`continue_sessions` gives each such alert to the incident holding its session: the
active incident with an alert of the same deployment that started at most a window before
(or after) it, the nearest one. That is exactly the bucket the alert would have been folded
into in one batch, and the decision made on the session's first alerts stands for the rest.
A later failure of the service that starts after a quiet gap longer than the window is a new
session and is grouped on its own evidence, as in a batch. So that one misplaced alert does not
carry its whole session along, the incident must already hold a real part of the session
(``root_support`` of it, with the new alerts) and the session must run in a location where the
incident's well-supported deployments run.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from efficiency.correlate.graph import service_key
from efficiency.correlate.records import AlertRecord
from efficiency.correlate.rules import CorrelationRules

Deployment = tuple[str, tuple[str, ...], tuple[str, ...]]


def deployment(alert: AlertRecord, rules: CorrelationRules) -> Deployment:
    """The bucket key of ``alert``: service, group-by values, location values."""
    group = tuple(alert.labels.get(name, "") for name in rules.group_by)
    place = tuple(alert.labels.get(name, "") for name in rules.location_labels)
    return service_key(alert), group, place


def continue_sessions(
    fresh: Sequence[AlertRecord],
    held: Iterable[tuple[str, Iterable[AlertRecord]]],
    rules: CorrelationRules,
) -> tuple[dict[str, list[AlertRecord]], list[AlertRecord]]:
    """(incident key -> the alerts of ``fresh`` that continue a session it holds, the rest).

    ``held`` yields each active incident's key with its alerts. Alerts are taken in onset
    order, and one given to an incident extends its session for the next."""
    sessions: dict[Deployment, list[tuple[datetime, str]]] = defaultdict(list)
    homes: dict[str, set[tuple[str, ...]]] = {}
    for key, alerts in held:
        count: Counter[Deployment] = Counter()
        for alert in alerts:
            place = deployment(alert, rules)
            sessions[place].append((alert.starts_at, key))
            count[place] += 1
        largest = max(count.values(), default=0)
        homes[key] = {p[2] for p, n in count.items() if n >= rules.root_support * largest}
    had = Counter((place, key) for place, starts in sessions.items() for _, key in starts)
    for starts in sessions.values():
        starts.sort()
    taken: dict[tuple[Deployment, str], list[AlertRecord]] = defaultdict(list)
    rest: list[AlertRecord] = []
    for alert in sorted(fresh, key=lambda a: (a.starts_at, a.fingerprint)):
        place = deployment(alert, rules)
        key = _nearest(sessions.get(place, []), alert.starts_at, rules)
        if key is None:
            rest.append(alert)
            continue
        taken[(place, key)].append(alert)
        insort(sessions[place], (alert.starts_at, key))
    given: dict[str, list[AlertRecord]] = defaultdict(list)
    for (place, key), alerts in taken.items():
        # the incident decided on a real part of the session, not on its first stray alert,
        # and the session is in a location the incident's well-supported services are
        real = had[(place, key)] >= rules.root_support * (had[(place, key)] + len(alerts))
        if real and place[2] in homes[key]:
            given[key] += alerts
        else:
            rest += alerts
    return dict(given), rest


def _nearest(
    starts: list[tuple[datetime, str]], at: datetime, rules: CorrelationRules
) -> str | None:
    """The incident of the start nearest ``at`` within the window, if any."""
    i = bisect_left(starts, (at, ""))
    near = [starts[j] for j in (i - 1, i) if 0 <= j < len(starts)]
    near = [(abs(t - at), k) for t, k in near if abs(t - at) <= rules.window]
    return min(near)[1] if near else None
