"""What a failed canary fires, end to end: `efficiency canary` over ingested windows, a real
webhook receiver on loopback for the rollback hook and the owning team's page, a real SQLite
file, real processes killed with SIGKILL. The hook arrives exactly once per failed canary:
judged twice, retried after an HTTP 500, or orphaned by a killed process and sent by the
next one; a passing canary fires nothing; the incident links the deploy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from efficiency.cli import cli
from efficiency.config import load_config
from efficiency.daemon import Pipeline
from efficiency.store.canary_queries import judged_canary_windows
from efficiency.store.db import Database
from efficiency.store.incidents import Incident, Page
from efficiency.store.profiles import ProfileWindow
from tests.servers import free_port, stop_process
from tests.test_cli_canary import T0, WHEN, _windows

TOKEN = "deploy-system-token"


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class HookReceiver:
    """A loopback HTTP receiver. ``script[path]`` holds the statuses of the next answers on
    that path (then 200); ``requests`` every request answered. ``hold(path)``: the next
    request on ``path`` is left unread and unanswered until ``drop()``, which closes it
    without acting on it: what a sender killed mid-delivery leaves behind."""

    url: str = ""
    script: dict[str, list[int]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    held_keys: list[str] = field(default_factory=list)
    holding: str = ""
    held: threading.Event = field(default_factory=threading.Event)
    dropped: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hold(self, path: str) -> None:
        self.holding = path

    def drop(self) -> None:
        self.dropped.set()

    def acted(self, path: str) -> list[Request]:
        """The requests on ``path`` the receiver accepted (2xx)."""
        with self.lock:
            return [r for r in self.requests if r.path == path and r.status < 300]

    def on(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if r.path == path]


@contextmanager
def hook_receiver() -> Iterator[HookReceiver]:
    state = HookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            with state.lock:
                hold = state.holding == self.path
                if hold:
                    state.holding = ""
                    state.held_keys.append(self.headers.get("Idempotency-Key", ""))
            if hold:
                state.held.set()
                state.dropped.wait(60)
                self.close_connection = True
                return
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                queue = state.script.get(self.path, [])
                status = queue.pop(0) if queue else 200
                state.requests.append(
                    Request(self.path, dict(self.headers), json.loads(raw or b"null"), status)
                )
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield state
    state.drop()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def hooks() -> Iterator[HookReceiver]:
    with hook_receiver() as state:
        yield state


@dataclass
class Setup:
    db_path: Path
    config: Path
    receiver: HookReceiver

    def args(self, *more: str) -> list[str]:
        return ["--config", str(self.config), "--db", str(self.db_path), *more]

    def run(self, *more: str) -> tuple[int, str]:
        result = CliRunner().invoke(cli, self.args(*more))
        return result.exit_code, result.output

    def canary(self, *more: str) -> tuple[int, str]:
        return self.run("canary", "--service", "checkout", "--canary", "version=v2",
                        "--control", "version=v1", *WHEN, *more)  # fmt: skip

    def database(self) -> Database:
        return Database(f"sqlite:///{self.db_path}")


def _setup(tmp_path: Path, receiver: HookReceiver, extra: float) -> Setup:
    services = tmp_path / "services.yaml"
    services.write_text(
        "default_team: platform\nteams:\n  payments:\n    routes:\n"
        f'      - webhook: {{url: "{receiver.url}/team"}}\n  platform:\n    routes: []\n'
        "services:\n  checkout: {team: payments}\n"
    )
    config = tmp_path / "efficiency.toml"
    config.write_text(
        f'[notify]\nservices_file = "{services}"\nretry_initial_seconds = 1.0\n\n'
        f'[canary]\nrollback_webhook = "{receiver.url}/rollback"\n'
        f'rollback_token = "{TOKEN}"\n\n'
        '[canary.services.checkout]\nrollback_headers = {"X-Deploy-Env" = "prod"}\n'
    )
    setup = Setup(tmp_path / "e.db", config, receiver)
    seed = 1 if extra else 3  # the seeds of tests/test_cli_canary.py's fail and pass
    lines = _windows("v1", 0.0, 8, 6000, seed) + _windows("v2", extra, 8, 6000, seed + 1)
    (tmp_path / "w.jsonl").write_text("\n".join(lines) + "\n")
    code, out = setup.run("ingest", "profile", str(tmp_path / "w.jsonl"), "--format", "jsonl")
    assert code == 0, out
    deploy = {"service": "checkout", "kind": "deploy", "version": "2", "commit": "abc123",
              "at": (T0 - timedelta(minutes=5)).isoformat()}  # fmt: skip
    other = {**deploy, "service": "search", "version": "7"}
    (tmp_path / "c.jsonl").write_text(f"{json.dumps(deploy)}\n{json.dumps(other)}\n")
    code, out = setup.run("ingest", "changes", str(tmp_path / "c.jsonl"))
    assert code == 0, out
    return setup


def test_failed_canary_fires_the_hook_pages_and_opens_an_incident_once(
    tmp_path: Path, hooks: HookReceiver
) -> None:
    setup = _setup(tmp_path, hooks, extra=0.10)
    code, out = setup.canary("--json")
    assert code == 1, out
    doc = json.loads(out)
    assert doc["verdict"] == "fail" and doc["failures"][0]["function"] == "line_total"
    fired = doc["rollback"]
    assert {(o["route"], o["action"], o["state"]) for o in fired["outbox"]} == {
        ("canary-rollback", "rollback", "sent"),
        ("payments/0-webhook", "trigger", "sent"),
    }, fired
    (hook,) = hooks.acted("/rollback")
    assert hook.headers["Authorization"] == f"Bearer {TOKEN}"
    assert hook.headers["X-Deploy-Env"] == "prod"
    body = hook.body
    assert body["idempotency_key"] == hook.headers["Idempotency-Key"]
    assert (body["service"], body["verdict"], body["canary_run_id"]) == (
        "checkout", "fail", doc["id"])  # fmt: skip
    assert body["canary"]["labels"] == {"version": ["v2"]}
    assert body["control"]["selector"] == "version=v1"
    top = body["failures"][0]
    assert top["function"] == "line_total" and top["p_value"] < 1e-3
    assert top["relative"] > 0.05 and top["cores"] > 0 and top["dollars_per_month"] > 0
    assert body["change"]["version"] == "2" and body["incident"]["id"] == fired["incident_id"]
    (page,) = hooks.acted("/team")
    assert page.body["incident"]["id"] == fired["incident_id"]
    assert page.body["team"] == "payments"

    # the incident: the canary's deploy as suspected change, the function as evidence
    code, out = setup.run("incidents", "show", str(fired["incident_id"]), "--json")
    incident = json.loads(out)
    assert incident["severity"] == "critical" and incident["services"] == ["checkout"]
    (change,) = incident["suspected_changes"]
    assert (change["id"], change["version"]) == (fired["change_id"], "2")
    kinds = [(rc["kind"], rc["name"]) for rc in incident["root_causes"]]
    assert kinds[0] == ("change", "checkout@2") and ("function", "checkout:line_total") in kinds

    # judged again (a retried pipeline step) and delivered by the daemon: nothing new
    code, out = setup.canary()
    assert code == 1 and f"fired: incident {fired['incident_id']}" in out, out
    Pipeline(load_config(setup.config, env={}), setup.database()).deliver(
        datetime.now(UTC) + timedelta(hours=1)
    )
    assert len(hooks.on("/rollback")) == 1 and len(hooks.on("/team")) == 1
    with setup.database().session() as s:
        assert len(s.scalars(select(Incident)).all()) == 1
        assert len(s.scalars(select(Page)).all()) == 2

    # once its incident is resolved, the same canary failing again is news: it fires once more
    code, out = setup.run("incidents", "resolve", str(fired["incident_id"]))
    assert code == 0, out
    for _ in range(2):
        code, out = setup.canary()
        assert code == 1, out
    again = [r.body for r in hooks.acted("/rollback")]
    assert len(again) == 2 and again[1]["incident"]["id"] != fired["incident_id"]
    assert again[1]["idempotency_key"] != again[0]["idempotency_key"]


def test_passing_canary_fires_nothing(tmp_path: Path, hooks: HookReceiver) -> None:
    setup = _setup(tmp_path, hooks, extra=0.0)
    code, out = setup.canary("--json")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["verdict"] == "pass" and doc["rollback"] is None and doc["failures"] == []
    Pipeline(load_config(setup.config, env={}), setup.database()).deliver()
    assert hooks.requests == []
    with setup.database().session() as s:
        assert s.scalars(select(Incident)).all() == [] and s.scalars(select(Page)).all() == []
        # fleet detection leaves out the windows judged as the canary, and only those
        judged = judged_canary_windows(s, T0 - timedelta(hours=1), T0 + timedelta(hours=1))
        canary = s.scalars(select(ProfileWindow.id).where(ProfileWindow.host.like("v2-%")))
        assert judged == set(canary) and len(judged) == 16


def test_a_500_is_retried_with_backoff_and_delivered_once(
    tmp_path: Path, hooks: HookReceiver
) -> None:
    setup = _setup(tmp_path, hooks, extra=0.10)
    hooks.script["/rollback"] = [500]
    code, out = setup.canary()
    assert code == 1 and "canary-rollback rollback: pending" in out, out
    with setup.database().session() as s:
        row = s.scalars(select(Page).where(Page.route == "canary-rollback")).one()
        assert (row.attempts, row.claimed_by) == (1, None) and "HTTP 500" in row.last_error
        due = row.next_attempt_at
    pipeline = Pipeline(load_config(setup.config, env={}), setup.database())
    assert pipeline.deliver(due - timedelta(milliseconds=1)).sent == 0  # backing off
    assert pipeline.deliver(due).sent == 1
    assert pipeline.deliver(due + timedelta(hours=1)).sent == 0
    tries = hooks.on("/rollback")
    assert [r.status for r in tries] == [500, 200]
    assert tries[0].headers["Idempotency-Key"] == tries[1].headers["Idempotency-Key"]
    code, out = setup.canary("--json")
    assert [o["state"] for o in json.loads(out)["rollback"]["outbox"]] == ["sent", "sent"]


@pytest.mark.slow
def test_a_process_killed_between_planning_and_delivery_leaves_it_to_the_next(
    tmp_path: Path, hooks: HookReceiver
) -> None:
    """SIGKILL while the hook is on its way (claimed, not answered): the next process, a
    second `efficiency canary` of the same canary, sends it at once, exactly once; the
    daemon's delivery afterwards sends nothing."""
    setup = _setup(tmp_path, hooks, extra=0.10)
    hooks.hold("/rollback")
    argv = [sys.executable, "-m", "efficiency", *setup.args("canary", "--service", "checkout",
            "--canary", "version=v2", "--control", "version=v1", *WHEN)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    try:
        assert hooks.held.wait(120), "the hook never reached the receiver"
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        hooks.drop()
    with setup.database().session() as s:
        row = s.scalars(select(Page).where(Page.route == "canary-rollback")).one()
        assert (row.state, row.attempts) == ("pending", 1) and row.claimed_by
        assert row.next_attempt_at > datetime.now(UTC)  # a lease the dead process held
    assert hooks.acted("/rollback") == []

    second = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 1, second.stdout + second.stderr
    assert "canary-rollback rollback: sent" in second.stdout
    (hook,) = hooks.acted("/rollback")
    assert hook.headers["Idempotency-Key"] == hooks.held_keys[0]
    Pipeline(load_config(setup.config, env={}), setup.database()).deliver(
        datetime.now(UTC) + timedelta(hours=1)
    )
    assert len(hooks.on("/rollback")) == 1 and len(hooks.acted("/team")) == 1


def _daemon(setup: Setup, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "efficiency", *setup.args("daemon", "--port", str(port))],
            stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"daemon exited at start: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).is_success:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    pytest.fail(f"daemon not ready in 60 s: {log.read_text()[-2000:]}")


@pytest.mark.slow
def test_the_hook_is_sent_once_across_a_daemon_restart(tmp_path: Path, hooks: HookReceiver) -> None:
    """`POST /api/v1/canary` to a real daemon, which is SIGKILLed with the hook claimed and
    unanswered; the restarted daemon sends it on its first pass, once; the same canary
    posted again after the restart fires nothing new."""
    setup = _setup(tmp_path, hooks, extra=0.10)
    with setup.config.open("a") as f:
        f.write("\n[daemon]\ntick_seconds = 0.3\ndetect_seconds = 0\n")
    port, log = free_port(), tmp_path / "daemon.log"
    body = {"service": "checkout", "canary": "version=v2", "control": "version=v1",
            "from": WHEN[1], "to": WHEN[3]}  # fmt: skip
    hooks.hold("/rollback")
    daemon = _daemon(setup, port, log)
    posted: list[BaseException | int] = []

    def post() -> None:
        try:
            posted.append(httpx.post(f"http://127.0.0.1:{port}/api/v1/canary", json=body,
                                     timeout=120).status_code)  # fmt: skip
        except httpx.TransportError as exc:
            posted.append(exc)

    thread = threading.Thread(target=post)
    thread.start()
    try:
        assert hooks.held.wait(120), log.read_text()[-2000:]
    finally:
        os.kill(daemon.pid, signal.SIGKILL)
        daemon.wait()
        hooks.drop()
        thread.join(30)
    # the request either died with the daemon (it was sending the hook) or had answered
    # already (the daemon's own delivery pass claimed the hook first): a race of two senders
    # in one process; either way nothing was acted on
    assert hooks.acted("/rollback") == []
    assert isinstance(posted[0], httpx.TransportError) or posted[0] == 201

    daemon = _daemon(setup, port, log)
    try:
        deadline = time.monotonic() + 30  # the first pass, not the end of the 120 s lease
        while not hooks.acted("/rollback") and time.monotonic() < deadline:
            time.sleep(0.1)
        (hook,) = hooks.acted("/rollback")
        assert hook.headers["Idempotency-Key"] == hooks.held_keys[0]
        again = httpx.post(f"http://127.0.0.1:{port}/api/v1/canary", json=body, timeout=120)
        assert again.status_code == 201 and again.json()["verdict"] == "fail"
        states = {o["route"]: o["state"] for o in again.json()["rollback"]["outbox"]}
        assert states == {"canary-rollback": "sent", "payments/0-webhook": "sent"}
        time.sleep(1.0)  # a few more ticks of the daemon
        assert len(hooks.on("/rollback")) == 1
        # the team page may have been answered in the instant before the SIGKILL, before its
        # row was recorded: at-least-once, so it can be sent again, but only with its one key
        team = hooks.on("/team")
        assert 1 <= len(team) <= 2
        assert len({r.headers["Idempotency-Key"] for r in team}) == 1
    finally:
        stop_process(daemon)
