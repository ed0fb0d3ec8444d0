"""Profile windows: decode any supported format, then write frames, stacks and samples.

One call is one transaction. A window already stored (same service, host, process, collector,
start and end) is skipped, and so is a whole batch whose ``batch_id`` was seen before, so
re-sending anything is harmless.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from weakref import WeakKeyDictionary

from pydantic import Field, model_validator
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import ParsedProfile
from efficiency.ingest.parsers.pprof import parse_pprof
from efficiency.ingest.parsers.speedscope import parse_speedscope
from efficiency.ingest.timeparse import EventTime
from efficiency.ingest.validation import IngestModel, parse_jsonl
from efficiency.store.bulk import insert_tuples
from efficiency.store.profiles import (
    Frame,
    IngestBatch,
    ProfileSample,
    ProfileWindow,
    Stack,
    pack_ids,
)

ProfileFormat = Literal["folded", "speedscope", "pprof"]

_log = logging.getLogger(__name__)


class WindowIn(IngestModel):
    """One profile window as sent over the API or in a ``jsonl`` batch line."""

    service: str = Field(min_length=1, max_length=200)
    host: str = Field(default_factory=socket.gethostname, min_length=1, max_length=200)
    process: str = Field("", max_length=200)
    collector: str = Field("", max_length=32)
    start: EventTime
    end: EventTime
    format: ProfileFormat = "folded"
    #: folded text, speedscope JSON text, or base64 pprof bytes
    data: str
    rate_hz: float | None = Field(None, gt=0)
    labels: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self) -> WindowIn:
        if self.end < self.start:
            raise ValueError("end is before start")
        return self


class ProfileBatchIn(IngestModel):
    batch_id: str | None = Field(None, min_length=1, max_length=128)
    windows: list[WindowIn] = Field(min_length=1)


@dataclass
class WindowMeta:
    service: str
    host: str
    start: datetime
    end: datetime
    process: str = ""
    collector: str = "folded"
    rate_hz: float | None = None
    labels: dict[str, Any] = field(default_factory=dict)


@dataclass
class ProfileIngestResult:
    windows_stored: int = 0
    windows_skipped: int = 0
    samples: int = 0
    stacks: int = 0
    window_ids: list[int] = field(default_factory=list)
    #: malformed lines a collector's own window held, left out (see store_collected_window)
    lines_skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "windows_stored": self.windows_stored,
            "windows_skipped": self.windows_skipped,
            "samples": self.samples,
            "stacks": self.stacks,
            "window_ids": self.window_ids,
        }


def parse_profile_bytes(data: bytes, fmt: str) -> ParsedProfile:
    """Parse a whole profile file of a known format."""
    if fmt == "pprof":
        return parse_pprof(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("data", f"{fmt} profile is not UTF-8 text") from None
    if fmt == "folded":
        return parse_folded(text)
    if fmt == "speedscope":
        return parse_speedscope(text)
    raise InputError("format", f"unknown profile format {fmt!r}")


def check_samples(parsed: ParsedProfile, rate_hz: float | None) -> ParsedProfile:
    """A window without a single sample is data only when its sampling rate is known: then it
    says the process was sampled and idle (the perf collector sends such windows). Without a
    rate it says nothing (empty ``data``, only zero counts) and is refused."""
    if not parsed.samples and not (rate_hz or parsed.rate_hz):
        raise InputError("data", "holds no samples (a window of an idle process gives rate_hz)")
    return parsed


def sniff_format(data: bytes) -> str:
    """Guess a profile file's format: gzip is pprof, a JSON document is speedscope, JSON
    objects one a line are a ``jsonl`` batch, anything else is folded text. (Uncompressed
    pprof must be named with ``--format pprof``.)"""
    if data[:2] == b"\x1f\x8b":
        return "pprof"
    body = data.lstrip()
    if body[:1] != b"{":
        return "folded"
    try:
        first = json.loads(body.split(b"\n", 1)[0])
    except (ValueError, RecursionError):
        return "speedscope"
    return "jsonl" if isinstance(first, dict) and "data" in first else "speedscope"


def window_from_payload(
    win: WindowIn, default_collector: str = ""
) -> tuple[WindowMeta, ParsedProfile]:
    if win.format == "pprof":
        try:
            raw = base64.b64decode(win.data, validate=True)
        except (binascii.Error, ValueError):
            raise InputError("data", "pprof data must be base64") from None
    else:
        raw = win.data.encode("utf-8")
    parsed = check_samples(parse_profile_bytes(raw, win.format), win.rate_hz)
    meta = WindowMeta(
        service=win.service,
        host=win.host,
        start=win.start,
        end=win.end,
        process=win.process or parsed.process,
        collector=win.collector or default_collector or win.format,
        rate_hz=win.rate_hz or parsed.rate_hz,
        labels={**parsed.labels, **win.labels},
    )
    return meta, parsed


def parse_jsonl_windows(lines: Iterable[str]) -> list[tuple[WindowMeta, ParsedProfile]]:
    """The ``jsonl`` batch format: one :class:`WindowIn` object a line."""
    out = []
    for number, win in enumerate(parse_jsonl(lines, WindowIn), 1):
        try:
            out.append(window_from_payload(win))
        except InputError as exc:
            raise InputError(f"window {number}: {exc.field}", exc.message) from None
    return out


def _window_exists(session: Session, meta: WindowMeta) -> bool:
    t = ProfileWindow
    found = session.execute(
        select(t.id).where(
            t.service == meta.service,
            t.host == meta.host,
            t.process == meta.process,
            t.collector == meta.collector,
            t.start_at == meta.start,
            t.end_at == meta.end,
        )
    ).first()
    return found is not None


class _KnownIds:
    """Frame and stack ids already committed to one database.

    Stacks repeat window after window; remembering which are stored lets a window send only
    its new ones. Ids join the set only after their transaction commits (see
    ``_promote_known_ids``), so a rolled-back write is never remembered. Nothing deletes frames
    or stacks; anything that ever does must call :func:`forget_known_ids`.
    """

    MAX = 2_000_000

    def __init__(self) -> None:
        self.frames: set[int] = set()
        self.stacks: set[int] = set()

    def add(self, frames: Iterable[int], stacks: Iterable[int]) -> None:
        if len(self.stacks) + len(self.frames) > self.MAX:
            self.frames.clear()
            self.stacks.clear()
        self.frames.update(frames)
        self.stacks.update(stacks)


FRAME_COLUMNS = ("id", "function", "file", "line", "runtime")
STACK_COLUMNS = ("id", "leaf_frame_id", "depth", "frame_ids")
SAMPLE_COLUMNS = ("window_id", "stack_id", "count")
_KNOWN: WeakKeyDictionary[Engine, _KnownIds] = WeakKeyDictionary()
_PENDING = "efficiency.pending_known_ids"


def _known_ids(session: Session) -> _KnownIds:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    known = _KNOWN.get(engine)
    if known is None:
        known = _KNOWN[engine] = _KnownIds()
    return known


def forget_known_ids() -> None:
    """Drop every remembered id (after frames or stacks were deleted, or in tests)."""
    _KNOWN.clear()


@event.listens_for(Session, "after_commit")
def _promote_known_ids(session: Session) -> None:
    for known, frames, stacks in session.info.pop(_PENDING, ()):
        known.add(frames, stacks)


@event.listens_for(Session, "after_rollback")
def _drop_pending_ids(session: Session) -> None:
    session.info.pop(_PENDING, None)


def store_profiles(
    session: Session,
    windows: list[tuple[WindowMeta, ParsedProfile]],
    batch_id: str | None = None,
    now: datetime | None = None,
) -> ProfileIngestResult:
    """Write profile windows in the caller's transaction; see the module docstring."""
    now = now or datetime.now(UTC)
    result = ProfileIngestResult()
    if batch_id is not None:
        if session.get(IngestBatch, batch_id) is not None:
            result.windows_skipped = len(windows)
            return result
        session.add(
            IngestBatch(batch_id=batch_id, kind="profiles", received_at=now, records=len(windows))
        )
        session.flush()
    known = _known_ids(session)
    frames: dict[int, tuple[Any, ...]] = {}
    stacks: dict[int, tuple[Any, ...]] = {}
    samples: list[tuple[int, int, int]] = []
    wt = ProfileWindow.__table__
    for meta, parsed in windows:
        if _window_exists(session, meta):
            result.windows_skipped += 1
            continue
        window_id = session.execute(
            wt.insert()
            .values(
                service=meta.service,
                host=meta.host,
                process=meta.process,
                collector=meta.collector,
                start_at=meta.start,
                end_at=meta.end,
                rate_hz=meta.rate_hz,
                total_samples=parsed.total_samples,
                labels=meta.labels,
                batch_id=batch_id,
                received_at=now,
            )
            .returning(wt.c.id)
        ).scalar_one()
        result.windows_stored += 1
        result.window_ids.append(window_id)
        new_stacks = parsed.stacks.keys() - known.stacks - stacks.keys()
        for sid in new_stacks:
            ids = parsed.stacks[sid]
            stacks[sid] = (sid, ids[-1], len(ids), pack_ids(ids))
        for fid, key in parsed.frames_of(new_stacks).items():
            if fid not in known.frames and fid not in frames:
                frames[fid] = (fid, key.function, key.file, key.line, key.runtime)
        samples.extend([(window_id, sid, n) for sid, n in parsed.samples.items()])
        result.samples += parsed.total_samples
    insert_tuples(session, Frame.__table__, FRAME_COLUMNS, list(frames.values()), True)
    insert_tuples(session, Stack.__table__, STACK_COLUMNS, list(stacks.values()), True)
    insert_tuples(session, ProfileSample.__table__, SAMPLE_COLUMNS, samples, False)
    session.info.setdefault(_PENDING, []).append((known, list(frames), list(stacks)))
    result.stacks = len(stacks)
    return result


