"""The backends and the three timed ways :mod:`benchmarks.ingest` writes its workload: our
ingest (``parse_folded`` + ``store_profiles``), a plain SQLAlchemy ``executemany`` of the same
rows, and a naive dump of the folded text."""

from __future__ import annotations

import cProfile
import gc
import pstats
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, text

from benchmarks.ingest_workload import Workload
from efficiency.ingest.parsers import model as parser_model
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import ParsedProfile
from efficiency.ingest.profiles import store_profiles
from efficiency.store.db import Database
from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack, pack_ids

#: one fixed "received at" so every path writes byte-identical window rows
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

# --------------------------------------------------------------------------------------
# Backends: a fresh database per measurement
# --------------------------------------------------------------------------------------


class Backend:
    """Hands out fresh, empty databases so no measurement sees another one's rows."""

    name = ""

    @contextmanager
    def fresh(self) -> Iterator[Database]:  # pragma: no cover - overridden
        raise NotImplementedError
        yield

    def version(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


class SqliteBackend(Backend):
    """A new SQLite file (WAL, as the store configures it) in a temporary folder each time."""

    name = "SQLite"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        path = self.folder / f"bench-{uuid.uuid4().hex[:8]}.db"
        db = Database(f"sqlite:///{path}")
        try:
            yield db
        finally:
            db.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def version(self) -> str:
        return sqlite3.sqlite_version


class PostgresBackend(Backend):
    """A new schema on the server each time (as tests/conftest.py does), dropped afterwards."""

    name = "PostgreSQL"

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin = Database(url)

    @contextmanager
    def fresh(self) -> Iterator[Database]:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with self.admin.engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in self.url else "?"
        db = Database(f"{self.url}{sep}options=-csearch_path%3D{schema}")
        try:
            yield db
        finally:
            db.dispose()
            with self.admin.engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

    def version(self) -> str:
        with self.admin.engine.connect() as conn:
            return str(conn.execute(text("SHOW server_version")).scalar_one()).split()[0]

    def close(self) -> None:
        self.admin.dispose()


def postgres_problem(url: str) -> str | None:
    """Why PostgreSQL cannot be used (one line), or ``None`` when it answers."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        lines = str(exc).strip().splitlines()
        return lines[0] if lines else type(exc).__name__


# --------------------------------------------------------------------------------------
# The three ways of writing the workload
# --------------------------------------------------------------------------------------


@dataclass
class Run:
    """One timed pass over every window; seconds are wall-clock on this process."""

    total_s: float
    parse_s: float = 0.0
    store_s: float = 0.0
    row_counts: dict[str, int] = field(default_factory=dict)


def _clear_parse_caches() -> None:
    """The parser memoizes frame and stack text process-wide; start every repetition cold so
    the repetitions measure the same work (a long-running server would be warmer, i.e.
    faster)."""
    parser_model.clear_caches()


def _row_counts(db: Database) -> dict[str, int]:
    counts = {}
    with db.engine.connect() as conn:
        for table in (ProfileWindow, Frame, Stack, ProfileSample):
            t = table.__table__
            counts[t.name] = conn.execute(select(func.count()).select_from(t)).scalar_one()
    return counts


def _warm(db: Database) -> None:
    """Open the pooled connection (and run the pragmas) outside the timer."""
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def run_efficiency(backend: Backend, work: Workload) -> Run:
    """Our ingest path: ``parse_folded`` then ``store_profiles``, one transaction per window,
    as the API and ``efficiency ingest`` do it."""
    _clear_parse_caches()
    with backend.fresh() as db:
        db.upgrade()
        _warm(db)
        gc.collect()
        parse_s = store_s = 0.0
        begin = time.perf_counter()
        for body, meta in zip(work.texts, work.metas, strict=True):
            t0 = time.perf_counter()
            parsed = parse_folded(body)
            t1 = time.perf_counter()
            with db.session() as session:
                store_profiles(session, [(meta, parsed)], now=NOW)
            t2 = time.perf_counter()
            parse_s += t1 - t0
            store_s += t2 - t1
        total = time.perf_counter() - begin
        return Run(total, parse_s, store_s, _row_counts(db))


@dataclass
class BaselineRows:
    """Per window, exactly the rows our ingest leaves in the database, computed up front:
    the window row, the frames and stacks not written by an earlier window, the samples."""

    windows: list[dict[str, Any]]
    frames: list[list[dict[str, Any]]]
    stacks: list[list[dict[str, Any]]]
    samples: list[list[dict[str, Any]]]
    naive: list[list[dict[str, Any]]]


def baseline_rows(work: Workload) -> BaselineRows:
    """Build every row the baselines insert, outside any timer, from the same parser output
    and with the same column values ``store_profiles`` writes."""
    out = BaselineRows([], [], [], [], [])
    seen_frames: set[int] = set()
    seen_stacks: set[int] = set()
    for window_id, (body, meta) in enumerate(zip(work.texts, work.metas, strict=True), 1):
        parsed: ParsedProfile = parse_folded(body)
        out.windows.append(
            {
                "id": window_id,
                "service": meta.service,
                "host": meta.host,
                "process": meta.process,
                "collector": meta.collector,
                "start_at": meta.start,
                "end_at": meta.end,
                "rate_hz": meta.rate_hz,
                "total_samples": parsed.total_samples,
                "labels": meta.labels,
                "batch_id": None,
                "received_at": NOW,
            }
        )
        frames = []
        for fid, key in parsed.frames.items():
            if fid not in seen_frames:
                seen_frames.add(fid)
                frames.append(
                    {
                        "id": fid,
                        "function": key.function,
                        "file": key.file,
                        "line": key.line,
                        "runtime": key.runtime,
                    }
                )
        stacks = []
        for sid, ids in parsed.stacks.items():
            if sid not in seen_stacks:
                seen_stacks.add(sid)
                stacks.append(
                    {
                        "id": sid,
                        "leaf_frame_id": ids[-1],
                        "depth": len(ids),
                        "frame_ids": pack_ids(ids),
                    }
                )
        out.frames.append(frames)
        out.stacks.append(stacks)
        out.samples.append(
            [{"window_id": window_id, "stack_id": s, "count": n} for s, n in parsed.samples.items()]
        )
        naive = []
        for line in body.splitlines():
            stack, _, count = line.rpartition(" ")
            naive.append({"window_id": window_id, "stack": stack, "count": int(count)})
        out.naive.append(naive)
    return out


def run_baseline(backend: Backend, rows: BaselineRows) -> Run:
    """Plain SQLAlchemy Core ``conn.execute(table.insert(), rows)`` of the precomputed rows
    into the same schema, one transaction per window: the floor for writing these rows."""
    wt, ft, st, pt = (t.__table__ for t in (ProfileWindow, Frame, Stack, ProfileSample))
    with backend.fresh() as db:
        db.upgrade()
        _warm(db)
        gc.collect()
        begin = time.perf_counter()
        for i, window in enumerate(rows.windows):
            with db.engine.begin() as conn:
                conn.execute(wt.insert(), [window])
                if rows.frames[i]:
                    conn.execute(ft.insert(), rows.frames[i])
                if rows.stacks[i]:
                    conn.execute(st.insert(), rows.stacks[i])
                conn.execute(pt.insert(), rows.samples[i])
        total = time.perf_counter() - begin
        return Run(total, row_counts=_row_counts(db))


_NAIVE_META = MetaData()
NAIVE_TABLE = Table(
    "naive_folded",
    _NAIVE_META,
    Column("window_id", Integer, nullable=False),
    Column("stack", Text, nullable=False),
    Column("count", Integer, nullable=False),
)


def run_naive(backend: Backend, rows: BaselineRows) -> Run:
    """ "Just dump the text": one row per folded line (window, stack text, count) into a table
    with no keys or indexes, one transaction per window. Nothing is interned, so it writes
    far more bytes and leaves every query to re-parse the text; shown for perspective."""
    with backend.fresh() as db:
        _NAIVE_META.create_all(db.engine)
        _warm(db)
        gc.collect()
        begin = time.perf_counter()
        for window_rows in rows.naive:
            with db.engine.begin() as conn:
                conn.execute(NAIVE_TABLE.insert(), window_rows)
        return Run(time.perf_counter() - begin)


def profile_efficiency(backend: Backend, work: Workload, top: int) -> None:
    """cProfile one pass of the efficiency path and print the top entries, to see where the
    time goes (cProfile roughly doubles the run time; compare shares, not seconds)."""
    profiler = cProfile.Profile()
    _clear_parse_caches()
    with backend.fresh() as db:
        db.upgrade()
        _warm(db)
        profiler.enable()
        for body, meta in zip(work.texts, work.metas, strict=True):
            parsed = parse_folded(body)
            with db.session() as session:
                store_profiles(session, [(meta, parsed)], now=NOW)
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
    print(f"\ncProfile of the efficiency path on {backend.name}, by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print(f"cProfile of the efficiency path on {backend.name}, by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)
