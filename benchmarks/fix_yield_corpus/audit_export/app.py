"""Audit-trail export: each event as canonical JSON (sorted keys) with its SHA-256, so the
compliance archive can check nothing was altered."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any


def export_events(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """One entry per event: ``<sha256 of the JSON> <the JSON>``; the JSON is indented for
    the reviewers who read the archive."""
    lines = []
    for event in events:
        body = json.dumps(event, sort_keys=True, indent=1, ensure_ascii=False)
        digest = hashlib.sha256(body.encode()).hexdigest()
        lines.append(f"{digest} {body}")
    return lines
