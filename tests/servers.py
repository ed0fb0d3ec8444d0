"""Real servers for tests: our own API as a separate process, a real Prometheus from Debian's
package, and a canned loopback HTTP server for error answers no real server gives on demand."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from tests.conftest import IN_CI


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float = 30.0, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Poll ``url`` until it answers 2xx (or fail, with the process's exit if it died)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode} before serving {url}")
        try:
            if httpx.get(url, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class ApiServer:
    """``efficiency serve`` on 127.0.0.1:``port`` over the SQLite file ``db``, as a real process
    that can be stopped and started again on the same port and database."""

    def __init__(self, db: Path, port: int | None = None, log: Path | None = None) -> None:
        self.db, self.port = db, port or free_port()
        self.log = log or db.with_suffix(".server.log")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.pop("EFFICIENCY_CONFIG", None)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "efficiency", "--db", str(self.db), "serve",
                 "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, env=env,
            )  # fmt: skip
        wait_http(f"{self.url}/healthz", proc=self.proc)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def require_binary(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (apt-get install {package})"
        if IN_CI:
            pytest.fail(f"{message}; CI=true: these tests must run")
        pytest.skip(message)
    return found


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited at start: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/-/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    pytest.fail(f"{url} not ready within {seconds} s: {log.read_text()[-2000:]}")


@contextmanager
def running_prometheus(workdir: Path, rules: str) -> Iterator[str]:
    """A real Prometheus on a free loopback port, scraping itself every second and
    evaluating ``rules`` every second; yields its base URL."""
    binary = require_binary("prometheus", "prometheus")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "rules.yml").write_text(rules)
    (workdir / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "rule_files: [rules.yml]\n"
        "scrape_configs:\n"
        f"  - job_name: prometheus\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
    )
    with serving(
        [
            binary,
            f"--config.file={workdir / 'prometheus.yml'}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        port,
        workdir / "prometheus.log",
    ) as url:
        yield url


@contextmanager
def serving(command: list[str], port: int, log: Path) -> Iterator[str]:
    """Run a Prometheus-family server (``/-/ready``) on ``port``, its output in ``log``;
    yields its base URL once ready, stops it afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def poll(fetch: Callable[[], list[Any]], seconds: float = 15) -> list[Any]:
    """What ``fetch`` returns once it is not empty (a real server evaluates rules and
    scrapes on its own schedule)."""
    deadline = time.monotonic() + seconds
    while True:
        found = fetch()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


Reply = tuple[int, str, str]  # status, content type, body


class CannedServer:
    """A loopback HTTP server answering each path (and ``query`` parameter, if any) with a
    canned reply, recording the requests it got."""

    def __init__(self, replies: dict[str, Reply]) -> None:
        self.replies = replies
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append(self.path)
                url = urlparse(self.path)
                query = parse_qs(url.query).get("query", [""])[0]
                key = f"{url.path}?{query}" if query else url.path
                status, ctype, body = outer.replies.get(key, (404, "text/plain", "not found"))
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> CannedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def json_reply(body: Any, status: int = 200) -> Reply:
    return status, "application/json", json.dumps(body)
