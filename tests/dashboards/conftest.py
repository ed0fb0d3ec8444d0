"""One filled store per test session (shared by the xdist workers: the first to arrive fills
it, the others wait), copied for each test that changes it; and AppTest helpers."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.dashboards.fill import Filled, fill

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PAGES = ("overview", "incidents", "hotspots", "gpu", "proposals", "savings", "capacity", "fleet")


def _shared_dir(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    # under xdist each worker has its own basetemp (.../popen-gwN); their parent is shared
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Filled:
    shared = _shared_dir(tmp_path_factory) / "dashboard-store"
    done = shared / "filled.txt"
    lock = shared.with_suffix(".lock")
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        deadline = time.monotonic() + 300
        while not done.exists():
            if time.monotonic() > deadline:
                pytest.fail("another worker did not finish filling the dashboard store")
            time.sleep(0.5)
    else:
        os.close(fd)
        result = fill(shared)
        ids = ",".join(f"{k}={v}" for k, v in result.incidents.items())
        done.write_text(f"{result.end.isoformat()}\n{ids}\n")
    from datetime import datetime

    end_text, ids_text = done.read_text().splitlines()
    incidents = {k: int(v) for k, v in (p.split("=") for p in ids_text.split(","))}
    return Filled(shared, shared / "efficiency.db", shared / "efficiency.toml",
                  datetime.fromisoformat(end_text), incidents)  # fmt: skip


@pytest.fixture
def store(filled: Filled, tmp_path: Path) -> Filled:
    """A copy of the filled store that a test may change."""
    db = tmp_path / "efficiency.db"
    shutil.copy(filled.db, db)
    config = tmp_path / "efficiency.toml"
    config.write_text(filled.config.read_text())
    return replace(filled, root=tmp_path, db=db, config=config)


@pytest.fixture
def app(store: Filled, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    """``app(page, **query)``: the dashboard at a page with its query string, run once."""
    yield from _app(store, monkeypatch)


def _app(store: Filled, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., AppTest]]:
    monkeypatch.setenv("EFFICIENCY_CONFIG", str(store.config))
    monkeypatch.setenv("EFFICIENCY_DB_URL", str(store.db))
    st.cache_resource.clear()
    st.cache_data.clear()

    def open_page(page: str = "overview", **query: object) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        if page != "overview":
            at.switch_page(f"page_scripts/{page}.py")
        for key, value in query.items():
            at.query_params[key] = str(value)
        return at.run()

    yield open_page
    st.cache_resource.clear()
    st.cache_data.clear()


def problems(at: AppTest) -> list[str]:
    """Exceptions and error boxes on the page."""
    return [e.value for e in at.exception] + [e.value for e in at.error]
