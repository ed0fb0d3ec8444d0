"""GPU traces (PyTorch profiler / Kineto): one row per trace file, its kernels and API calls.

A trace is stored once per service: ``content_sha256`` is the hash of its decompressed JSON,
so importing the same file again, gzip-compressed or not, writes nothing. The numbers later
rules query (GPU busy/idle shares, kernel cost) are columns; the rest of the breakdown (idle
time per stream, launch delays, copies and syncs by kind, profiler steps) is ``summary``, in
the form :meth:`collectors.kineto.KinetoTrace.summary` gives it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from efficiency.store.base import Base
from efficiency.store.types import BigId, JSONDoc, UTCDateTime


class GpuTrace(Base):
    __tablename__ = "gpu_traces"
    __table_args__ = (
        UniqueConstraint("service", "content_sha256"),
        Index("ix_gpu_traces_service_start", "service", "start_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    service: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    rank: Mapped[int] = mapped_column(Integer, default=0)
    #: the file's base name, for people; identity is the content hash
    file_name: Mapped[str] = mapped_column(Text, default="")
    content_sha256: Mapped[str] = mapped_column(String(64))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: trace | file: whether the times come from the trace or from the file (mtime)
    time_source: Mapped[str] = mapped_column(String(16), default="trace")
    duration_us: Mapped[float] = mapped_column(Float)
    #: GPU model(s), from the trace's ``deviceProperties``
    device_name: Mapped[str] = mapped_column(String(200), default="")
    #: kernel launches (copies and fills not counted)
    kernel_count: Mapped[int] = mapped_column(Integer, default=0)
    #: summed duration of every GPU operation (kernels, copies, fills), µs
    gpu_time_us: Mapped[float] = mapped_column(Float, default=0.0)
    #: HTA's temporal breakdown, µs; null for a trace without GPU activity
    span_us: Mapped[float | None] = mapped_column(Float, default=None)
    idle_us: Mapped[float | None] = mapped_column(Float, default=None)
    compute_us: Mapped[float | None] = mapped_column(Float, default=None)
    non_compute_us: Mapped[float | None] = mapped_column(Float, default=None)
    summary: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class GpuKernel(Base):
    """One kind of GPU operation on one stream of a trace: a kernel with one launch shape
    (grid and block, as ``"128x4x1"``), or copies or fills of one direction and memory."""

    __tablename__ = "gpu_kernels"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    trace_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("gpu_traces.id", ondelete="CASCADE"), index=True
    )
    device: Mapped[int] = mapped_column(Integer, default=0)
    stream: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(Text)
    #: compute | communication | memcpy | memset
    kind: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    total_us: Mapped[float] = mapped_column(Float)
    mean_us: Mapped[float] = mapped_column(Float)
    min_us: Mapped[float] = mapped_column(Float)
    max_us: Mapped[float] = mapped_column(Float)
    grid: Mapped[str] = mapped_column(String(64), default="")
    block: Mapped[str] = mapped_column(String(64), default="")
    #: mean estimated achieved occupancy, percent (CUPTI), when the trace has it
    occupancy_pct: Mapped[float | None] = mapped_column(Float, default=None)
    registers_per_thread: Mapped[int | None] = mapped_column(Integer, default=None)
    shared_memory: Mapped[int | None] = mapped_column(Integer, default=None)
    #: bytes copied or set, summed (copies and fills)
    bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    #: HtoD | DtoH | DtoD | ... for copies
    copy_kind: Mapped[str] = mapped_column(String(16), default="")
    #: "Pageable -> Device", "Pinned -> Device", "Device" ... as the trace names the memory
    memory: Mapped[str] = mapped_column(String(64), default="")


class GpuApiCall(Base):
    """CUDA/HIP calls the host made (``source`` runtime: cudaStreamSynchronize, cudaMalloc,
    cudaLaunchKernel ...) and synchronizations the GPU recorded (``source`` device: Stream
    Sync, Context Sync ...), totalled per name over one trace."""

    __tablename__ = "gpu_api_calls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    trace_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("gpu_traces.id", ondelete="CASCADE"), index=True
    )
    #: runtime | device
    source: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    #: sync | launch | memcpy | memset | alloc | free | other
    kind: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)
    total_us: Mapped[float] = mapped_column(Float)
    max_us: Mapped[float] = mapped_column(Float)
    #: the CPU operators that made the call → how often (the five most frequent)
    ops: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
