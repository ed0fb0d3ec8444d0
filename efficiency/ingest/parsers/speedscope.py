"""Speedscope JSON (``py-spy record --format speedscope`` and other exporters).

Sampled profiles list root-first frame-index stacks with a weight each; evented profiles list
open/close events. Weights in a time unit become sample counts at the file's own sampling
interval (its smallest weight, each profile in its own unit), which for py-spy is exactly one
sample each; unit ``none`` weights are counts already.
"""

from __future__ import annotations

import json
import math
from typing import Any

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.model import FrameKey, ParsedProfile, make_frame

_TIME_UNITS = {"nanoseconds": 1e-9, "microseconds": 1e-6, "milliseconds": 1e-3, "seconds": 1.0}
#: more samples than this for one stack means the weights make no sense as samples
_MAX_COUNT = 10**12


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    if _is_int(v):
        return abs(v) < _MAX_COUNT**2
    return isinstance(v, float) and math.isfinite(v)


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
        if not isinstance(file, str) or not _is_int(line):
            raise InputError(f"shared.frames[{i}]", "file must be a string and line an integer")
        try:
            out.append(make_frame(f["name"], file, line))
        except InputError as exc:
            raise InputError(f"shared.frames[{i}]", exc.message) from None
    return out


def _sampled(prof: dict[str, Any], where: str, nframes: int) -> list[tuple[list[int], float]]:
    samples, weights = prof.get("samples"), prof.get("weights")
    if not isinstance(samples, list):
        raise InputError(f"{where}.samples", "missing or not a list")
    if weights is None:
        weights = [1] * len(samples)
    if not isinstance(weights, list) or len(weights) != len(samples):
        raise InputError(f"{where}.weights", "must be a list as long as samples")
    out = []
    for j, (stack, w) in enumerate(zip(samples, weights, strict=True)):
        if not isinstance(stack, list) or not all(_is_int(i) and 0 <= i < nframes for i in stack):
            raise InputError(f"{where}.samples[{j}]", "must be a list of frame indexes")
        if not _is_number(w) or w < 0:
            raise InputError(f"{where}.weights[{j}]", "must be a finite, non-negative number")
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
        if not _is_number(at) or not _is_int(frame) or not 0 <= frame < nframes:
            raise InputError(f"{where}.events[{j}]", "needs a finite 'at' and a frame index")
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


def _load(data: bytes | str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InputError("", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError("", "not valid JSON: nested too deeply") from None


def parse_speedscope(data: bytes | str) -> ParsedProfile:
    doc = _load(data)
    if not isinstance(doc, dict) or not isinstance(doc.get("profiles"), list):
        raise InputError("profiles", "missing or not a list")
    frames = _frames(doc)
    timed: list[tuple[list[int], float]] = []  # weights in seconds
    counted: list[tuple[list[int], float]] = []  # unit "none": weights are counts
    for i, prof in enumerate(doc["profiles"]):
        where = f"profiles[{i}]"
        if not isinstance(prof, dict):
            raise InputError(where, "must be an object")
        unit = prof.get("unit", "none")
        if not isinstance(unit, str):
            raise InputError(f"{where}.unit", "must be a string")
        kind = prof.get("type")
        if kind == "sampled":
            weighted = _sampled(prof, where, len(frames))
        elif kind == "evented":
            weighted = _evented(prof, where, len(frames))
        else:
            raise InputError(f"{where}.type", "must be 'sampled' or 'evented'")
        if unit in _TIME_UNITS:
            timed += [(stack, w * _TIME_UNITS[unit]) for stack, w in weighted]
        else:
            counted += weighted
    profile = ParsedProfile()
    positive = [w for _, w in timed if w > 0]
    step = min(positive) if positive else 1.0
    if positive:
        profile.rate_hz = round(1.0 / step, 6)
    for stacks, divisor in ((timed, step), (counted, 1.0)):
        for stack, w in stacks:
            count = w / divisor
            if not count < _MAX_COUNT:
                raise InputError("weights", "a weight is too large for the sampling interval")
            profile.add_stack([frames[i] for i in stack], round(count))
    exporter = doc.get("exporter")
    if isinstance(exporter, str):
        profile.labels["exporter"] = exporter
    return profile
