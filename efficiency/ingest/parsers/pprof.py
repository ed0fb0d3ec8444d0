"""pprof profiles: gzip-compressed ``perftools.profiles.Profile`` protobuf, as written by Go's
``runtime/pprof``, Pyroscope and ``pprof`` itself.

Decoding uses the protobuf runtime with the message layout declared below (field numbers from
the published ``profile.proto``), so no generated code or protoc is needed.
"""

from __future__ import annotations

import gzip
import zlib
from functools import cache
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.message import DecodeError

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.model import FrameKey, ParsedProfile, make_frame
from efficiency.ingest.timeparse import parse_time

_F = descriptor_pb2.FieldDescriptorProto
_MESSAGES: dict[str, list[tuple[str, int, int, bool, str]]] = {
    # name: [(field, number, type, repeated, message type)]
    "ValueType": [("type", 1, _F.TYPE_INT64, False, ""), ("unit", 2, _F.TYPE_INT64, False, "")],
    "Label": [
        ("key", 1, _F.TYPE_INT64, False, ""),
        ("str", 2, _F.TYPE_INT64, False, ""),
        ("num", 3, _F.TYPE_INT64, False, ""),
        ("num_unit", 4, _F.TYPE_INT64, False, ""),
    ],
    "Sample": [
        ("location_id", 1, _F.TYPE_UINT64, True, ""),
        ("value", 2, _F.TYPE_INT64, True, ""),
        ("label", 3, _F.TYPE_MESSAGE, True, "Label"),
    ],
    "Mapping": [
        ("id", 1, _F.TYPE_UINT64, False, ""),
        ("memory_start", 2, _F.TYPE_UINT64, False, ""),
        ("memory_limit", 3, _F.TYPE_UINT64, False, ""),
        ("file_offset", 4, _F.TYPE_UINT64, False, ""),
        ("filename", 5, _F.TYPE_INT64, False, ""),
        ("build_id", 6, _F.TYPE_INT64, False, ""),
    ],
    "Line": [("function_id", 1, _F.TYPE_UINT64, False, ""), ("line", 2, _F.TYPE_INT64, False, "")],
    "Location": [
        ("id", 1, _F.TYPE_UINT64, False, ""),
        ("mapping_id", 2, _F.TYPE_UINT64, False, ""),
        ("address", 3, _F.TYPE_UINT64, False, ""),
        ("line", 4, _F.TYPE_MESSAGE, True, "Line"),
    ],
    "Function": [
        ("id", 1, _F.TYPE_UINT64, False, ""),
        ("name", 2, _F.TYPE_INT64, False, ""),
        ("system_name", 3, _F.TYPE_INT64, False, ""),
        ("filename", 4, _F.TYPE_INT64, False, ""),
        ("start_line", 5, _F.TYPE_INT64, False, ""),
    ],
    "Profile": [
        ("sample_type", 1, _F.TYPE_MESSAGE, True, "ValueType"),
        ("sample", 2, _F.TYPE_MESSAGE, True, "Sample"),
        ("mapping", 3, _F.TYPE_MESSAGE, True, "Mapping"),
        ("location", 4, _F.TYPE_MESSAGE, True, "Location"),
        ("function", 5, _F.TYPE_MESSAGE, True, "Function"),
        ("string_table", 6, _F.TYPE_STRING, True, ""),
        ("drop_frames", 7, _F.TYPE_INT64, False, ""),
        ("keep_frames", 8, _F.TYPE_INT64, False, ""),
        ("time_nanos", 9, _F.TYPE_INT64, False, ""),
        ("duration_nanos", 10, _F.TYPE_INT64, False, ""),
        ("period_type", 11, _F.TYPE_MESSAGE, False, "ValueType"),
        ("period", 12, _F.TYPE_INT64, False, ""),
        ("comment", 13, _F.TYPE_INT64, True, ""),
        ("default_sample_type", 14, _F.TYPE_INT64, False, ""),
    ],
}
_PACKAGE = "perftools.profiles"


