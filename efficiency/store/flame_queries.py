"""Flame-graph reads: a service's stacks with their sample counts over a time range, and one
function's share per time bucket, both summed in SQL (one row per distinct stack or bucket,
however many windows the range holds)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Float, case, cast, func, select
from sqlalchemy.orm import Session

from efficiency.store.events import ChangeEvent
from efficiency.store.incidents import Detection
from efficiency.store.profile_queries import frame_name
from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack, unpack_ids
from efficiency.store.remediation import Hotspot
from efficiency.store.sqltime import bucket, dialect_of, epoch, from_epoch, seconds_between

_CHUNK = 900


@dataclass
class StackCounts:
    """Samples per stack of one service over ``[start, end)`` (windows starting there)."""

    service: str
    start: datetime
    end: datetime
    windows: int = 0
    samples: int = 0
    #: average busy cores while profiled (samples / rate over the covered wall time)
    cores: float | None = None
    #: stack id -> samples
    counts: dict[int, int] = field(default_factory=dict)
    #: stack id -> function names (``function (file)``), root first
    paths: dict[int, tuple[str, ...]] = field(default_factory=dict)


def profiled_services(session: Session) -> list[str]:
    return sorted(session.scalars(select(ProfileWindow.service).distinct()))


def profile_span(session: Session, service: str) -> tuple[datetime, datetime] | None:
    """The first window start and the last window start of a service (by its index)."""
    low, high = session.execute(
        select(func.min(ProfileWindow.start_at), func.max(ProfileWindow.start_at)).where(
            ProfileWindow.service == service
        )
    ).one()
    return (low, high) if low is not None else None


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def stack_paths(session: Session, stack_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Each stack as function names, root first (lines of one function folded together)."""
    stacks: dict[int, tuple[int, ...]] = {}
    for chunk in _chunks(sorted(set(stack_ids))):
        for sid, blob in session.execute(
            select(Stack.id, Stack.frame_ids).where(Stack.id.in_(chunk))
        ):
            stacks[sid] = unpack_ids(blob)
    names: dict[int, str] = {}
    for chunk in _chunks(sorted({f for ids in stacks.values() for f in ids})):
        for fid, function, file in session.execute(
            select(Frame.id, Frame.function, Frame.file).where(Frame.id.in_(chunk))
        ):
            names[fid] = frame_name(function, file)
    return {sid: tuple(names.get(f, "?") for f in ids) for sid, ids in stacks.items()}


def stack_counts(session: Session, service: str, start: datetime, end: datetime) -> StackCounts:
    """The service's samples per stack over windows starting in ``[start, end)``."""
    dialect = dialect_of(session)
    cond = (ProfileWindow.service == service, ProfileWindow.start_at >= start,
            ProfileWindow.start_at < end)  # fmt: skip
    stats = session.execute(
        select(
            func.count(),
            func.sum(ProfileWindow.total_samples / cast(ProfileWindow.rate_hz, Float)),
            func.min(epoch(ProfileWindow.start_at, dialect)),
            func.max(epoch(ProfileWindow.end_at, dialect)),
            func.count(ProfileWindow.rate_hz),
        ).where(*cond)
    ).one()
    out = StackCounts(service, start, end, windows=int(stats[0] or 0))
    if not out.windows:
        return out
    wall = (stats[3] or 0) - (stats[2] or 0)
    if stats[4] == out.windows and wall > 0 and stats[1] is not None:
        out.cores = float(stats[1]) / wall
    rows = session.execute(
        select(ProfileSample.stack_id, func.sum(ProfileSample.count))
        .join(ProfileWindow, ProfileWindow.id == ProfileSample.window_id)
        .where(*cond)
        .group_by(ProfileSample.stack_id)
    ).all()
    out.counts = {int(sid): int(n) for sid, n in rows}
    out.samples = sum(out.counts.values())
    out.paths = stack_paths(session, out.counts)
    return out


