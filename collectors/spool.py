"""The agent's on-disk queue: every batch goes through it, so nothing collected is lost when
the server is down, the network flaps, or the agent restarts.

It is one SQLite file (a single writer, so no server and no extra dependency) holding whole
API batches in the order they were made. The shipper reads the oldest batch, posts it, and
deletes it only after the server accepted it; a crash between the two re-sends a batch the
server then recognises (every batch carries its own id), so delivery is at-least-once on the
wire and exactly-once in the store.

The queue is bounded in bytes. Past the bound the *oldest* batches are dropped, and every
dropped record is counted in the file itself, so the loss survives restarts and is reported
on the agent's ``/metrics`` instead of vanishing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from collectors.errors import CollectorError

#: what a batch is; each kind is posted to its own API endpoint
BatchKind = Literal["profiles", "metrics", "changes", "alerts"]
KINDS: tuple[BatchKind, ...] = ("profiles", "metrics", "changes", "alerts")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batches (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    kind     TEXT    NOT NULL,
    body     BLOB    NOT NULL,
    nbytes   INTEGER NOT NULL,
    records  INTEGER NOT NULL,
    created  REAL    NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dead (
    seq      INTEGER PRIMARY KEY,
    kind     TEXT    NOT NULL,
    body     BLOB    NOT NULL,
    records  INTEGER NOT NULL,
    reason   TEXT    NOT NULL,
    failed   REAL    NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class Batch:
    """One spooled API request: ``body`` is the JSON document posted for ``kind``."""

    seq: int
    kind: BatchKind
    body: dict[str, Any]
    records: int
    created: float
    attempts: int


@dataclass(frozen=True)
class SpoolStats:
    depth: int
    records: int
    nbytes: int
    dropped_records: int
    dropped_batches: int
    dead_batches: int
    oldest_created: float | None


def _records_in(kind: BatchKind, body: dict[str, Any]) -> int:
    key = {"profiles": "windows", "metrics": "points", "changes": "changes", "alerts": "alerts"}
    items = body.get(key[kind])
    if not isinstance(items, list):
        raise ValueError(f"a {kind} batch needs a {key[kind]!r} list")
    return len(items)


class Spool:
    """A bounded, ordered, durable FIFO of API batches in one SQLite file.

    Thread-safe: collectors ``put`` from their threads while the shipper ``peek``s and
    ``ack``s from its own.
    """

    def __init__(self, path: str | Path, max_bytes: int = 256 * 1024 * 1024) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self.path = Path(path)
        self.max_bytes = max_bytes
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")  # a put is on disk when it returns
            self._conn.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise CollectorError(f"cannot open the agent spool at {self.path}: {exc}") from None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def put(self, kind: BatchKind, body: dict[str, Any]) -> int:
        """Append one batch (durably) and return its sequence number.

        Profile batches get a ``batch_id`` if they have none, so a batch re-sent after a lost
        response is recognised by the server and stored once.
        """
        if kind not in KINDS:
            raise ValueError(f"unknown batch kind {kind!r}")
        records = _records_in(kind, body)
        if kind == "profiles" and not body.get("batch_id"):
            body = {**body, "batch_id": f"agent-{uuid.uuid4().hex}"}
        blob = json.dumps(body, separators=(",", ":")).encode()
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO batches (kind, body, nbytes, records, created) VALUES (?,?,?,?,?)",
                (kind, blob, len(blob), records, time.time()),
            )
            seq = int(cur.lastrowid or 0)
            self._enforce_bound(conn, keep=seq)
        return seq

    def _enforce_bound(self, conn: sqlite3.Connection, keep: int) -> None:
        """Drop the oldest batches until the queue fits ``max_bytes`` (never the newest one)."""
        (total,) = conn.execute("SELECT COALESCE(SUM(nbytes), 0) FROM batches").fetchone()
        if total <= self.max_bytes:
            return
        dropped_records = dropped_batches = 0
        for seq, nbytes, records in conn.execute(
            "SELECT seq, nbytes, records FROM batches WHERE seq != ? ORDER BY seq", (keep,)
        ).fetchall():
            if total <= self.max_bytes:
                break
            conn.execute("DELETE FROM batches WHERE seq = ?", (seq,))
            total -= nbytes
            dropped_records += records
            dropped_batches += 1
        self._bump(conn, "dropped_records", dropped_records)
        self._bump(conn, "dropped_batches", dropped_batches)

    @staticmethod
    def _bump(conn: sqlite3.Connection, name: str, by: int) -> None:
        if by:
            conn.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, by),
            )

    def peek(self) -> Batch | None:
        """The oldest batch, left in place until :meth:`ack`."""
        with self._lock:
            row = self._conn.execute(
                "SELECT seq, kind, body, records, created, attempts FROM batches "
                "ORDER BY seq LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        seq, kind, blob, records, created, attempts = row
        return Batch(seq, kind, json.loads(blob), records, created, attempts)

    def ack(self, seq: int) -> None:
        """The server has the batch: forget it."""
        with self._tx() as conn:
            conn.execute("DELETE FROM batches WHERE seq = ?", (seq,))

    def retry_later(self, seq: int) -> None:
        with self._tx() as conn:
            conn.execute("UPDATE batches SET attempts = attempts + 1 WHERE seq = ?", (seq,))

    def bury(self, seq: int, reason: str) -> None:
        """The server refused the batch for good (a 4xx): keep it aside, out of the queue's
        way, so one bad batch never blocks everything behind it and is still inspectable."""
        with self._tx() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO dead (seq, kind, body, records, reason, failed) "
                "SELECT seq, kind, body, records, ?, ? FROM batches WHERE seq = ?",
                (reason[:2000], time.time(), seq),
            )
            conn.execute("DELETE FROM batches WHERE seq = ?", (seq,))

    def stats(self) -> SpoolStats:
        with self._lock:
            depth, records, nbytes, oldest = self._conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(records), 0), COALESCE(SUM(nbytes), 0), "
                "MIN(created) FROM batches"
            ).fetchone()
            counters = dict(self._conn.execute("SELECT name, value FROM counters").fetchall())
            (dead,) = self._conn.execute("SELECT COUNT(*) FROM dead").fetchone()
        return SpoolStats(
            depth=depth,
            records=records,
            nbytes=nbytes,
            dropped_records=counters.get("dropped_records", 0),
            dropped_batches=counters.get("dropped_batches", 0),
            dead_batches=dead,
            oldest_created=oldest,
        )
