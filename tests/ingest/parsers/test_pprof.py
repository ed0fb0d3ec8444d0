"""pprof (gzip protobuf): a real Go profile, hand-written profiles, value choice and errors."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.model import FrameKey, ParsedProfile
from efficiency.ingest.parsers.pprof import parse_pprof, profile_message_class
from efficiency.ingest.profiles import parse_profile_bytes, sniff_format
from tests.ingest.parsers.helpers import PprofBuilder, self_by_function, stacks_of

GO_CPU = Path(__file__).resolve().parents[2] / "data" / "go_cpu.pb.gz"


def inclusive_share(profile: ParsedProfile, function: str) -> float:
    """The fraction of samples with ``function`` anywhere on the stack (counted once)."""
    frames = profile.frames
    hits = sum(
        n
        for sid, n in profile.samples.items()
        if any(frames[f].function == function for f in profile.stacks[sid])
    )
    return hits / profile.total_samples


# --- the real Go 1.19 CPU profile ---------------------------------------------------------------


@pytest.fixture(scope="module")
def go_cpu() -> ParsedProfile:
    return parse_pprof(GO_CPU.read_bytes())


def test_go_profile_totals_and_times(go_cpu: ParsedProfile) -> None:
    """321 samples at 100 Hz over about 3.1 s, with UTC start and end from the file."""
    assert go_cpu.total_samples == 321
    assert go_cpu.rate_hz == 100
    assert go_cpu.start is not None and go_cpu.end is not None
    assert go_cpu.start.tzinfo == UTC
    assert timedelta(seconds=3.0) < go_cpu.end - go_cpu.start < timedelta(seconds=3.3)


def test_go_profile_hot_spin_is_top_self(go_cpu: ParsedProfile) -> None:
    """main.hotSpin has the most self time (about 64%) once its lines are added up."""
    by_name = self_by_function(go_cpu)
    (name, count), *_ = by_name.most_common(1)
    assert name == "main.hotSpin"
    assert 0.55 < count / go_cpu.total_samples < 0.75


def test_go_profile_lines_of_one_function_are_distinct_frames(go_cpu: ParsedProfile) -> None:
    """Frames of the same function at different lines stay separate frames."""
    lines = {f.line for f in go_cpu.frames.values() if f.function == "main.hotSpin"}
    assert len(lines) >= 2
    top_frame, _ = go_cpu.top_self(1)[0]
    assert top_frame.function == "main.hotSpin"
    assert top_frame.file.endswith("main.go") and top_frame.runtime == "native"


def test_go_profile_hot_alloc_inclusive_share(go_cpu: ParsedProfile) -> None:
    """main.hotAlloc is on the stack for 15-35% of samples (its time is in the allocator)."""
    assert 0.15 < inclusive_share(go_cpu, "main.hotAlloc") < 0.35
    assert self_by_function(go_cpu)["main.hotAlloc"] < 0.05 * go_cpu.total_samples


def test_go_profile_stacks_are_root_first(go_cpu: ParsedProfile) -> None:
    """Stacks run from runtime.main down to the leaf: pprof's leaf-first order is reversed."""
    shapes: Counter[tuple[str, ...]] = Counter()
    for frames, n in stacks_of(go_cpu).items():
        if frames[-1].function == "main.hotSpin":
            shapes[tuple(f.function for f in frames)] += n
    assert list(shapes) == [("runtime.main", "main.main", "main.hotSpin")]


def test_go_profile_through_the_format_entry_points() -> None:
    """sniff_format recognises the gzip file as pprof and parse_profile_bytes parses it."""
    data = GO_CPU.read_bytes()
    assert sniff_format(data) == "pprof"
    assert parse_profile_bytes(data, "pprof").samples == parse_pprof(data).samples


# --- hand-written profiles ----------------------------------------------------------------------

MAIN = FrameKey("main", "app.go", 10, "native")
OUTER = FrameKey("outer", "app.go", 30, "native")
INNER = FrameKey("inner", "app.go", 20, "native")
LEAF = FrameKey("leaf", "lib.py", 40, "python")
ADDRESS = FrameKey("0xdeadbeef", "/usr/lib/libfoo.so", 0, "native")
START_NS = 1_700_000_000_000_000_000


