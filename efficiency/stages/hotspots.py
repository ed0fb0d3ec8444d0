"""The hot-spot stage: read a service's CPU profiles and GPU traces for a period from the
store, rank frames, kernels and GPU idle causes by cost and match them against the playbooks
(the pure code of :mod:`efficiency.remediate.hotspots`), and upsert ``Hotspot`` rows.

A period holds the profile windows and traces that *start* in ``[start, end)``; without
bounds it covers all of a service's data. A hot spot's trend compares its share with the
previous period of equal length. A hot spot keeps its id (service + runtime + frame) from one
refresh to the next, so proposals made for it stay attached; a refresh rewrites its period,
costs, evidence and matches, and leaves hot spots it did not see again untouched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from efficiency.remediate.hotspots import (
    ApiRow,
    FrameRef,
    HotspotRecord,
    KernelRow,
    ProfileSet,
    TraceData,
    busy_cores,
    frame_hotspots,
    frame_shares,
    gpu_hotspots,
    gpu_shares,
    with_trends,
)
from efficiency.remediate.playbooks import Playbook, load_playbooks
from efficiency.remediate.source import SourceLookup
from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack, unpack_ids
from efficiency.store.remediation import Hotspot
from efficiency.store.traces import GpuApiCall, GpuKernel, GpuTrace

_CHUNK = 5000


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def hotspot_dict(h: Hotspot) -> dict[str, Any]:
    """A hot spot in the JSON shape of DESIGN.md (``share`` is the self share).

    ``evidence`` holds ``function``/``file``/``line`` (where a code fix goes: the hot frame
    itself when it is the service's code, else its heaviest caller in the service's code),
    ``hot_function``/``hot_file``/``hot_line`` (the frame), ``stacks`` (the five heaviest
    stacks through it), ``caller``, ``parent``, ``matches`` (per playbook, what held) and,
    for GPU hot spots, ``trace`` (the trace statistics the rules compare).
    """
    return {
        "id": h.id,
        "service": h.service,
        "frame": h.frame,
        "runtime": h.runtime,
        "share": h.share_self,
        "share_inclusive": h.share_inclusive,
        "cost_cores": h.cost_cores,
        "cost_gpu_hours": h.cost_gpu_hours,
        "trend": h.trend,
        "playbooks": list(h.playbooks),
        "period_start": _iso(h.period_start),
        "period_end": _iso(h.period_end),
        "updated_at": _iso(h.updated_at),
        "evidence": dict(h.evidence),
    }


# ------------------------------------------------------------------------------ reading


def _services(session: Session, start: datetime | None, end: datetime | None) -> list[str]:
    """Services with a profile window or a trace starting in the period."""
    queries = []
    for model in (ProfileWindow, GpuTrace):
        q = select(model.service)
        if start is not None:
            q = q.where(model.start_at >= start)
        if end is not None:
            q = q.where(model.start_at < end)
        queries.append(q)
    return sorted(session.scalars(union(*queries)).all())


def _period(
    session: Session, service: str, start: datetime | None, end: datetime | None
) -> tuple[datetime, datetime] | None:
    """The period to rank over: the bounds given, the missing ones from the service's data
    (its first start, its last end); None when it has no data there."""
    if start is not None and end is not None:
        return (start, end) if start < end else None
    lows, highs = [], []
    for model in (ProfileWindow, GpuTrace):
        q = select(func.min(model.start_at), func.max(model.end_at)).where(model.service == service)
        if start is not None:
            q = q.where(model.start_at >= start)
        if end is not None:
            q = q.where(model.start_at < end)
        low, high = session.execute(q).one()
        if low is not None:
            lows.append(low)
            highs.append(high)
    if not lows:
        return None
    t0 = start if start is not None else min(lows)
    t1 = end if end is not None else max(highs)
    return (t0, t1) if t0 < t1 else None


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    items = list(ids)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _profile(session: Session, service: str, t0: datetime, t1: datetime) -> ProfileSet:
    """The service's stacks with sample counts over the windows starting in [t0, t1)."""
    cond = (ProfileWindow.service == service, ProfileWindow.start_at >= t0,
            ProfileWindow.start_at < t1)  # fmt: skip
    windows = session.execute(
        select(
            ProfileWindow.start_at,
            ProfileWindow.end_at,
            ProfileWindow.total_samples,
            ProfileWindow.rate_hz,
        ).where(*cond)
    ).all()
    if not windows:
        return ProfileSet([], None, 0)
    counts = session.execute(
        select(ProfileSample.stack_id, func.sum(ProfileSample.count))
        .join(ProfileWindow, ProfileWindow.id == ProfileSample.window_id)
        .where(*cond)
        .group_by(ProfileSample.stack_id)
    ).all()
    stacks: dict[int, tuple[int, ...]] = {}
    for chunk in _chunks(sid for sid, _ in counts):
        for sid, blob in session.execute(
            select(Stack.id, Stack.frame_ids).where(Stack.id.in_(chunk))
        ):
            stacks[sid] = unpack_ids(blob)
    frames: dict[int, FrameRef] = {}
    for chunk in _chunks({f for ids in stacks.values() for f in ids}):
        for f in session.scalars(select(Frame).where(Frame.id.in_(chunk))):
            frames[f.id] = FrameRef(f.function, f.file, f.line, f.runtime, f.id)
    rows = [
        (tuple(frames[f] for f in stacks[sid]), int(n))
        for sid, n in counts
        if sid in stacks and all(f in frames for f in stacks[sid])
    ]
    cores = busy_cores((w.start_at, w.end_at, w.total_samples, w.rate_hz) for w in windows)
    return ProfileSet(rows, cores, len(windows))


