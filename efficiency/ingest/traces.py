"""GPU traces: parse a Kineto trace file, then write its summary, kernels and API calls.

One call is one transaction. A trace already stored for the service (same decompressed
content, see ``efficiency.store.traces``) is left alone, so importing a file twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from collectors.kineto import KernelStat, KinetoTrace, parse_kineto
from efficiency.ingest.errors import InputError
from efficiency.ingest.validation import IngestModel
from efficiency.store.bulk import insert_rows
from efficiency.store.traces import GpuApiCall, GpuKernel, GpuTrace


class TraceMeta(IngestModel):
    """What the caller says about a trace; the trace says the rest."""

    service: str = Field(min_length=1, max_length=200)
    host: str = Field(min_length=1, max_length=200)
    file_name: str = Field("", max_length=1000)


@dataclass
class TraceIngestResult:
    trace_id: int
    stored: bool
    kernel_rows: int = 0
    api_rows: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "trace_id": self.trace_id,
            "stored": self.stored,
            "kernel_rows": self.kernel_rows,
            "api_rows": self.api_rows,
        }


def parse_trace(data: bytes) -> KinetoTrace:
    """Parse a trace file's bytes (JSON or gzip); bad input raises ``InputError``."""
    return parse_kineto(data)


def store_trace(
    session: Session,
    service: str,
    host: str,
    parsed: KinetoTrace,
    file_name: str = "",
    fallback_end: datetime | None = None,
    now: datetime | None = None,
) -> TraceIngestResult:
    """Write one parsed trace in the caller's transaction; see the module docstring.

    A trace that does not say when it was taken (no ``baseTimeNanoseconds``, no Unix-time
    timestamps) is placed to end at ``fallback_end`` (the file's modification time), else now.
    """
    meta = TraceMeta(service=service, host=host, file_name=file_name)
    now = now or datetime.now(UTC)
    _check_storable(parsed)
    if parsed.start is not None:
        start, source = parsed.start, "trace"
    else:
        start, source = (fallback_end or now) - timedelta(microseconds=parsed.duration_us), "file"
    t = parsed.temporal
    row = {
        "service": meta.service,
        "host": meta.host,
        "rank": parsed.rank,
        "file_name": meta.file_name,
        "content_sha256": parsed.sha256,
        "start_at": start,
        "end_at": start + timedelta(microseconds=parsed.duration_us),
        "time_source": source,
        "duration_us": parsed.duration_us,
        "device_name": parsed.device_name[:200],
        "kernel_count": parsed.kernel_launches,
        "gpu_time_us": parsed.gpu_time_us,
        "span_us": t.span_us if t else None,
        "idle_us": t.idle_us if t else None,
        "compute_us": t.compute_us if t else None,
        "non_compute_us": t.non_compute_us if t else None,
        "summary": parsed.summary(),
        "received_at": now,
    }
    trace_id = _insert_trace(session, row)
    if trace_id is None:
        existing = session.execute(
            select(GpuTrace.id).where(
                GpuTrace.service == meta.service, GpuTrace.content_sha256 == parsed.sha256
            )
        ).scalar_one()
        return TraceIngestResult(trace_id=existing, stored=False)
    kernels = [_kernel_row(trace_id, k) for k in parsed.kernels]
    calls = [
        {"trace_id": trace_id, "source": a.source, "name": a.name[:200], "kind": a.kind,
         "count": a.count, "total_us": a.total_us, "max_us": a.max_us, "ops": a.ops}
        for a in parsed.api
    ]  # fmt: skip
    insert_rows(session, GpuKernel.__table__, kernels)
    insert_rows(session, GpuApiCall.__table__, calls)
    return TraceIngestResult(trace_id, True, kernel_rows=len(kernels), api_rows=len(calls))


def _insert_trace(session: Session, row: dict[str, Any]) -> int | None:
    """Insert the trace row and return its id, or None when the service already has it
    (``ON CONFLICT DO NOTHING``, so two importers racing on one file store it once)."""
    table = GpuTrace.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(table)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["service", "content_sha256"])
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def _shape(dims: tuple[int, ...] | None) -> str:
    return "x".join(map(str, dims)) if dims else ""


def _kernel_row(trace_id: int, k: KernelStat) -> dict[str, Any]:
    return {
        "trace_id": trace_id,
        "device": k.device,
        "stream": k.stream,
        "name": k.name,
        "kind": k.kind,
        "count": k.count,
        "total_us": k.total_us,
        "mean_us": k.mean_us,
        "min_us": k.min_us,
        "max_us": k.max_us,
        "grid": _shape(k.grid)[:64],
        "block": _shape(k.block)[:64],
        "occupancy_pct": k.occupancy_pct,
        "registers_per_thread": k.registers_per_thread,
        "shared_memory": k.shared_memory,
        "bytes": k.bytes,
        "copy_kind": k.copy_kind[:16],
        "memory": k.memory[:64],
    }


def _check_storable(parsed: KinetoTrace) -> None:
    """Names from the file go into text columns: refuse what PostgreSQL cannot store (NUL)
    or no driver can encode (unpaired surrogates), naming the event."""
    texts = [("kernel name", k.name) for k in parsed.kernels]
    texts += [("API call name", a.name) for a in parsed.api]
    texts += [("operator name", op) for a in parsed.api for op in a.ops]
    texts += [("device name", d) for d in parsed.devices.values()]
    for what, text in texts:
        problem = "contains a NUL character" if "\x00" in text else None
        if problem is None:
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                problem = "contains an unpaired surrogate"
        if problem:
            raise InputError(f"{what} {text[:60]!r}", problem)
