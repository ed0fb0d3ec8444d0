"""Engines and sessions for SQLite (embedded, WAL) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


class DatabaseError(Exception):
    """The database cannot be opened or reached; the message says which and why."""


def default_sqlite_path() -> Path:
    return platformdirs.user_data_path("efficiency") / "efficiency.db"


def resolve_url(url: str | None) -> str:
    """Normalize a configured URL: empty means the default SQLite file; plain
    ``postgresql://`` URLs use the psycopg 3 driver; a bare path means a SQLite file."""
    if not url:
        return f"sqlite:///{default_sqlite_path()}"
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str | None, create: bool = True) -> Engine:
    """The engine for ``url``. A SQLite file's folder is made when missing, unless ``create``
    is false (a command that only reads): then a missing folder is a :class:`DatabaseError`,
    so a mistyped ``--db`` never leaves an empty database behind."""
    full = resolve_url(url)
    parsed = make_url(full)
    if parsed.get_backend_name() == "sqlite":
        db = parsed.database
        if db and db != ":memory:" and not create and not Path(db).parent.is_dir():
            raise DatabaseError(
                f"no database at {db}: the folder {Path(db).parent} does not exist "
                "(this command only reads; check --db or database.url)"
            )
        if db and db != ":memory:":
            try:
                Path(db).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(f"cannot create the folder for {db}: {exc}") from exc
        engine = create_engine(full, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(full, pool_pre_ping=True)
    raise DatabaseError(
        f"unsupported database URL {parsed.render_as_string()!r}: "
        "use sqlite:///PATH or postgresql://..."
    )


class Database:
    """One engine and its session factory; ``upgrade()`` brings the schema up to date."""

    def __init__(self, url: str | None = None, create: bool = True) -> None:
        self.url = resolve_url(url)
        self.engine = make_engine(self.url, create)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def upgrade(self) -> None:
        from efficiency.store.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
