"""Read side of profiles: windows, and the top frames of each service over a time range."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from hashlib import blake2b
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack, unpack_ids


def hotspot_id(service: str, function: str, file: str) -> str:
    """Stable short id of a (service, function) hot spot."""
    return blake2b(f"{service}\0{function}\0{file}".encode(), digest_size=6).hexdigest()


@dataclass
class FrameCost:
    """One function's cost in a service: frames of the same function and file are summed
    over all their lines."""

    id: str
    service: str
    frame: str
    function: str
    file: str
    runtime: str
    self_samples: int
    inclusive_samples: int
    share: float
    share_inclusive: float
    cost_cores: float | None
    cost_gpu_hours: float | None = None
    playbooks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ServiceProfile:
    service: str
    windows: int
    samples: int
    start: datetime
    end: datetime
    cores: float | None
    frames: list[FrameCost]


def _window_filter(service: str | None, start: datetime | None, end: datetime | None) -> list[Any]:
    cond: list[Any] = []
    if service:
        cond.append(ProfileWindow.service == service)
    if start:
        cond.append(ProfileWindow.end_at > start)
    if end:
        cond.append(ProfileWindow.start_at < end)
    return cond


def _service_cores(windows: list[Any]) -> float | None:
    """Average cores busy: CPU-seconds sampled (samples / rate) over the wall time covered.
    Unknown when any window lacks its sampling rate."""
    if any(w.rate_hz is None for w in windows):
        return None
    cpu_seconds = sum(w.total_samples / w.rate_hz for w in windows)
    wall = (max(w.end_at for w in windows) - min(w.start_at for w in windows)).total_seconds()
    return cpu_seconds / wall if wall > 0 else None


def top_frames(
    session: Session,
    service: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 10,
    order: str = "self",
) -> list[ServiceProfile]:
    """Per service, the ``limit`` functions with the largest self (or inclusive) share."""
    cond = _window_filter(service, start, end)
    windows = session.execute(
        select(
            ProfileWindow.id,
            ProfileWindow.service,
            ProfileWindow.rate_hz,
            ProfileWindow.total_samples,
            ProfileWindow.start_at,
            ProfileWindow.end_at,
        ).where(*cond)
    ).all()
    by_service: dict[str, list[Any]] = defaultdict(list)
    for w in windows:
        by_service[w.service].append(w)
    counts = session.execute(
        select(ProfileWindow.service, ProfileSample.stack_id, func.sum(ProfileSample.count))
        .join(ProfileWindow, ProfileWindow.id == ProfileSample.window_id)
        .where(*cond)
        .group_by(ProfileWindow.service, ProfileSample.stack_id)
    ).all()
    stack_ids = {c[1] for c in counts}
    stacks = _load_stacks(session, stack_ids)
    frames = _load_frames(session, {f for ids in stacks.values() for f in ids})
    out = []
    for svc in sorted(by_service):
        svc_counts = [(sid, n) for s, sid, n in counts if s == svc]
        out.append(_rank(svc, by_service[svc], svc_counts, stacks, frames, limit, order))
    return out


def _load_stacks(session: Session, ids: set[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, tuple[int, ...]] = {}
    id_list = list(ids)
    for i in range(0, len(id_list), 5000):
        chunk = id_list[i : i + 5000]
        for sid, blob in session.execute(
            select(Stack.id, Stack.frame_ids).where(Stack.id.in_(chunk))
        ):
            out[sid] = unpack_ids(blob)
    return out


def _load_frames(session: Session, ids: set[int]) -> dict[int, Frame]:
    out: dict[int, Frame] = {}
    id_list = list(ids)
    for i in range(0, len(id_list), 5000):
        for frame in session.scalars(select(Frame).where(Frame.id.in_(id_list[i : i + 5000]))):
            out[frame.id] = frame
    return out


def _rank(
    service: str,
    windows: list[Any],
    counts: list[tuple[int, int]],
    stacks: dict[int, tuple[int, ...]],
    frames: dict[int, Frame],
    limit: int,
    order: str,
) -> ServiceProfile:
    total = sum(n for _, n in counts)
    self_n: dict[tuple[str, str], int] = defaultdict(int)
    incl_n: dict[tuple[str, str], int] = defaultdict(int)
    runtime: dict[tuple[str, str], str] = {}
    for sid, n in counts:
        ids = stacks.get(sid, ())
        if not ids:
            continue
        keys = []
        for fid in ids:
            f = frames[fid]
            key = (f.function, f.file)
            runtime.setdefault(key, f.runtime)
            keys.append(key)
        self_n[keys[-1]] += n
        for key in set(keys):
            incl_n[key] += n
    cores = _service_cores(windows)
    table = self_n if order == "self" else incl_n
    ranked = sorted(table, key=lambda k: (-table[k], k))[:limit]
    rows = []
    for function, file in ranked:
        share = self_n.get((function, file), 0) / total if total else 0.0
        rows.append(
            FrameCost(
                id=hotspot_id(service, function, file),
                service=service,
                frame=frame_name(function, file),
                function=function,
                file=file,
                runtime=runtime[(function, file)],
                self_samples=self_n.get((function, file), 0),
                inclusive_samples=incl_n[(function, file)],
                share=share,
                share_inclusive=incl_n[(function, file)] / total if total else 0.0,
                cost_cores=share * cores if cores is not None else None,
            )
        )
    return ServiceProfile(
        service=service,
        windows=len(windows),
        samples=total,
        start=min(w.start_at for w in windows),
        end=max(w.end_at for w in windows),
        cores=cores,
        frames=rows,
    )


def window_count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(ProfileWindow)).scalar_one()


def frame_name(function: str, file: str) -> str:
    """How a function is named in hot spots and detections: ``function (file)``."""
    return f"{function} ({file})" if file else function


def samples_frame(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    service: str | None = None,
) -> tuple[pd.DataFrame, dict[int, tuple[str, ...]]]:
    """The samples of the windows that *start* in [start, end), one row per window and stack
    (the columns of ``efficiency.detect.derive.SAMPLE_COLUMNS``, plus ``process`` and
    ``end_at``, which tell how much of each process's time was profiled), and every stack
    they use as function names from root to leaf (lines folded: a function is
    ``function (file)``)."""
    cond: list[Any] = []
    if service:
        cond.append(ProfileWindow.service == service)
    if start:
        cond.append(ProfileWindow.start_at >= start)
    if end:
        cond.append(ProfileWindow.start_at < end)
    rows = session.execute(
        select(
            ProfileWindow.id,
            ProfileWindow.service,
            ProfileWindow.host,
            ProfileWindow.start_at,
            ProfileWindow.rate_hz,
            ProfileSample.stack_id,
            ProfileSample.count,
            ProfileWindow.process,
            ProfileWindow.end_at,
        )
        .join(ProfileSample, ProfileSample.window_id == ProfileWindow.id)
        .where(*cond)
    ).all()
    columns = ["window_id", "service", "host", "start_at", "rate_hz", "stack_id", "count"]
    frame = pd.DataFrame.from_records(rows, columns=[*columns, "process", "end_at"])
    frame["start_at"] = pd.to_datetime(frame["start_at"], utc=True)
    frame["end_at"] = pd.to_datetime(frame["end_at"], utc=True)
    frame["rate_hz"] = frame["rate_hz"].astype("float64")
    stacks = _load_stacks(session, set(frame["stack_id"].unique().tolist()))
    frames = _load_frames(session, {f for ids in stacks.values() for f in ids})
    names = {fid: frame_name(f.function, f.file) for fid, f in frames.items()}
    return frame, {sid: tuple(names[f] for f in ids) for sid, ids in stacks.items()}


def latest_window_end(session: Session) -> datetime | None:
    """The end of the newest profile window: how far profile data reaches in event time."""
    return session.execute(select(func.max(ProfileWindow.end_at))).scalar_one()
