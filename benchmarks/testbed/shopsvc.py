"""One service of the testbed shop: a real HTTP server that does some CPU work per request,
calls the services it depends on over HTTP, and exports Prometheus metrics.

Run as ``python -m benchmarks.testbed.shopsvc --name checkout --port 8000 --call
payments=http://10.213.0.14:8000 ...``. ``GET /`` serves a request; ``GET /metrics`` is the
Prometheus exposition; ``POST /fault`` with ``{"kind": ...}`` switches an injected fault of the
service's own code on (``cpu``: a busy thread hogging the interpreter, ``exception``: most
requests raise, ``wrong_return``: most answers carry an empty item list, which callers reject,
``leak``: every request keeps 1 MiB) or off (``none``). Network faults are not here: the
benchmark degrades the service's link from outside (``tc`` in its network namespace).

Metrics: ``http_server_requests_total{code}``, ``http_server_request_duration_seconds``,
``http_client_requests_total{client, server, outcome}``,
``http_client_request_duration_seconds{client, server}`` and the process collector's CPU and
memory. Stops by itself after ``--lifetime`` seconds (a bounded benchmark process).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUESTS = Counter("http_server_requests", "Requests served.", ["code"])
LATENCY = Histogram("http_server_request_duration_seconds", "Serving time.", buckets=BUCKETS)
CALLS = Counter("http_client_requests", "Calls made.", ["client", "server", "outcome"])
CALL_LATENCY = Histogram("http_client_request_duration_seconds", "Calling time.",
                         ["client", "server"], buckets=BUCKETS)  # fmt: skip


class Fault:
    kind = "none"
    leaked: list[bytearray] = []
    hog: threading.Thread | None = None


def _busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    x = 0
    while time.perf_counter() < end:
        x += 1


def _hog() -> None:
    while Fault.kind == "cpu":
        _busy(0.05)


class Service:
    def __init__(self, name: str, calls: dict[str, str], work_ms: float) -> None:
        self.name, self.calls, self.work = name, calls, work_ms / 1000

    def call(self, server: str, url: str) -> None:
        parts = urlsplit(url)
        started = time.perf_counter()
        outcome = "ok"
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
            conn.request("GET", "/")
            response = conn.getresponse()
            body = response.read()
            conn.close()
            if response.status >= 500:
                outcome = "error"
            elif not json.loads(body).get("items"):
                outcome = "invalid"  # a wrong answer: the caller cannot use it
        except (OSError, ValueError):
            outcome = "error"
        CALL_LATENCY.labels(self.name, server).observe(time.perf_counter() - started)
        CALLS.labels(self.name, server, outcome).inc()
        if outcome != "ok":
            raise RuntimeError(f"{server}: {outcome}")

    def serve(self) -> dict[str, Any]:
        _busy(self.work)
        if Fault.kind == "leak":
            Fault.leaked.append(bytearray(1 << 20))
        if Fault.kind == "exception" and random.random() < 0.6:
            raise RuntimeError("injected exception")
        for server, url in self.calls.items():
            self.call(server, url)
        if Fault.kind == "wrong_return" and random.random() < 0.6:
            return {"service": self.name, "items": []}
        return {"service": self.name, "items": [1, 2, 3]}


def handler(service: Service) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, code: int, body: bytes, kind: str = "application/json") -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            if self.path == "/metrics":
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
                return
            started = time.perf_counter()
            try:
                code, body = 200, json.dumps(service.serve()).encode()
            except RuntimeError as exc:
                code, body = 500, json.dumps({"error": str(exc)}).encode()
            LATENCY.observe(time.perf_counter() - started)
            REQUESTS.labels(str(code)).inc()
            self._send(code, body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            kind = json.loads(self.rfile.read(length) or b"{}").get("kind", "none")
            Fault.kind = kind
            if kind != "leak":
                Fault.leaked.clear()
            if kind == "cpu" and (Fault.hog is None or not Fault.hog.is_alive()):
                Fault.hog = threading.Thread(target=_hog, daemon=True)
                Fault.hog.start()
            self._send(200, json.dumps({"fault": kind}).encode())

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--host", default="0.0.0.0")  # inside its own network namespace
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--call", action="append", default=[], help="NAME=URL of a dependency")
    parser.add_argument("--work-ms", type=float, default=3.0)
    parser.add_argument("--lifetime", type=float, default=7200.0)
    args = parser.parse_args()
    calls = dict(item.split("=", 1) for item in args.call)
    service = Service(args.name, calls, args.work_ms)
    server = ThreadingHTTPServer((args.host, args.port), handler(service))
    server.daemon_threads = True
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
