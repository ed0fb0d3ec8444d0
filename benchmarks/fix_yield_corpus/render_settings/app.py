"""Per-request render settings for an image service: the module defaults, with the request's
size snapped to the nearest allowed width and its format checked against the allowed ones."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    "widths": [64, 128, 256, 512, 1024, 2048],
    "formats": {"jpeg": {"quality": 82}, "webp": {"quality": 75}, "png": {"quality": None}},
    "fallback": "jpeg",
    "watermark": {"text": "(c) example", "opacity": 0.3, "corners": ["se", "sw"]},
}


def _settings() -> dict[str, Any]:
    return copy.deepcopy(DEFAULTS)


def render_plan(requests: Iterable[Mapping[str, Any]]) -> list[tuple[int, str, int | None]]:
    """Per request, ``(width, format, quality)``."""
    plans = []
    for request in requests:
        settings = _settings()
        width = min(settings["widths"], key=lambda w: (abs(w - request["width"]), w))
        fmt = request["format"]
        if fmt not in settings["formats"]:
            fmt = settings["fallback"]
        plans.append((width, fmt, settings["formats"][fmt]["quality"]))
    return plans
