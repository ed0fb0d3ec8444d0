"""Speedscope JSON (``py-spy record --format speedscope`` and other exporters).

Sampled profiles list root-first frame-index stacks with a weight each; evented profiles list
open/close events. Weights in a time unit become sample counts at the file's own sampling
interval (the smallest weight), which for py-spy is exactly one sample each.
"""

from __future__ import annotations

import json
from typing import Any

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.model import FrameKey, ParsedProfile, classify_runtime

_TIME_UNITS = {"nanoseconds": 1e-9, "microseconds": 1e-6, "milliseconds": 1e-3, "seconds": 1.0}


def _frames(doc: dict[str, Any]) -> list[FrameKey]:
    shared = doc.get("shared")
    if not isinstance(shared, dict) or not isinstance(shared.get("frames"), list):
        raise InputError("shared.frames", "missing or not a list")
    out = []
    for i, f in enumerate(shared["frames"]):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise InputError(f"shared.frames[{i}].name", "missing or not a string")
        file = f.get("file") or ""
        line = f.get("line") or 0
        if not isinstance(file, str) or not isinstance(line, int):
            raise InputError(f"shared.frames[{i}]", "file must be a string and line an integer")
        out.append(FrameKey(f["name"], file, line, classify_runtime(f["name"], file)))
    return out


def _sampled(prof: dict[str, Any], where: str, nframes: int) -> list[tuple[list[int], float]]:
    samples, weights = prof.get("samples"), prof.get("weights")
    if not isinstance(samples, list):
        raise InputError(f"{where}.samples", "missing or not a list")
    if weights is None:
        weights = [1.0] * len(samples)
    if not isinstance(weights, list) or len(weights) != len(samples):
        raise InputError(f"{where}.weights", "must be a list as long as samples")
    out = []
    for j, (stack, w) in enumerate(zip(samples, weights, strict=True)):
        if not isinstance(stack, list) or not all(
            isinstance(i, int) and 0 <= i < nframes for i in stack
        ):
            raise InputError(f"{where}.samples[{j}]", "must be a list of frame indexes")
        if not isinstance(w, int | float) or w < 0:
            raise InputError(f"{where}.weights[{j}]", "must be a non-negative number")
        out.append((stack, float(w)))
    return out


def _evented(prof: dict[str, Any], where: str, nframes: int) -> list[tuple[list[int], float]]:
    events = prof.get("events")
    if not isinstance(events, list):
        raise InputError(f"{where}.events", "missing or not a list")
    out: list[tuple[list[int], float]] = []
    stack: list[int] = []
    last = None
    for j, ev in enumerate(events):
        if not isinstance(ev, dict) or ev.get("type") not in ("O", "C"):
            raise InputError(f"{where}.events[{j}].type", "must be 'O' or 'C'")
        at, frame = ev.get("at"), ev.get("frame")
        if (
            not isinstance(at, int | float)
            or not isinstance(frame, int)
            or not (0 <= frame < nframes)
        ):
            raise InputError(f"{where}.events[{j}]", "needs a numeric 'at' and a frame index")
        if last is not None and stack and at > last:
            out.append((list(stack), float(at - last)))
        last = at
        if ev["type"] == "O":
            stack.append(frame)
        elif not stack or stack[-1] != frame:
            raise InputError(f"{where}.events[{j}]", "closes a frame that is not open")
        else:
            stack.pop()
    return out


def parse_speedscope(data: bytes | str) -> ParsedProfile:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError("", f"not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("profiles"), list):
        raise InputError("profiles", "missing or not a list")
    frames = _frames(doc)
    weighted: list[tuple[list[int], float]] = []
    unit = "none"
    for i, prof in enumerate(doc["profiles"]):
        where = f"profiles[{i}]"
        if not isinstance(prof, dict):
            raise InputError(where, "must be an object")
        unit = prof.get("unit", "none")
        kind = prof.get("type")
        if kind == "sampled":
            weighted += _sampled(prof, where, len(frames))
        elif kind == "evented":
            weighted += _evented(prof, where, len(frames))
        else:
            raise InputError(f"{where}.type", "must be 'sampled' or 'evented'")
    profile = ParsedProfile()
    positive = [w for _, w in weighted if w > 0]
    step = min(positive) if positive and unit in _TIME_UNITS else 1.0
    if unit in _TIME_UNITS and positive:
        profile.rate_hz = round(1.0 / (step * _TIME_UNITS[unit]), 6)
    for stack, w in weighted:
        profile.add_stack([frames[i] for i in stack], round(w / step))
    exporter = doc.get("exporter")
    if isinstance(exporter, str):
        profile.labels["exporter"] = exporter
    return profile
