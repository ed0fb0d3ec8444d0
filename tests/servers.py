"""Real servers for tests: our own API as a separate process, a real Prometheus, Alertmanager
and node-exporter from Debian's packages (``.ci/run`` installs them; tests never do), a
loopback receiver recording what is posted to it, and a canned loopback HTTP server for error
answers no real server gives on demand."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from efficiency.serving import free_port
from tests.conftest import IN_CI


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
        try:
            wait_http(f"{self.url}/healthz", proc=self.proc)
        except BaseException:  # a server that never answered must not outlive its test
            self.stop()
            raise

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


def ensure_binaries(binaries: dict[str, str]) -> dict[str, str]:
    """The paths of ``binaries`` (name -> Debian package). Tests never install anything:
    ``.ci/run`` does; a missing one skips the test with the install line (fails with CI=true)."""
    return {name: require_binary(name, package) for name, package in binaries.items()}


def ensure_binary(name: str, package: str) -> str:
    return ensure_binaries({name: package})[name]


def stop_process(proc: subprocess.Popen[Any], seconds: float = 30) -> None:
    """Stop one process we started, by its PID: SIGTERM, wait, SIGKILL if it lingers."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def tail(path: Path, chars: int = 3000) -> str:
    """The end of a log file, for a failure message."""
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError as exc:
        return f"({path}: {exc})"


def wait_ready(
    url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 15, path: str = "/-/ready"
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{url} exited at start: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    pytest.fail(f"{url} not ready within {seconds} s: {log.read_text()[-2000:]}")


@contextmanager
def running_prometheus(
    workdir: Path,
    rules: str,
    *,
    alertmanagers: Sequence[str] = (),
    scrape: dict[str, str] | None = None,
) -> Iterator[str]:
    """A real Prometheus on a free loopback port, scraping itself (and each ``scrape`` job,
    name -> host:port) every second and evaluating ``rules`` every second; with
    ``alertmanagers`` (base URLs) it sends them its alerts, re-sending every second; yields its
    base URL."""
    binary = require_binary("prometheus", "prometheus")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "rules.yml").write_text(rules)
    config = (
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        "rule_files: [rules.yml]\n"
        "scrape_configs:\n"
        f"  - job_name: prometheus\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
    )
    for job, target in (scrape or {}).items():
        config += f"  - job_name: {job}\n    static_configs: [{{targets: ['{target}']}}]\n"
    if alertmanagers:
        targets = ", ".join(f"'{urlparse(am).netloc}'" for am in alertmanagers)
        config += f"alerting:\n  alertmanagers:\n    - static_configs: [{{targets: [{targets}]}}]\n"
    (workdir / "prometheus.yml").write_text(config)
    command = [
        binary,
        f"--config.file={workdir / 'prometheus.yml'}",
        f"--storage.tsdb.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    if alertmanagers:
        command.append("--rules.alert.resend-delay=1s")  # the default 1 m stalls every change
    with serving(command, port, workdir / "prometheus.log") as url:
        yield url


def wait_alertmanagers_active(
    prometheus: str, alertmanagers: Sequence[str], seconds: float = 30
) -> None:
    """Wait until Prometheus lists every one of ``alertmanagers`` as active: an alert firing
    before that is evaluated but sent nowhere until the next resend."""
    wanted = {urlparse(am).netloc for am in alertmanagers}
    active: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            body = httpx.get(f"{prometheus}/api/v1/alertmanagers", timeout=2).json()
            active = {urlparse(a["url"]).netloc for a in body["data"]["activeAlertmanagers"]}
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            pass
        if wanted <= active:
            return
        time.sleep(0.1)
    pytest.fail(f"Prometheus at {prometheus} lists {sorted(active)} as active, not {wanted}")


@contextmanager
def running_alertmanager(workdir: Path, config: str | None = None) -> Iterator[str]:
    """A real Alertmanager on a free loopback port with ``config`` (YAML; by default every alert
    goes to a receiver that sends nothing) and clustering off (an empty
    ``--cluster.listen-address``, else it also listens on every interface); yields its base URL."""
    binary = ensure_binary("prometheus-alertmanager", "prometheus-alertmanager")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "alertmanager.yml"
    path.write_text(config or "route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n")
    command = [
        binary,
        f"--config.file={path}",
        f"--storage.path={workdir / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    with serving(command, port, workdir / "alertmanager.log") as url:
        yield url


@contextmanager
def running_node_exporter(workdir: Path) -> Iterator[tuple[str, Path]]:
    """A real node-exporter on a free loopback port with its textfile collector alone (quick to
    scrape); yields its base URL and the textfile directory (see ``write_textfile``)."""
    binary = ensure_binary("prometheus-node-exporter", "prometheus-node-exporter")
    port = free_port()
    textfiles = workdir / "textfile"
    textfiles.mkdir(parents=True, exist_ok=True)
    command = [
        binary,
        f"--web.listen-address=127.0.0.1:{port}",
        "--collector.disable-defaults",
        "--collector.textfile",
        f"--collector.textfile.directory={textfiles}",
    ]
    with serving(command, port, workdir / "node-exporter.log", ready_path="/metrics") as url:
        yield url, textfiles


def write_textfile(directory: Path, name: str, text: str) -> None:
    """Replace ``name``.prom in a textfile collector's directory atomically, so no scrape sees
    it half-written: write a temporary file beside it (not ``*.prom``), then rename."""
    temporary = directory / f".{name}.prom.tmp"
    temporary.write_text(text if text.endswith("\n") else text + "\n")
    temporary.replace(directory / f"{name}.prom")


@contextmanager
def serving(
    command: list[str], port: int, log: Path, ready_path: str = "/-/ready"
) -> Iterator[str]:
    """Run a Prometheus-family server on ``port``, its output in ``log``; yields its base URL
    once ``ready_path`` answers 200, stops it (by its PID) afterwards."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, proc, log, path=ready_path)
        yield url
    finally:
        stop_process(proc)


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


class Receiver:
    """A loopback HTTP server that answers every POST 200 and records it: path, headers and the
    JSON body (``None`` when the body is not JSON)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], Any]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(data)
                except ValueError:
                    body = None
                with outer._lock:
                    outer.posts.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def bodies(self, path: str | None = None) -> list[Any]:
        with self._lock:
            return [body for p, _, body in self.posts if path is None or p == path]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
