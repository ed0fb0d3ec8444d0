"""Read side of canary analysis: one service's profile windows whose host or labels match a
selector, each as stacks of function names with their sample counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.store.canary_runs import CanaryRun
from efficiency.store.profile_queries import (
    _load_frames,
    _load_stacks,
    _service_cores,
    _window_filter,
)
from efficiency.store.profiles import ProfileSample, ProfileWindow


@dataclass(frozen=True)
class SelectedWindow:
    host: str
    rate_hz: float | None
    start: datetime
    end: datetime
    #: root-to-leaf function names -> samples
    stacks: dict[tuple[str, ...], int]


def matches(selector: dict[str, list[str]], host: str, labels: dict[str, object]) -> bool:
    """Every key of ``selector`` matches: ``host`` against the window's host, any other key
    against its label of that name; a key matches when the value is one of those listed."""
    for key, allowed in selector.items():
        value = host if key == "host" else labels.get(key)
        if value is None or str(value) not in allowed:
            return False
    return True


def selected_windows(
    session: Session,
    service: str,
    selector: dict[str, list[str]],
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[SelectedWindow]:
    rows = session.execute(
        select(
            ProfileWindow.id, ProfileWindow.host, ProfileWindow.labels, ProfileWindow.rate_hz,
            ProfileWindow.start_at, ProfileWindow.end_at,
        ).where(*_window_filter(service, start, end))
    ).all()  # fmt: skip
    chosen = {r.id: r for r in rows if matches(selector, r.host, r.labels or {})}
    if not chosen:
        return []
    counts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    ids = list(chosen)
    for i in range(0, len(ids), 5000):
        for wid, sid, n in session.execute(
            select(ProfileSample.window_id, ProfileSample.stack_id, ProfileSample.count).where(
                ProfileSample.window_id.in_(ids[i : i + 5000])
            )
        ):
            counts[wid].append((sid, n))
    stacks = _load_stacks(session, {sid for c in counts.values() for sid, _ in c})
    frames = _load_frames(session, {f for s in stacks.values() for f in s})
    out = []
    for wid, r in sorted(chosen.items()):
        named: dict[tuple[str, ...], int] = defaultdict(int)
        for sid, n in counts.get(wid, []):
            key = tuple(frames[f].function for f in stacks.get(sid, ()) if f in frames)
            if key:
                named[key] += n
        out.append(SelectedWindow(r.host, r.rate_hz, r.start_at, r.end_at, dict(named)))
    return out


def service_cores(
    session: Session, service: str, start: datetime | None = None, end: datetime | None = None
) -> float | None:
    """Average cores the whole service (every host, not only the selected ones) used over the
    window: what a function's share of it costs at 100% rollout. None when unknown."""
    rows = session.execute(
        select(
            ProfileWindow.rate_hz, ProfileWindow.total_samples, ProfileWindow.start_at,
            ProfileWindow.end_at,
        ).where(*_window_filter(service, start, end))
    ).all()  # fmt: skip
    return _service_cores(list(rows)) if rows else None


def _selector(text: str) -> dict[str, list[str]] | None:
    """``key=v1,v2;key2=v`` as matchers; None when malformed (the stage validates input)."""
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        key, eq, values = part.partition("=")
        vals = [v.strip() for v in values.split(",") if v.strip()]
        if not eq or not key.strip() or not vals:
            return None
        out[key.strip()] = vals
    return out


def judged_canary_windows(session: Session, start: datetime, end: datetime) -> set[int]:
    """Ids of the windows starting in [start, end) that a canary run judged as its *canary*
    side (matched its selector between its ``from`` and ``to``). Fleet-wide detection leaves
    them out: a canary is a partial rollout, a step the fleet's single change point does not
    model, and it has a verdict of its own. Runs without ``from`` judged all history and
    exclude nothing."""
    runs = session.execute(
        select(CanaryRun.service, CanaryRun.request, CanaryRun.created_at).where(
            CanaryRun.status == "done", CanaryRun.created_at >= start - timedelta(days=1)
        )
    ).all()
    out: set[int] = set()
    for service, request, created in runs:
        selector = _selector(str(request.get("canary", "")))
        if selector is None or not request.get("from"):
            continue
        t0 = max(datetime.fromisoformat(request["from"]), start)
        t1 = min(datetime.fromisoformat(request["to"]) if request.get("to") else created, end)
        rows = session.execute(
            select(ProfileWindow.id, ProfileWindow.host, ProfileWindow.labels).where(
                ProfileWindow.service == service,
                ProfileWindow.start_at >= t0,
                ProfileWindow.start_at < t1,
            )
        ).all()
        out.update(r.id for r in rows if matches(selector, r.host, r.labels or {}))
    return out
