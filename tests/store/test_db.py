"""Database URLs and the default location."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.store.db import Database, DatabaseError, default_sqlite_path, resolve_url


def test_urls_are_normalized(tmp_path: Path) -> None:
    assert resolve_url("") == f"sqlite:///{default_sqlite_path()}"
    assert resolve_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"


def test_default_path_is_under_the_user_data_folder() -> None:
    assert default_sqlite_path().name == "efficiency.db"
    assert "efficiency" in default_sqlite_path().parent.parts


def test_sqlite_folder_is_created(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a' / 'b' / 'e.db'}")
    db.upgrade()
    assert (tmp_path / "a" / "b" / "e.db").exists()
    db.dispose()


def test_unsupported_backend_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="unsupported database URL"):
        Database("mysql://root@localhost/x")