def small_profile() -> PprofBuilder:
    """main -> outer (with inner inlined) -> leaf, and main -> an address with no lines."""
    b = PprofBuilder([("samples", "count"), ("cpu", "nanoseconds")])
    b.period("cpu", "nanoseconds", 10_000_000)
    b.message.time_nanos = START_NS
    b.message.duration_nanos = 3_000_000_000
    main = b.location(("main", "app.go", 10))
    inlined = b.location(("inner", "app.go", 20), ("outer", "app.go", 30))  # innermost first
    leaf = b.location(("leaf", "lib.py", 40))
    b.message.mapping.add(id=1, filename=b.string("/usr/lib/libfoo.so"), memory_start=0x1000)
    b.message.location.add(id=99, mapping_id=1, address=0xDEADBEEF)
    b.sample([leaf, inlined, main], 5, 50_000_000)  # leaf first
    b.sample([99, main], 2, 20_000_000)
    b.sample([leaf, inlined, main], 1, 10_000_000)
    b.sample([inlined, main], 0, 0)
    return b


def test_small_profile_round_trips() -> None:
    """Stacks come out root-first, inlined functions outermost first, counts from samples/count."""
    profile = parse_pprof(small_profile().serialize())
    assert stacks_of(profile) == {(MAIN, OUTER, INNER, LEAF): 6, (MAIN, ADDRESS): 2}
    assert profile.total_samples == 8
    assert profile.rate_hz == 100


def test_small_profile_times() -> None:
    """time_nanos and duration_nanos give the window's UTC start and end."""
    profile = parse_pprof(small_profile().serialize())
    start = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert profile.start == start
    assert profile.end == start + timedelta(seconds=3)


def test_uncompressed_bytes_parse_the_same() -> None:
    """pprof bytes without gzip compression parse to the same profile."""
    builder = small_profile()
    compressed = parse_pprof(builder.serialize())
    plain = parse_pprof(builder.serialize(compress=False))
    assert stacks_of(plain) == stacks_of(compressed)
    assert plain.start == compressed.start and plain.rate_hz == compressed.rate_hz


def test_no_times_without_time_nanos() -> None:
    """A profile without time_nanos leaves start and end for the caller."""
    b = PprofBuilder([("samples", "count")])
    b.sample([b.location(("f", "f.go", 1))], 3)
    profile = parse_pprof(b.serialize())
    assert profile.start is None and profile.end is None and profile.rate_hz is None
    assert profile.total_samples == 3


def test_cpu_nanoseconds_values_are_divided_by_the_period() -> None:
    """With only cpu/nanoseconds and a 10 ms period, counts are value / period."""
    b = PprofBuilder([("cpu", "nanoseconds")])
    b.period("cpu", "nanoseconds", 10_000_000)
    f, g = b.location(("f", "f.go", 1)), b.location(("g", "f.go", 2))
    b.sample([g, f], 30_000_000)
    b.sample([f], 10_000_000)
    b.sample([f], 20_000_000)
    profile = parse_pprof(b.serialize())
    names = {tuple(fr.function for fr in k): n for k, n in stacks_of(profile).items()}
    assert names == {("f", "g"): 3, ("f",): 3}
    assert profile.rate_hz == 100


def test_count_unit_is_preferred() -> None:
    """A heap profile counts the value whose unit is ``count`` (alloc_objects), not bytes."""
    b = PprofBuilder([("alloc_space", "bytes"), ("alloc_objects", "count")])
    b.sample([b.location(("alloc", "m.go", 1))], 4096, 7)
    assert parse_pprof(b.serialize()).total_samples == 7


def test_default_sample_type_is_used() -> None:
    """Without a count-like type, default_sample_type picks the value."""
    b = PprofBuilder([("alloc_space", "bytes"), ("inuse_space", "bytes")])
    b.message.default_sample_type = b.string("inuse_space")
    b.sample([b.location(("alloc", "m.go", 1))], 4096, 12)
    assert parse_pprof(b.serialize()).total_samples == 12


def test_function_missing_from_table_is_named_after_the_address() -> None:
    """A line pointing at an unknown function becomes a frame named by the address."""
    b = PprofBuilder([("samples", "count")])
    loc = b.message.location.add(id=7, address=0xABC)
    loc.line.add(function_id=1234, line=5)
    b.sample([7], 1)
    ((frames, _),) = stacks_of(parse_pprof(b.serialize())).items()
    assert frames == (FrameKey("0xabc", "", 5, "native"),)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"this is not a profile at all", b"\xff\xff\xff\xff", bytes(range(256))],
    ids=["text", "ff", "all-bytes"],
)
def test_garbage_bytes(data: bytes) -> None:
    """Bytes that are not a protobuf raise InputError saying so."""
    with pytest.raises(InputError, match="not a pprof protobuf"):
        parse_pprof(data)


