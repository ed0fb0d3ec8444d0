"""Mail header parsing: ``Name: value`` header blocks to dicts, folded lines joined, names
lower-cased, and the parameters of ``Content-Type`` split out."""

from __future__ import annotations

import re
from collections.abc import Iterable


def split_params(value: str) -> tuple[str, dict[str, str]]:
    """``text/plain; charset="utf-8"`` to ``("text/plain", {"charset": "utf-8"})``."""
    head, _, rest = value.partition(";")
    params = {}
    for match in re.compile(r'\s*([\w-]+)\s*=\s*("([^"]*)"|[^;\s]+)\s*;?').finditer(rest):
        params[match.group(1).lower()] = (
            match.group(3) if match.group(3) is not None else match.group(2)
        )
    return head.strip().lower(), params


def parse_block(lines: Iterable[str]) -> dict[str, object]:
    headers: dict[str, object] = {}
    name = None
    for raw in lines:
        if raw[:1] in (" ", "\t") and name is not None:
            headers[name] = f"{headers[name]} {raw.strip()}"
            continue
        match = re.match(r"^([!-9;-~]+):\s*(.*)$", raw)
        if match is None:
            continue
        name = match.group(1).lower()
        headers[name] = match.group(2)
    if isinstance(headers.get("content-type"), str):
        headers["content-type"] = split_params(str(headers["content-type"]))
    return headers


def parse_all(blocks: Iterable[list[str]]) -> list[dict[str, object]]:
    return [parse_block(block) for block in blocks]