def share_series(
    session: Session,
    service: str,
    start: datetime,
    end: datetime,
    self_stacks: Iterable[int],
    inclusive_stacks: Iterable[int],
    bucket_seconds: int = 3600,
) -> pd.DataFrame:
    """Per time bucket of ``[start, end)``: the service's samples, those of ``self_stacks``
    (the function on top) and of ``inclusive_stacks`` (the function anywhere), and the two
    shares; columns ``at, samples, self, inclusive, self_share, inclusive_share``."""
    dialect = dialect_of(session)
    own, anywhere = sorted(set(self_stacks)), sorted(set(inclusive_stacks))
    at = bucket(ProfileWindow.start_at, bucket_seconds, dialect).label("at")

    def part(ids: list[int]) -> Any:
        if not ids:
            return func.sum(0)
        return func.sum(case((ProfileSample.stack_id.in_(ids), ProfileSample.count), else_=0))

    rows = session.execute(
        select(at, func.sum(ProfileSample.count), part(own), part(anywhere))
        .join(ProfileWindow, ProfileWindow.id == ProfileSample.window_id)
        .where(ProfileWindow.service == service, ProfileWindow.start_at >= start,
               ProfileWindow.start_at < end)
        .group_by(at)
        .order_by(at)
    ).all()  # fmt: skip
    frame = pd.DataFrame(rows, columns=["at", "samples", "self", "inclusive"])
    frame["at"] = [from_epoch(v) for v in frame["at"]]
    for col in ("samples", "self", "inclusive"):
        frame[col] = frame[col].astype("float64")
    total = frame["samples"].where(frame["samples"] > 0)
    frame["self_share"] = frame["self"] / total
    frame["inclusive_share"] = frame["inclusive"] / total
    return frame


def service_events(session: Session, service: str, limit: int = 50) -> list[dict[str, Any]]:
    """The service's deploys and function-level detections, newest first: the moments a
    differential flame graph compares before and after."""
    changes = session.execute(
        select(ChangeEvent.id, ChangeEvent.at, ChangeEvent.kind, ChangeEvent.version)
        .where(ChangeEvent.service == service)
        .order_by(ChangeEvent.at.desc())
        .limit(limit)
    ).all()
    found = session.execute(
        select(Detection.id, Detection.onset_at, Detection.kind, Detection.function)
        .where(Detection.service == service, Detection.function != "")
        .order_by(Detection.onset_at.desc())
        .limit(limit)
    ).all()
    events = [
        {"kind": "deploy", "id": c.id, "at": c.at, "label": f"{c.kind} {c.version or c.id}"}
        for c in changes
    ] + [
        {"kind": d.kind, "id": d.id, "at": d.onset_at, "label": f"{d.kind} {d.function}"}
        for d in found
    ]
    return sorted(events, key=lambda e: e["at"], reverse=True)[:limit]


def hotspot_playbooks(session: Session, service: str) -> dict[str, list[str]]:
    """Frame -> matching playbook ids, for the service's stored hot spots that match any."""
    rows = session.execute(
        select(Hotspot.frame, Hotspot.playbooks, Hotspot.evidence).where(Hotspot.service == service)
    ).all()
    out: dict[str, list[str]] = {}
    for frame, playbooks, evidence in rows:
        if not playbooks:
            continue
        out[frame] = list(playbooks)
        hot = evidence.get("hot_function")
        if hot:
            out[frame_name(str(hot), str(evidence.get("hot_file", "")))] = list(playbooks)
    return out


def covered_seconds(session: Session, service: str, start: datetime, end: datetime) -> float:
    """Wall seconds the service's windows in the range cover (summed over windows)."""
    dialect = dialect_of(session)
    value = session.scalar(
        select(func.sum(seconds_between(ProfileWindow.start_at, ProfileWindow.end_at, dialect)))
        .where(ProfileWindow.service == service, ProfileWindow.start_at >= start,
               ProfileWindow.start_at < end)
    )  # fmt: skip
    return float(value or 0.0)
