"""Folded-stack ingest: stack lines per second into SQLite and PostgreSQL, side by side with a
plain SQLAlchemy ``executemany`` of the same rows in the same run.

Why side by side: absolute seconds depend on the machine, so the number that matters is the
ratio between our ingest (``parse_folded`` + ``store_profiles``) and the cheapest way to put
the same rows into the same schema. Targets (from the project's issue): at least 100,000
folded lines per second into SQLite on one core, and no more than 2x the plain-insert time.

Run with ``make bench-ingest`` (= ``.venv/bin/python -m benchmarks.ingest``). The full run
regenerates the "Ingest: folded stacks" section of ``docs/benchmarks.md`` (only the text
between the ``<!-- ingest:start -->`` and ``<!-- ingest:end -->`` markers) and prints the
table. ``--quick`` is a smoke run that does not touch the docs. Unit tests never run this.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import platform
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, text

from benchmarks.common import cpu_model, load_average, write_section
from efficiency.ingest.parsers import model as parser_model
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import ParsedProfile
from efficiency.ingest.profiles import WindowMeta, store_profiles
from efficiency.store.db import Database
from efficiency.store.profiles import Frame, ProfileSample, ProfileWindow, Stack, pack_ids

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "benchmarks.md"
PG_URL = os.environ.get("EFFICIENCY_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
COMMAND = "make bench-ingest"
TARGET_LINES_PER_S = 100_000
TARGET_RATIO = 2.0
#: one fixed "received at" so every path writes byte-identical window rows
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)

# --------------------------------------------------------------------------------------
# Workload: a deterministic synthetic fleet profile
# --------------------------------------------------------------------------------------

_VERBS = (
    "get", "load", "parse", "render", "handle", "compute", "fetch", "encode", "decode",
    "validate", "resolve", "dispatch", "serialize", "update", "build", "query", "merge",
    "apply", "flush", "read", "write", "call", "emit", "score",
)  # fmt: skip
_NOUNS = (
    "request", "user", "order", "cart", "price", "item", "token", "session", "row", "batch",
    "frame", "payload", "config", "cache", "index", "record", "event", "metric", "span",
    "header", "body", "result", "schema", "plan",
)  # fmt: skip
_PACKAGES = ("api", "core", "db", "billing", "search", "auth", "util", "models")
_NATIVE_LIBS = (
    "libc.so.6",
    "libpython3.11.so.1.0",
    "libssl.so.3",
    "libz.so.1",
    "_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
)
_ROOTS = (
    "<module> (svc/main.py:1)",
    "_bootstrap (threading.py:995)",
    "run (uvicorn/server.py:61)",
    "worker (concurrent/futures/thread.py:83)",
)


class _Node:
    """A call-tree node: a frame and the frames it has been seen calling, most common first."""

    __slots__ = ("children", "kind", "text")

    def __init__(self, text: str, kind: str) -> None:
        self.text = text
        self.kind = kind
        self.children: list[_Node] = []


@dataclass
class Workload:
    """Folded text per window plus the window metadata a collector would send with it."""

    texts: list[str]
    metas: list[WindowMeta]
    lines_per_window: int
    functions: int
    modules: int
    distinct_frames: int
    distinct_stacks: int
    mean_depth: float
    min_depth: int
    max_depth: int
    total_samples: int
    seed: int

    @property
    def lines(self) -> int:
        return self.lines_per_window * len(self.texts)

    @property
    def megabytes(self) -> float:
        return sum(len(t) for t in self.texts) / 1e6


def _frame_vocabulary(rng: random.Random, functions: int) -> dict[str, list[list[str]]]:
    """Frame texts by runtime: 85% Python functions (each with up to three call-site lines,
    as py-spy reports them), 10% native, 5% kernel. A list per function, one text per line."""
    n_native = functions // 10
    n_kernel = functions // 20
    n_python = functions - n_native - n_kernel
    modules = [f"svc/{pkg}/{noun}s.py" for pkg in _PACKAGES for noun in _NOUNS[:5]]
    vocab: dict[str, list[list[str]]] = {"python": [], "native": [], "kernel": []}
    for i in range(n_python):
        name = f"{rng.choice(_VERBS)}_{rng.choice(_NOUNS)}_{i}"
        module = modules[i % len(modules)]
        first = rng.randint(10, 2000)
        lines = sorted({first + rng.randint(1, 40) for _ in range(rng.randint(1, 3))})
        vocab["python"].append([f"{name} ({module}:{line})" for line in lines])
    for i in range(n_native):
        lib = _NATIVE_LIBS[i % len(_NATIVE_LIBS)]
        vocab["native"].append([f"{rng.choice(_VERBS)}_native_{i} ({lib})"])
    for i in range(n_kernel):
        vocab["kernel"].append([f"{rng.choice(_VERBS)}_kernel_{i}_[k]"])
    return vocab


def _new_child(rng: random.Random, node: _Node, vocab: dict[str, list[list[str]]]) -> _Node:
    """A frame not seen under ``node`` yet: Python code calls Python or native code, native
    code calls native or kernel code, the kernel only calls the kernel."""
    kind = node.kind
    roll = rng.random()
    if kind == "python" and roll < 0.12:
        kind = "native"
    elif kind == "native" and roll < 0.15:
        kind = "kernel"
    texts = rng.choice(vocab[kind])
    child = _Node(rng.choice(texts), kind)
    node.children.append(child)
    return child


def _stack_pool(rng: random.Random, size: int, vocab: dict[str, list[list[str]]]) -> list[str]:
    """``size`` distinct root-to-leaf stacks (depth 8-40) as folded frame text, from random
    walks down a call tree that grows as it is walked. Near the root a walk mostly follows an
    existing, popular branch, so stacks share long prefixes, as real programs' stacks do."""
    roots = [_Node(t, "python") for t in _ROOTS]
    seen: set[str] = set()
    pool: list[str] = []
    while len(pool) < size:
        depth = rng.randint(8, 40)
        node = roots[int(len(roots) * rng.random() ** 2)]
        path = [node.text]
        for level in range(1, depth):
            p_new = 0.05 + 0.5 * level / 40
            if not node.children or rng.random() < p_new:
                node = _new_child(rng, node, vocab)
            else:
                node = node.children[int(len(node.children) * rng.random() ** 2.5)]
            path.append(node.text)
        stack = ";".join(path)
        if stack not in seen:
            seen.add(stack)
            pool.append(stack)
    return pool


