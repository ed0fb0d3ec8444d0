"""What every demo HTTP service shares: a threaded HTTP server on 127.0.0.1, its Prometheus
metrics, and how it tells the demo where it listens.

A service binds an ephemeral port (``DEMO_PORT`` picks one) and prints ``listening PORT`` as
its first line of output, so the demo never guesses a free port that another process could
take first. Every request is counted in the service's own Prometheus metrics, served at
``/metrics``: ``http_requests_total{path, code}``, ``http_request_errors_total{path}`` (a 5xx
answer) and the latency histogram ``http_request_duration_seconds{path}``; the scraper adds
the ``service`` and ``version`` labels, as a Prometheus scrape config would. SIGTERM stops
accepting requests and lets the ones in flight finish.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

#: latency buckets fine enough that a p90 read from them moves with a few milliseconds
BUCKETS = (0.001, 0.0015, 0.002, 0.003, 0.004, 0.006, 0.008, 0.012, 0.016, 0.024, 0.032,
           0.048, 0.064, 0.096, 0.128, 0.192, 0.256, 0.384, 0.512, 1.0, 2.5, 5.0)  # fmt: skip

REQUESTS = Counter("http_requests_total", "Requests answered.", ["path", "code"])
ERRORS = Counter("http_request_errors_total", "Requests answered with a 5xx.", ["path"])
LATENCY = Histogram("http_request_duration_seconds", "Time to answer a request.", ["path"],
                    buckets=BUCKETS)  # fmt: skip


class UpstreamError(Exception):
    """A dependency failed: the request is answered 502."""


#: a route: query parameters in, JSON-able answer out
Route = Callable[[dict[str, list[str]]], Any]


def version() -> str:
    return os.environ.get("DEMO_VERSION", "1")


def serve(routes: dict[str, Route]) -> None:
    """Serve ``routes`` (path -> function) and ``/metrics`` until SIGTERM."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/metrics":
                self._send(200, generate_latest(), CONTENT_TYPE_LATEST)
                return
            route = routes.get(url.path)
            if route is None:
                self._send(404, b'{"error": "no such path"}', "application/json")
                return
            began = time.perf_counter()
            try:
                code, body = 200, json.dumps(route(parse_qs(url.query))).encode()
            except UpstreamError as exc:
                code, body = 502, json.dumps({"error": str(exc)}).encode()
            self._send(code, body, "application/json")
            LATENCY.labels(url.path).observe(time.perf_counter() - began)
            REQUESTS.labels(url.path, str(code)).inc()
            if code >= 500:
                ERRORS.labels(url.path).inc()

        def _send(self, code: int, body: bytes, content_type: str) -> None:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("DEMO_PORT", "0"))), Handler)
    server.daemon_threads = False  # in-flight requests finish on shutdown
    server.block_on_close = True

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        server.server_close()
    sys.exit(0)
