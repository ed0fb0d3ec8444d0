"""A user's service graph: which service calls which, in a small YAML or JSON file.

Any of these shapes (YAML or JSON, the file's content decides)::

    edges:                      # a list of caller -> callee pairs
      - {caller: frontend, callee: checkout}
      - [checkout, payments]    # or as two-element lists
    services:                   # or each caller with the services it calls
      checkout: [payments, ledger]

A bare list of pairs, or a bare mapping of caller to callees, works too. Errors name the file
and the entry, so a typo is found before it silently changes a ranking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from efficiency.ingest.errors import InputError


def _pair(item: Any, where: str) -> tuple[str, str]:
    if isinstance(item, dict) and set(item) == {"caller", "callee"}:
        a, b = item["caller"], item["callee"]
    elif isinstance(item, list | tuple) and len(item) == 2:
        a, b = item
    else:
        raise InputError(where, "an edge is {caller: A, callee: B} or [A, B]")
    if not (isinstance(a, str) and isinstance(b, str) and a and b):
        raise InputError(where, "caller and callee must be non-empty names")
    return a, b


def parse_service_graph(data: Any, source: str = "service graph") -> list[tuple[str, str]]:
    """Caller -> callee pairs from the parsed file content."""
    edges: list[tuple[str, str]] = []
    if isinstance(data, list):
        return [_pair(item, f"{source}: edges[{i}]") for i, item in enumerate(data)]
    if not isinstance(data, dict):
        raise InputError(source, "expected a mapping with 'edges' or 'services', or a list")
    if "edges" in data or "services" in data:
        unknown = set(data) - {"edges", "services"}
        if unknown:
            raise InputError(f"{source}: {sorted(unknown)[0]}", "unknown key")
        listed = data.get("edges") or []
        if not isinstance(listed, list):
            raise InputError(f"{source}: edges", "must be a list")
        edges += [_pair(item, f"{source}: edges[{i}]") for i, item in enumerate(listed)]
        data = data.get("services") or {}
        if not isinstance(data, dict):
            raise InputError(f"{source}: services", "must map a service to the ones it calls")
    for caller, callees in data.items():
        if isinstance(callees, str):
            callees = [callees]
        if not isinstance(callees, list):
            raise InputError(f"{source}: {caller}", "must be a list of service names")
        for i, callee in enumerate(callees):
            edges.append(_pair([str(caller), callee], f"{source}: {caller}[{i}]"))
    return edges


def load_service_graph(path: str | Path) -> list[tuple[str, str]]:
    """Read and check a service graph file (YAML or JSON)."""
    where = str(path)
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except OSError as exc:
        raise InputError(where, exc.strerror or "cannot be read") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(where, f"not YAML or JSON: {str(exc).splitlines()[0]}") from None
    return parse_service_graph(data if data is not None else [], where)