def make_workload(windows: int, lines: int, functions: int = 2000, seed: int = 1) -> Workload:
    """``windows`` windows of ``lines`` distinct folded stacks each, as one service's hosts
    would send them for the same minute. 60% of each window's stacks are the fleet's hot
    stacks (in every window); the rest come at random from a long tail twice that size, so
    stacks repeat across windows. Sample counts are Zipf-like: a few stacks carry most samples
    and most stacks have one or two."""
    rng = random.Random(seed)
    vocab = _frame_vocabulary(rng, functions)
    pool = _stack_pool(rng, 2 * lines, vocab)
    hot = int(lines * 0.6)
    tail = pool[hot:]
    start = datetime(2025, 1, 1, 11, 59, tzinfo=UTC)
    texts: list[str] = []
    metas: list[WindowMeta] = []
    used: set[str] = set()
    total = 0
    for w in range(windows):
        chosen = list(range(hot)) + [hot + i for i in rng.sample(range(len(tail)), lines - hot)]
        out = []
        for rank in chosen:
            count = 1 + int(rng.expovariate(1.0) * 200 / (rank + 1) ** 0.7)
            total += count
            used.add(pool[rank])
            out.append(f"{pool[rank]} {count}")
        out.sort()  # stackcollapse-* and py-spy write folded stacks sorted
        texts.append("\n".join(out) + "\n")
        metas.append(
            WindowMeta(
                service="checkout",
                host=f"web-{w:03d}",
                start=start,
                end=start + timedelta(minutes=1),
                process="python3 -m svc.main",
                collector="py-spy",
                rate_hz=100.0,
                labels={"version": "2025.01.1", "region": "eu-west-1"},
            )
        )
    depths = [s.count(";") + 1 for s in used]
    frames = {f for s in used for f in s.split(";")}
    return Workload(
        texts=texts,
        metas=metas,
        lines_per_window=lines,
        functions=functions,
        modules=len(_PACKAGES) * 5,
        distinct_frames=len(frames),
        distinct_stacks=len(used),
        mean_depth=statistics.fmean(depths),
        min_depth=min(depths),
        max_depth=max(depths),
        total_samples=total,
        seed=seed,
    )


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


