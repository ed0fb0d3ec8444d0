"""storefront: the fleet's front door, an HTTP service that calls checkout and search.

``GET /buy?order=N`` asks ``search`` for the order's recommendations and ``checkout`` for its
total, over HTTP, and renders the page: its latency holds both of theirs, so a slower
checkout makes the storefront slow too. A dependency that fails or cannot be reached makes
the answer a 502 (counted in ``http_request_errors_total``).

Where its dependencies listen is read from the demo's targets file (``DEMO_TARGETS``, the
JSON a Prometheus ``file_sd_configs`` reads: ``[{"targets": ["127.0.0.1:PORT"], "labels":
{"service": ..., "version": ...}}]``), again whenever it changes, so a deploy or a canary
added beside the running version gets its share of requests (round robin over the
instances of a service).
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from efficiency.demo.services.web import UpstreamError, serve

#: what storefront calls
DEPENDENCIES = ("checkout", "search")


class Upstreams:
    """The instances of each dependency, from the targets file, in round robin."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mtime = 0.0
        self.lock = threading.Lock()
        self.turns: dict[str, itertools.count[int]] = {}
        self.instances: dict[str, list[str]] = {}

    def pick(self, service: str) -> str:
        with self.lock:
            try:
                mtime = self.path.stat().st_mtime
            except FileNotFoundError:
                mtime = 0.0
            if mtime != self.mtime:
                self.mtime, self.instances = mtime, self._read()
            found = self.instances.get(service) or []
            if not found:
                raise UpstreamError(f"no {service} instance in {self.path}")
            turn = self.turns.setdefault(service, itertools.count())
            return found[next(turn) % len(found)]

    def _read(self) -> dict[str, list[str]]:
        try:
            groups = json.loads(self.path.read_text() or "[]")
        except (OSError, ValueError):
            return self.instances  # a file being replaced: keep what was known
        found: dict[str, list[str]] = {}
        for group in groups:
            found.setdefault(group["labels"]["service"], []).extend(group["targets"])
        return found


def call(upstreams: Upstreams, service: str, path: str) -> Any:
    url = f"http://{upstreams.pick(service)}{path}"
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return json.loads(reply.read())
    except (OSError, ValueError) as exc:  # refused, reset, timed out, an HTTP error answer
        raise UpstreamError(f"{service}: {exc}") from exc


def render_page(order: int, recommended: list[int], total: str) -> str:
    rows = "".join(f"<li>item {i} for order {order}</li>" for i in recommended for _ in range(2000))
    return f"<h1>order {order}</h1><ul>{rows}</ul><p>total {total}</p>"


def buy(upstreams: Upstreams, query: dict[str, list[str]]) -> dict[str, Any]:
    order = int(query.get("order", ["0"])[0])
    words = f"w{order % 400}+w{(order * 7) % 400}+w{(order * 13) % 400}"
    recommended = call(upstreams, "search", f"/search?q={words}")
    priced = call(upstreams, "checkout", f"/checkout?order={order}")
    page = render_page(order, recommended, priced["total"])
    return {"order": order, "total": priced["total"], "bytes": len(page)}


def main() -> None:
    upstreams = Upstreams(Path(os.environ.get("DEMO_TARGETS", "targets.json")))
    serve({"/buy": lambda q: buy(upstreams, q)})


if __name__ == "__main__":
    main()
