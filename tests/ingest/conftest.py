"""A real API server on 127.0.0.1 (uvicorn in a thread, an ephemeral port) over each backend."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from efficiency.config import Config
from efficiency.ingest.api import create_app
from efficiency.store.db import Database


@dataclass
class ApiServer:
    url: str
    db: Database
    client: httpx.Client


def run_server(config: Config, db: Database) -> Iterator[ApiServer]:
    app = create_app(config, db)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the API server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(base_url=url, timeout=30) as client:
        yield ApiServer(url=url, db=db, client=client)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def api(db: Database) -> Iterator[ApiServer]:
    yield from run_server(Config(), db)


@pytest.fixture
def api_with_token(sqlite_db: Database) -> Iterator[ApiServer]:
    config = Config()
    config.api.token = "s3cret-token"
    config.api.max_body_bytes = 4096
    yield from run_server(config, sqlite_db)