# --------------------------------------------------------------------------------------
# Measuring, reporting
# --------------------------------------------------------------------------------------


@dataclass
class BackendResult:
    """Every repetition of every path on one backend."""

    name: str
    version: str
    efficiency: list[Run] = field(default_factory=list)
    baseline: list[Run] = field(default_factory=list)
    naive: list[Run] = field(default_factory=list)

    @staticmethod
    def best(runs: list[Run]) -> Run:
        """The fastest repetition: other load on the machine only ever adds time, so the
        minimum is the least disturbed estimate (as ``timeit`` reports)."""
        return min(runs, key=lambda r: r.total_s)

    @staticmethod
    def median(runs: list[Run]) -> float:
        return statistics.median(r.total_s for r in runs)

    @property
    def ratio(self) -> float:
        """Efficiency time over baseline time (best of each): 1.0 is as fast as a plain
        insert."""
        return self.best(self.efficiency).total_s / self.best(self.baseline).total_s

    @property
    def median_ratio(self) -> float:
        """The same ratio from medians, as a check on the best-of figure."""
        return self.median(self.efficiency) / self.median(self.baseline)


def measure(backend: Backend, work: Workload, rows: BaselineRows, repeat: int) -> BackendResult:
    """Interleave the three paths in each repetition so drift (other load, caches, the
    server's checkpoints) hits them alike."""
    result = BackendResult(backend.name, backend.version())
    for i in range(repeat):
        result.efficiency.append(run_efficiency(backend, work))
        result.baseline.append(run_baseline(backend, rows))
        result.naive.append(run_naive(backend, rows))
        eff, base = result.efficiency[-1], result.baseline[-1]
        if eff.row_counts != base.row_counts:
            raise SystemExit(
                f"{backend.name}: the baseline wrote different rows than our ingest "
                f"({base.row_counts} vs {eff.row_counts}); the comparison would be unfair"
            )
        print(
            f"  {backend.name} run {i + 1}/{repeat}: efficiency {eff.total_s:.2f}s "
            f"(parse {eff.parse_s:.2f}s, store {eff.store_s:.2f}s), "
            f"baseline {base.total_s:.2f}s, naive {result.naive[-1].total_s:.2f}s",
            flush=True,
        )
    return result