@pytest.mark.parametrize(
    "data",
    [
        gzip.compress(small_profile().message.SerializeToString())[:-12],
        b"\x1f\x8b\x08\x00garbagegarbage",
        b"\x1f\x8b",
    ],
    ids=["truncated", "garbage-deflate", "header-only"],
)
def test_corrupt_gzip(data: bytes) -> None:
    """A gzip stream that does not decompress raises InputError saying so."""
    with pytest.raises(InputError, match="corrupt gzip"):
        parse_pprof(data)


def _error_field(builder: PprofBuilder) -> str:
    with pytest.raises(InputError) as err:
        parse_pprof(builder.serialize())
    assert str(err.value).startswith(err.value.field)
    return err.value.field


def test_string_index_out_of_range() -> None:
    """A function, file or mapping name past the string table names that field."""
    b = small_profile()
    b.message.function[0].name = 999
    assert _error_field(b) == "function.name"
    b = small_profile()
    b.message.function[0].filename = 999
    assert _error_field(b) == "function.filename"
    b = small_profile()
    b.message.mapping[0].filename = 999
    assert _error_field(b) == "mapping.filename"


def test_unknown_location_id() -> None:
    """A sample referring to a location that does not exist names the sample."""
    b = small_profile()
    b.sample([42], 1, 10_000_000)
    assert _error_field(b) == f"sample[{len(b.message.sample) - 1}].location_id"


def test_empty_string_table() -> None:
    """An empty profile (no string table at all) is rejected."""
    with pytest.raises(InputError) as err:
        parse_pprof(gzip.compress(b""))
    assert err.value.field == "string_table"
    b = small_profile()
    b.message.string_table[0] = "not empty"
    assert _error_field(b) == "string_table"


def test_no_sample_types() -> None:
    """A profile declaring no sample types is rejected."""
    b = PprofBuilder([])
    assert _error_field(b) == "sample_type"


def test_sample_with_too_few_values() -> None:
    """A sample with fewer values than the value it must count names that sample."""
    b = PprofBuilder([("cpu", "nanoseconds"), ("samples", "count")])
    b.sample([b.location(("f", "f.go", 1))], 10)
    assert _error_field(b) == "sample[0].value"


# --- known bugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["type", "unit", "period_unit", "default"])
def test_out_of_range_type_strings_are_input_errors(where: str) -> None:
    """sample_type, period_type and default_sample_type string indexes are range-checked."""
    b = PprofBuilder([("alloc_space", "bytes")])
    b.sample([b.location(("f", "f.go", 1))], 1)
    if where == "type":
        b.message.sample_type[0].type = 500
    elif where == "unit":
        b.message.sample_type[0].unit = 500
    elif where == "period_unit":
        b.period("cpu", "nanoseconds", 10)
        b.message.period_type.unit = 500
    else:
        b.message.default_sample_type = 500
    with pytest.raises(InputError):
        parse_pprof(b.serialize())


def test_negative_type_string_index_is_an_input_error() -> None:
    """A negative sample_type string index is malformed, not the last string of the table."""
    b = PprofBuilder([("alloc_space", "bytes")])
    b.string("count")
    b.message.sample_type[0].unit = -1
    b.sample([b.location(("f", "f.go", 1))], 1)
    with pytest.raises(InputError):
        parse_pprof(b.serialize())


def test_six_raw_bytes_with_a_bad_sample_type_index() -> None:
    """``string_table [""]`` plus ``sample_type {type: 1}`` (six bytes) is an InputError."""
    data = b"\x32\x00\x0a\x02\x08\x01"
    message = profile_message_class()()
    message.ParseFromString(data)
    assert list(message.string_table) == [""] and message.sample_type[0].type == 1
    with pytest.raises(InputError):
        parse_pprof(data)


# --- property test ------------------------------------------------------------------------------


@settings(deadline=None, max_examples=300)
@given(st.binary(max_size=512))
def test_random_bytes_parse_or_raise_input_error(data: bytes) -> None:
    """Arbitrary bytes either parse or raise InputError, never another exception."""
    try:
        profile = parse_pprof(data)
    except InputError:
        return
    assert profile.total_samples >= 0


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=256))
def test_random_gzip_payloads_parse_or_raise_input_error(payload: bytes) -> None:
    """Arbitrary bytes inside a valid gzip stream either parse or raise InputError."""
    try:
        parse_pprof(gzip.compress(payload))
    except InputError:
        return
