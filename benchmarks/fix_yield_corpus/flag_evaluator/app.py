"""Feature-flag evaluation per request: the defaults, overridden by the tenant's rules, and
the request's own overrides, without ever changing the shared defaults."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any


class FlagEvaluator:
    def __init__(self, defaults: Mapping[str, Any], tenants: Mapping[str, Mapping[str, Any]]):
        self.defaults = defaults
        self.tenants = tenants

    def evaluate(self, requests: Iterable[tuple[str, Mapping[str, Any]]]) -> list[dict[str, Any]]:
        """Per ``(tenant, overrides)`` request, its flags: a nested ``limits`` mapping merges
        key by key, any other flag is replaced."""
        results = []
        for tenant, overrides in requests:
            flags = copy.deepcopy(self.defaults)
            for layer in (self.tenants.get(tenant, {}), overrides):
                for name, value in layer.items():
                    if name == "limits":
                        flags["limits"].update(value)
                    else:
                        flags[name] = value
            results.append(flags)
        return results