def pin_to_one_core() -> str:
    """Pin this process to one CPU so "one core" in the target means one core. The
    PostgreSQL server runs in its own processes and is not pinned."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[0]})
    except (AttributeError, OSError) as exc:
        return f"not pinned ({exc.__class__.__name__}); {os.cpu_count()} cores visible"
    return f"benchmark process pinned to CPU {allowed[0]} (1 of {os.cpu_count()} cores)"


def _rate(lines: int, seconds: float) -> str:
    return f"{lines / seconds:,.0f}"


def results_table(work: Workload, results: list[BackendResult]) -> list[str]:
    rows = [
        "| backend | efficiency lines/s | baseline lines/s | ratio | naïve-dump lines/s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rows.append(
            f"| {r.name} {r.version} | {_rate(work.lines, r.best(r.efficiency).total_s)} "
            f"| {_rate(work.lines, r.best(r.baseline).total_s)} | {r.ratio:.2f}x "
            f"| {_rate(work.lines, r.best(r.naive).total_s)} |"
        )
    return rows


def detail_table(work: Workload, results: list[BackendResult]) -> list[str]:
    """Seconds of the best repetitions, the parse/store split of the efficiency path, and the
    medians and spread so a noisy run is visible as such."""
    rows = [
        "| backend | parse s | store s | efficiency s | baseline s | store / baseline "
        "| parse-only lines/s | efficiency s, all runs | ratio from medians |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        eff, base = r.best(r.efficiency), r.best(r.baseline)
        spread = ", ".join(f"{x.total_s:.2f}" for x in r.efficiency)
        rows.append(
            f"| {r.name} | {eff.parse_s:.2f} | {eff.store_s:.2f} | {eff.total_s:.2f} "
            f"| {base.total_s:.2f} | {eff.store_s / base.total_s:.2f}x "
            f"| {_rate(work.lines, eff.parse_s)} | {spread} | {r.median_ratio:.2f}x |"
        )
    return rows


def verdicts(work: Workload, results: list[BackendResult]) -> list[str]:
    out = []
    for r in results:
        rate = work.lines / r.best(r.efficiency).total_s
        if r.name == "SQLite":
            ok = rate >= TARGET_LINES_PER_S
            floor = work.lines / r.best(r.baseline).total_s
            out.append(
                f"- >= {TARGET_LINES_PER_S:,} lines/s into SQLite on one core: "
                f"**{'met' if ok else 'not met'}** ({rate:,.0f} lines/s; the plain insert of "
                f"the same, already-parsed rows does {floor:,.0f} lines/s here)."
            )
        ok = r.ratio <= TARGET_RATIO
        out.append(
            f"- {r.name} within {TARGET_RATIO:g}x of the plain-insert baseline: "
            f"**{'met' if ok else 'not met'}** ({r.ratio:.2f}x)."
        )
    return out


def render_section(
    work: Workload,
    results: list[BackendResult],
    facts: dict[str, str],
    repeat: int,
    pg_note: str | None,
) -> str:
    """The markdown between the markers; everything in it comes from this run."""
    lines = [
        "## Ingest: folded stacks",
        "",
        f"Command: `{COMMAND}` (runs `.venv/bin/python -m benchmarks.ingest`). "
        "Generated by that script; edit the script, not this section.",
        "",
        "What is compared, in the same run over the same rows:",
        "",
        "- **efficiency**: `parse_folded(text)` then `store_profiles(session, [(meta, parsed)])`,"
        " each window in its own transaction (`Database.session()`), into a fresh database"
        " migrated to head. Parsing is included; the frame-parse caches are cleared before"
        " every repetition.",
        "- **baseline**: plain SQLAlchemy Core `conn.execute(table.insert(), rows)`"
        " (executemany) of exactly the rows our ingest leaves behind (the window row, frames"
        " and stacks not written by an earlier window, and the samples), built before the timer"
        " from the same parser output, one transaction per window, same schema.",
        "- **naïve dump**: one row per folded line `(window_id, stack text, count)` into an"
        " unindexed table, rows built before the timer, one transaction per window.",
        "",
        "Lines/s is folded stack lines in / wall-clock seconds, best of "
        f"{repeat} repetition{'s' if repeat != 1 else ''} with the three paths interleaved"
        " (other load only adds time, so the best run is the least disturbed; the medians are"
        " in the second table). Ratio is efficiency seconds / baseline seconds: 1.00x is as"
        " fast as a plain insert, 2.00x twice as slow.",
        "",
        "### Machine",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in facts.items()]
    lines += [
        "",
        "### Workload",
        "",
        f"Synthetic, deterministic (seed {work.seed}): one service's fleet, "
        f"{len(work.texts)} windows x {work.lines_per_window:,} folded lines = "
        f"**{work.lines:,} lines** ({work.megabytes:.1f} MB of folded text, "
        f"{work.total_samples:,} samples). {work.functions:,} functions (85% Python in "
        f"{work.modules} modules with up to three call-site lines each, 10% native, 5% kernel);"
        f" stacks of depth {work.min_depth}-{work.max_depth} (mean {work.mean_depth:.1f}) from "
        "random walks down a call tree, so prefixes are shared. 60% of each window's stacks are"
        " hot stacks present in every window, the rest come from a tail twice that size, so"
        " stacks repeat across windows as they do across a fleet. Zipf-like sample counts. In"
        f" all: {work.distinct_frames:,} distinct frames, {work.distinct_stacks:,} distinct"
        " stacks.",
        "",
        "### Results",
        "",
    ]
    lines += results_table(work, results)
    lines += ["", "Where the efficiency time goes (seconds, best runs):", ""]
    lines += detail_table(work, results)
    lines += ["", "### Targets", ""]
    lines += verdicts(work, results)
    if pg_note:
        lines += ["", f"PostgreSQL was not measured: {pg_note}"]
    return "\n".join(lines) + "\n"


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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--windows", type=int, default=10, help="profile windows (default 10)")
    p.add_argument("--lines", type=int, default=20_000, help="folded lines a window (20000)")
    p.add_argument("--functions", type=int, default=2000, help="distinct functions (2000)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions, best reported (3)")
    p.add_argument("--seed", type=int, default=1, help="workload seed (1)")
    p.add_argument("--pg-url", default=PG_URL, help="PostgreSQL server (a schema per run)")
    p.add_argument("--no-pg", action="store_true", help="measure SQLite only")
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 3 windows x 2000 lines, one repetition, docs left alone",
    )
    p.add_argument("--docs", type=Path, default=DOCS, help="markdown file to update")
    p.add_argument("--no-docs", action="store_true", help="print only; leave the docs alone")
    p.add_argument(
        "--profile", type=int, metavar="N", default=0, help="also cProfile the SQLite path, top N"
    )
    args = p.parse_args(argv)
    if args.quick:
        args.windows, args.lines, args.repeat, args.no_docs = 3, 2000, 1, True
    if args.windows < 1 or args.lines < 1 or args.repeat < 1:
        p.error("--windows, --lines and --repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pinned = pin_to_one_core()
    print(pinned)
    load_start = load_average()
    t0 = time.perf_counter()
    work = make_workload(args.windows, args.lines, args.functions, args.seed)
    rows = baseline_rows(work)
    print(
        f"workload: {len(work.texts)} windows x {work.lines_per_window:,} lines = "
        f"{work.lines:,} lines, {work.distinct_stacks:,} distinct stacks, "
        f"{work.distinct_frames:,} frames (built in {time.perf_counter() - t0:.1f}s)"
    )

    backends: list[Backend] = []
    pg: PostgresBackend | None = None
    pg_note: str | None = None
    with tempfile.TemporaryDirectory(prefix="efficiency-bench-") as tmp:
        backends.append(SqliteBackend(Path(tmp)))
        if args.no_pg:
            pg_note = "skipped (--no-pg)."
        else:
            problem = postgres_problem(args.pg_url)
            if problem is None:
                pg = PostgresBackend(args.pg_url)
                backends.append(pg)
            else:
                pg_note = f"server at {args.pg_url} not reachable ({problem})."
                print(f"PostgreSQL not measured: {pg_note} Reporting SQLite only.")
        try:
            results = [measure(b, work, rows, args.repeat) for b in backends]
            if args.profile:
                profile_efficiency(backends[0], work, args.profile)
        finally:
            if pg is not None:
                pg.close()

    facts = {
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores visible; {pinned}",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLAlchemy": sqlalchemy.__version__,
        "SQLite": f"{sqlite3.sqlite_version} (WAL, synchronous=NORMAL, as the store sets it)",
    }
    for r in results:
        if r.name == "PostgreSQL":
            import psycopg

            facts["PostgreSQL"] = (
                f"{r.version} (local server over TCP, psycopg {psycopg.__version__})"
            )
    facts["Load average (1 min) at start / end"] = (
        f"{load_start} / {load_average()} (anything above 0 is other work sharing the machine)"
    )
    facts["Measured"] = datetime.now(UTC).strftime("%Y-%m-%d")

    print()
    print("\n".join(results_table(work, results)))
    print()
    print("\n".join(detail_table(work, results)))
    print()
    print("\n".join(verdicts(work, results)))
    if not args.no_docs:
        section = render_section(work, results, facts, args.repeat, pg_note)
        write_section("ingest", section, args.docs)
        print(f"\nwrote the ingest section of {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
