"""Access policy per request: the base policy's limits, allowed actions and regional routing,
looked up for the request's plan, action and region."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from copy import deepcopy
from typing import Any


class PolicyResolver:
    def __init__(self, base: Mapping[str, Any]) -> None:
        self.base = base

    def resolve(self, request: Mapping[str, Any]) -> dict[str, Any]:
        policy = deepcopy(self.base)
        limits = policy["limits"]
        limit = limits.get(request["plan"], limits["default"])
        return {
            "allowed": request["action"] in policy["actions"],
            "limit": limit,
            "region": policy["routing"].get(request["region"], policy["routing"]["*"]),
        }

    def resolve_all(self, requests: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [self.resolve(request) for request in requests]