def _traces(session: Session, service: str, t0: datetime, t1: datetime) -> list[TraceData]:
    """The service's GPU traces starting in [t0, t1), with their kernels and API calls."""
    rows = session.scalars(
        select(GpuTrace)
        .where(GpuTrace.service == service, GpuTrace.start_at >= t0, GpuTrace.start_at < t1)
        .order_by(GpuTrace.start_at, GpuTrace.id)
    ).all()
    kernels: dict[int, list[KernelRow]] = defaultdict(list)
    calls: dict[int, list[ApiRow]] = defaultdict(list)
    for chunk in _chunks(r.id for r in rows):
        for k in session.execute(
            select(GpuKernel.trace_id, GpuKernel.name, GpuKernel.kind, GpuKernel.count,
                   GpuKernel.total_us, GpuKernel.copy_kind, GpuKernel.memory, GpuKernel.bytes)
            .where(GpuKernel.trace_id.in_(chunk))
            .order_by(GpuKernel.id)
        ):  # fmt: skip
            kernels[k.trace_id].append(KernelRow(k.name, k.kind, k.count, k.total_us,
                                                 k.copy_kind, k.memory, k.bytes))  # fmt: skip
        for a in session.execute(
            select(GpuApiCall.trace_id, GpuApiCall.source, GpuApiCall.name, GpuApiCall.kind,
                   GpuApiCall.count, GpuApiCall.total_us, GpuApiCall.ops)
            .where(GpuApiCall.trace_id.in_(chunk))
            .order_by(GpuApiCall.id)
        ):  # fmt: skip
            calls[a.trace_id].append(ApiRow(a.source, a.name, a.kind, a.count, a.total_us,
                                            dict(a.ops or {})))  # fmt: skip
    return [
        TraceData(
            duration_us=r.duration_us,
            gpu_time_us=r.gpu_time_us,
            span_us=r.span_us,
            idle_us=r.idle_us,
            compute_us=r.compute_us,
            non_compute_us=r.non_compute_us,
            device_name=r.device_name,
            summary=dict(r.summary or {}),
            kernels=kernels[r.id],
            api=calls[r.id],
        )
        for r in rows
    ]


# ------------------------------------------------------------------------------ the stage


def service_hotspots(
    session: Session, service: str, t0: datetime, t1: datetime, playbooks: Sequence[Playbook],
    limit: int = 20, source: SourceLookup | None = None,
) -> list[HotspotRecord]:  # fmt: skip
    """The hot spots of one service over [t0, t1), with trends against the period before;
    ``source`` reads the service's code for rules that match on it."""
    before = t0 - (t1 - t0)
    profile = _profile(session, service, t0, t1)
    cpu = frame_hotspots(service, profile, playbooks, limit, source)
    with_trends(cpu, frame_shares(service, _profile(session, service, before, t0)))
    gpu = gpu_hotspots(service, _traces(session, service, t0, t1), playbooks, limit)
    with_trends(gpu, gpu_shares(service, _traces(session, service, before, t0)))
    return cpu + gpu


def _upsert(
    session: Session, r: HotspotRecord, t0: datetime, t1: datetime, now: datetime
) -> Hotspot:
    row = session.get(Hotspot, r.id)
    if row is None:
        row = Hotspot(id=r.id)
        session.add(row)
    row.service, row.runtime, row.frame, row.frame_id = r.service, r.runtime, r.frame, r.frame_id
    row.period_start, row.period_end = t0, t1
    row.share_self, row.share_inclusive = r.share_self, r.share_inclusive
    row.cost_cores, row.cost_gpu_hours, row.trend = r.cost_cores, r.cost_gpu_hours, r.trend
    row.playbooks, row.evidence, row.updated_at = list(r.playbooks), dict(r.evidence), now
    return row


def refresh_hotspots(
    session: Session,
    service: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    playbooks: Sequence[Playbook] | None = None,
    *,
    limit: int = 20,
    now: datetime | None = None,
    sources: Mapping[str, SourceLookup] | None = None,
) -> list[Hotspot]:
    """Compute and store the hot spots of ``service`` (default: every service with data in
    the period) over ``[start, end)`` (default: all of each service's data); the stored rows,
    per service its CPU frames heaviest first, then its GPU hot spots by GPU-hours.

    ``playbooks`` defaults to :func:`load_playbooks` (the repository's ``playbooks/``);
    ``limit`` is the number of frames and of GPU operations kept per service besides those a
    playbook matches. ``sources`` holds, per service, its code (a repository): rules that
    match on the source at sampled lines hold only for services listed there.
    """
    books = load_playbooks() if playbooks is None else list(playbooks)
    now = now or datetime.now(UTC)
    services = [service] if service else _services(session, start, end)
    out: list[Hotspot] = []
    for svc in services:
        period = _period(session, svc, start, end)
        if period is None:
            continue
        t0, t1 = period
        source = sources.get(svc) if sources else None
        records = service_hotspots(session, svc, t0, t1, books, limit, source)
        out += [_upsert(session, r, t0, t1, now) for r in records]
    session.flush()
    return out