@cache
def profile_message_class() -> Any:
    """The ``perftools.profiles.Profile`` message class (also used to write pprof files)."""
    fdp = descriptor_pb2.FileDescriptorProto(
        name="efficiency/pprof_profile.proto", package=_PACKAGE, syntax="proto3"
    )
    for name, fields in _MESSAGES.items():
        msg = fdp.message_type.add(name=name)
        for fname, number, ftype, repeated, type_name in fields:
            field = msg.field.add(name=fname, number=number, type=ftype)
            field.label = _F.LABEL_REPEATED if repeated else _F.LABEL_OPTIONAL
            if type_name:
                field.type_name = f".{_PACKAGE}.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.Profile"))


def _decompress(data: bytes) -> bytes:
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError("", f"corrupt gzip data: {exc}") from None
    return data


class _Strings:
    """The profile's string table, with every index range-checked."""

    def __init__(self, table: list[str]) -> None:
        if not table or table[0] != "":
            raise InputError("string_table", "must start with the empty string")
        self.table = table

    def get(self, index: int, field: str) -> str:
        if not 0 <= index < len(self.table):
            raise InputError(field, f"string index {index} out of range")
        return self.table[index]


def _value_index(prof: Any, strings: _Strings) -> tuple[int, float]:
    """Which sample value to count, and the divisor that turns it into samples: a count if
    there is one, else the value measured in the sampling period's unit divided by the
    period, else the default sample type, else the first."""
    types = [
        (
            strings.get(t.type, f"sample_type[{i}].type"),
            strings.get(t.unit, f"sample_type[{i}].unit"),
        )
        for i, t in enumerate(prof.sample_type)
    ]
    if not types:
        raise InputError("sample_type", "profile declares no sample types")
    for i, (kind, unit) in enumerate(types):
        if unit == "count" or kind == "samples":
            return i, 1.0
    period_unit = _period_unit(prof, strings)
    for i, (_, unit) in enumerate(types):
        if prof.period > 0 and unit == period_unit:
            return i, float(prof.period)
    default = strings.get(prof.default_sample_type, "default_sample_type")
    return next((i for i, (kind, _) in enumerate(types) if default and kind == default), 0), 1.0


def _period_unit(prof: Any, strings: _Strings) -> str:
    if not prof.HasField("period_type"):
        return ""
    return strings.get(prof.period_type.unit, "period_type.unit")


def parse_pprof(data: bytes) -> ParsedProfile:
    prof = profile_message_class()()
    try:
        prof.ParseFromString(_decompress(data))
    except DecodeError as exc:
        raise InputError("", f"not a pprof protobuf: {exc}") from None
    strings = _Strings(list(prof.string_table))
    s = strings.get
    functions = {
        f.id: (s(f.name, "function.name"), s(f.filename, "function.filename"))
        for f in prof.function
    }
    mappings = {m.id: s(m.filename, "mapping.filename") for m in prof.mapping}
    locations: dict[int, list[FrameKey]] = {}
    for loc in prof.location:
        frames = []
        for ln in loc.line:  # innermost (inlined) first
            name, file = functions.get(ln.function_id, (f"0x{loc.address:x}", ""))
            frames.append(_frame(name, file, int(ln.line)))
        if not frames:
            frames.append(_frame(f"0x{loc.address:x}", mappings.get(loc.mapping_id, ""), 0))
        locations[loc.id] = frames[::-1]
    index, divisor = _value_index(prof, strings)
    profile = ParsedProfile()
    for j, sample in enumerate(prof.sample):
        if index >= len(sample.value):
            raise InputError(f"sample[{j}].value", "has fewer values than sample_type")
        count = round(sample.value[index] / divisor)
        stack: list[FrameKey] = []
        for loc_id in reversed(sample.location_id):  # leaf first in pprof
            if loc_id not in locations:
                raise InputError(f"sample[{j}].location_id", f"unknown location {loc_id}")
            stack.extend(locations[loc_id])
        profile.add_stack(stack, count)
    if prof.time_nanos:
        end_nanos = prof.time_nanos + max(prof.duration_nanos, 0)
        profile.start = parse_time(prof.time_nanos / 1e9, "time_nanos")
        profile.end = parse_time(end_nanos / 1e9, "duration_nanos")
    if prof.period > 0 and _period_unit(prof, strings) == "nanoseconds":
        profile.rate_hz = 1e9 / prof.period
    return profile


def _frame(name: str, file: str, line: int) -> FrameKey:
    try:
        return make_frame(name, file, line)
    except InputError as exc:
        raise InputError("function", exc.message) from None
