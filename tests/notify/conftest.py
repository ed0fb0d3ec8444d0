"""Real receivers for the notifier tests: a loopback HTTP server that records every request
and answers what the test scripts (202, 400, 429, 500, ...), and a real SMTP server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from efficiency.services import ServicesCatalog, parse_services
from efficiency.store.incidents import Incident
from tests.servers import free_port

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Receiver:
    """A loopback HTTP receiver: ``script`` holds the statuses of the next answers (then
    ``default``); ``requests`` holds every request, its JSON body parsed."""

    url: str
    default: tuple[int, str] = (202, '{"status": "success"}')
    script: list[tuple[int, str]] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.script.extend((s, json.dumps({"status": s})) for s in statuses)

    def bodies(self, path: str | None = None) -> list[Any]:
        with self.lock:
            return [r.body for r in self.requests if path is None or r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with state.lock:
                state.requests.append(
                    Received(self.path, dict(self.headers), json.loads(raw or b"null"))
                )
                status, text = state.script.pop(0) if state.script else state.default
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


class Mailbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Any] = []

    def handle_message(self, message: Any) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, box
    controller.stop()


def catalog_for(receiver: Receiver, smtp_port: int | None = None) -> ServicesCatalog:
    """payments pages PagerDuty on critical and the webhook on warning; platform (the
    default team) gets Slack."""
    teams: dict[str, Any] = {
        "payments": {
            "routes": [
                {
                    "pagerduty": {"routing_key": "R" * 32, "url": f"{receiver.url}/v2/enqueue"},
                    "min_severity": "critical",
                },
                {"webhook": {"url": f"{receiver.url}/hook", "headers": {"X-Token": "t"}}},
            ]
        },
        "platform": {"routes": [{"slack": {"webhook_url": f"{receiver.url}/slack"}}]},
    }
    if smtp_port:
        teams["payments"]["routes"].append(
            {
                "email": {
                    "to": "oncall@example.com",
                    "from": "efficiency@example.com",
                    "smtp_host": "127.0.0.1",
                    "smtp_port": smtp_port,
                },
                "min_severity": "info",
            }
        )
    return parse_services(
        {
            "default_team": "platform",
            "teams": teams,
            "services": {
                "checkout": {"team": "payments", "dependencies": ["ledger"]},
                "ledger": {"team": "payments"},
            },
        }
    )


def make_incident(key: str = "inc-1", severity: str = "warning", **kw: Any) -> Incident:
    values: dict[str, Any] = {
        "key": key,
        "status": "open",
        "severity": severity,
        "title": "checkout latency up",
        "services": ["checkout"],
        "opened_at": T0,
        "updated_at": T0,
        "root_causes": [{"kind": "service", "name": "ledger", "score": 0.9, "evidence": []}],
    }
    return Incident(**{**values, **kw})


@pytest.fixture
def services_file(tmp_path: Path) -> Path:
    return tmp_path / "services.yaml"
