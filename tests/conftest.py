"""Shared fixtures: real databases (a SQLite file and a PostgreSQL schema of its own).

PostgreSQL tests run whenever the server answers; with CI=true a missing server fails them
instead of skipping, so CI can never go green without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

from efficiency.store.db import Database

# Unit tests never depend on timing: hypothesis's per-example deadline (200 ms by default) and
# its "data generation is too slow" health check fail a property test on a loaded 2-core
# machine, so no test has either (a test's own @settings may still set them).
settings.register_profile("efficiency", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("efficiency")

PG_URL = os.environ.get("EFFICIENCY_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DATA = Path(__file__).parent / "data"


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def require_postgres() -> None:
    problem = _pg_reachable()
    if problem is None:
        return
    message = f"PostgreSQL at {PG_URL} is not reachable: {problem}"
    if IN_CI:
        pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
    pytest.skip(message)


def postgres_database() -> Iterator[Database]:
    """A fresh schema on the PostgreSQL server, migrated to head, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(PG_URL)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    db = Database(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    try:
        db.upgrade()
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The store on both backends: every test using it runs once on each."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'efficiency.db'}")
        database.upgrade()
        yield database
        database.dispose()
    else:
        yield from postgres_database()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'efficiency.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def datasets() -> Path:
    """Small vendored samples of the public benchmark data (tests/data/datasets/README.md)."""
    return DATA / "datasets"