class CollectedWindow(Protocol):
    """What a profiling collector hands over (see ``collectors.pyspy.ProfileWindowRecord``)."""

    pid: int
    start: datetime
    end: datetime
    rate_hz: float
    folded: str
    collector: str
    labels: dict[str, str]


def store_collected_window(
    session: Session, service: str, host: str, record: CollectedWindow
) -> ProfileIngestResult:
    """Store one window of folded stacks as a collector produced it.

    The text comes from a profiler we ran, not from a user, so a malformed line (a stack with an
    empty frame, say) is left out and logged with the window's good lines kept, rather than
    refusing the whole window."""
    meta = WindowMeta(
        service=service,
        host=host,
        process=str(record.pid),
        collector=record.collector,
        start=record.start,
        end=record.end,
        rate_hz=record.rate_hz,
        labels=dict(record.labels),
    )
    skipped: list[tuple[int, str, str]] = []
    parsed = parse_folded(record.folded, skipped=skipped)
    result = store_profiles(session, [(meta, parsed)])
    if skipped:
        number, reason, line = skipped[0]
        _log.warning(
            "%s on %s, pid %s: left out %d malformed line(s) of a %s window; the first, line "
            "%d (%s): %r", service, host, record.pid, len(skipped), record.collector, number,
            reason, line[:300],
        )  # fmt: skip
        result.lines_skipped = len(skipped)
    return result
