"""A commit-order fence for the tables that readers follow by row id.

The correlate stage reads alert events, detections and change events "with an id above the
last one seen". On PostgreSQL ids come from a sequence when a row is inserted, not when its
transaction commits: a writer can take id 7, a second writer id 8 and commit first, and a
reader that sees 8 moves its mark past 7, which then commits and is never read.

The fence closes that gap. Every writer of those tables holds a *shared* advisory lock from
before its insert until its transaction ends (:func:`hold_for_write`); a reader takes the
*exclusive* lock for an instant in its own short transaction and reads the largest ids there
are (:func:`committed_horizon`). While it holds the lock no writer is between insert and
commit, so every id up to that horizon is committed (or rolled back for good), and ids given
out later are larger. Writers wait only for that instant, readers only for the writers in
flight. SQLite needs no fence: one writer at a time, and a reader that starts with a write
(as the correlate stage does) sees every commit before it.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from efficiency.store.events import AlertEvent, ChangeEvent
from efficiency.store.incidents import Detection

#: first key of the fence's pg advisory lock ("effe"); the second is the schema's hash, so
#: stores in different schemas of one database do not wait for each other
FENCE_KEY = 0x65_66_66_65
_LOCK = "{fn}(:key, hashtext(current_schema()))"
#: the tables behind the fence, by name
FENCED = {"alert_events": AlertEvent, "detections": Detection, "change_events": ChangeEvent}
#: how long a reader waits for the writers in flight before it reads nothing new this time
WAIT_SECONDS = 10.0
#: SQLSTATE of a lock wait past ``lock_timeout``
LOCK_NOT_AVAILABLE = "55P03"


def hold_for_write(session: Session) -> None:
    """Before inserting into a fenced table: hold the shared fence lock until the end of
    the session's transaction (taking it again in the same transaction is harmless)."""
    if session.get_bind().dialect.name == "postgresql":
        lock = _LOCK.format(fn="pg_advisory_xact_lock_shared")
        session.execute(text(f"SELECT {lock}"), {"key": FENCE_KEY})


def committed_horizon(engine: Engine, wait_seconds: float = WAIT_SECONDS) -> dict[str, int] | None:
    """The largest id of each fenced table (0 when empty) such that every row at or below
    it is committed or never will be; ``None`` on SQLite, where every row a reader can see
    is already committed. Raises :class:`FenceBusy` when writers hold the fence longer than
    ``wait_seconds``."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn, conn.begin():
        conn.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds * 1000)}ms'"))
        try:
            lock = _LOCK.format(fn="pg_advisory_xact_lock")
            conn.execute(text(f"SELECT {lock}"), {"key": FENCE_KEY})
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            raise FenceBusy(f"writers held the fence for over {wait_seconds:g} s") from exc
        return {
            name: int(conn.scalar(select(func.coalesce(func.max(table.id), 0))) or 0)
            for name, table in FENCED.items()
        }


class FenceBusy(RuntimeError):
    """A writer kept its transaction open past the reader's wait; read again later."""
