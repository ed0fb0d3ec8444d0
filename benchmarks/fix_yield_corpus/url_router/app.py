"""Request routing for the shop's API gateway: a path to a handler and its parameters, and
the per-handler request counts the gateway reports."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    handler: str
    params: tuple[tuple[str, str], ...] = ()


NOT_FOUND = Route("not_found")


@dataclass
class Router:
    """Routes ``(method, path)`` pairs; unknown paths go to ``not_found``, a known path with
    the wrong method to ``method_not_allowed``."""

    prefix: str = "/api"
    hits: Counter[str] = field(default_factory=Counter)

    def route_batch(self, requests: Iterable[tuple[str, str]]) -> list[Route]:
        routes = []
        for method, path in requests:
            if not path.startswith(self.prefix):
                route = NOT_FOUND
            else:
                rest = path[len(self.prefix) :].rstrip("/") or "/"
                if match := re.compile(r"/products/(\d+)").fullmatch(rest):
                    route = Route("product", (("id", match.group(1)),))
                elif match := re.compile(r"/users/(\w+)/orders/(\d+)").fullmatch(rest):
                    route = Route("order", (("user", match.group(1)), ("id", match.group(2))))
                elif match := re.compile(r"/search/([\w-]+)").fullmatch(rest):
                    route = Route("search", (("q", match.group(1)),))
                elif re.compile(r"/(health|ready)").fullmatch(rest):
                    route = Route("probe")
                else:
                    route = NOT_FOUND
                if route.handler in ("product", "order", "probe") and method != "GET":
                    route = Route("method_not_allowed")
            self.hits[route.handler] += 1
            routes.append(route)
        return routes
