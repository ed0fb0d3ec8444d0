"""Profile windows with interned stacks and frames.

A frame is ``function (file:line)`` plus its runtime; a stack is the root-to-leaf tuple of
frame ids. Both ids are 64-bit content hashes, so any writer can compute them without a
round trip and the same frame or stack is stored once however many windows contain it.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class Frame(Base):
    __tablename__ = "frames"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    function: Mapped[str] = mapped_column(Text)
    file: Mapped[str] = mapped_column(Text, default="")
    line: Mapped[int] = mapped_column(Integer, default=0)
    #: python | native | kernel | gpu-kernel
    runtime: Mapped[str] = mapped_column(String(16))


def pack_ids(ids: Iterable[int]) -> bytes:
    """Frame ids as stored in ``stacks.frame_ids``: little-endian int64s, root first."""
    out = array("q", ids)
    if sys.byteorder != "little":  # pragma: no cover - every supported platform is little
        out.byteswap()
    return out.tobytes()


def unpack_ids(blob: bytes) -> tuple[int, ...]:
    out = array("q")
    out.frombytes(blob)
    if sys.byteorder != "little":  # pragma: no cover
        out.byteswap()
    return tuple(out)


class Stack(Base):
    __tablename__ = "stacks"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    leaf_frame_id: Mapped[int] = mapped_column(BigId, index=True)
    depth: Mapped[int] = mapped_column(Integer)
    #: frame ids from root to leaf, packed as little-endian int64s (see ``pack_ids``)
    frame_ids: Mapped[bytes] = mapped_column(LargeBinary)


class IngestBatch(Base):
    """A client-supplied batch id seen before: re-sending the batch is a no-op."""

    __tablename__ = "ingest_batches"

    batch_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    records: Mapped[int] = mapped_column(Integer, default=0)


class ProfileWindow(Base):
    __tablename__ = "profile_windows"
    __table_args__ = (
        UniqueConstraint("service", "host", "process", "collector", "start_at", "end_at"),
        Index("ix_profile_windows_service_start", "service", "start_at"),
        # the fleet view: each host's newest window without reading them all
        Index("ix_profile_windows_host_end", "host", "service", "end_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    process: Mapped[str] = mapped_column(String(200), default="")
    #: py-spy | perf | pprof | speedscope | folded | kineto ...
    collector: Mapped[str] = mapped_column(String(32))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: sampling rate when known; turns sample counts into CPU seconds
    rate_hz: Mapped[float | None] = mapped_column(default=None)
    total_samples: Mapped[int] = mapped_column(Integer, default=0)
    labels: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    batch_id: Mapped[str | None] = mapped_column(String(128), default=None)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProfileSample(Base):
    __tablename__ = "profile_samples"
    # One B-tree keyed by (window, stack) instead of a rowid table plus a unique index:
    # the bulk of every profile ingest is rows of this table.
    __table_args__ = {"sqlite_with_rowid": False}

    window_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("profile_windows.id", ondelete="CASCADE"), primary_key=True
    )
    stack_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
