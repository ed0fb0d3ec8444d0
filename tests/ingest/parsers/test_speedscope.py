"""Speedscope JSON: sampled and evented profiles, real py-spy output, and error reporting."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import FrameKey
from efficiency.ingest.parsers.speedscope import parse_speedscope
from tests.ingest.parsers.helpers import PySpyRun, stacks_of, top_names

FRAMES = [
    {"name": "main", "file": "app.py", "line": 1},
    {"name": "work", "file": "app.py", "line": 7},
    {"name": "memcpy", "file": "libc.so.6"},
]
MAIN = FrameKey("main", "app.py", 1, "python")
WORK = FrameKey("work", "app.py", 7, "python")
MEMCPY = FrameKey("memcpy", "libc.so.6", 0, "native")


def doc(*profiles: dict[str, Any], frames: list[Any] | None = None, **extra: Any) -> str:
    """A speedscope document with the standard test frames unless told otherwise."""
    body = {"shared": {"frames": FRAMES if frames is None else frames}, "profiles": list(profiles)}
    return json.dumps({**body, **extra})


# --- sampled and evented profiles ---------------------------------------------------------------


def test_sampled_weights_in_seconds_become_counts_and_rate() -> None:
    """Weights of 0.01 s are one sample each at 100 Hz; larger weights are several samples."""
    profile = parse_speedscope(
        doc(
            {
                "type": "sampled",
                "unit": "seconds",
                "samples": [[0, 1], [0, 1], [0], [0, 1, 2]],
                "weights": [0.01, 0.01, 0.03, 0.01],
            }
        )
    )
    assert profile.rate_hz == 100
    assert stacks_of(profile) == {(MAIN, WORK): 2, (MAIN,): 3, (MAIN, WORK, MEMCPY): 1}
    assert profile.total_samples == 6


@pytest.mark.parametrize(
    ("unit", "weight", "rate"),
    [("milliseconds", 10, 100), ("microseconds", 1000, 1000), ("nanoseconds", 250_000, 4000)],
)
def test_rate_from_other_time_units(unit: str, weight: float, rate: float) -> None:
    """The sampling rate is the inverse of the smallest weight in the file's time unit."""
    profile = parse_speedscope(
        doc({"type": "sampled", "unit": unit, "samples": [[0], [0]], "weights": [weight] * 2})
    )
    assert profile.rate_hz == rate
    assert profile.total_samples == 2


def test_unitless_weights_are_counts() -> None:
    """Without a time unit weights are sample counts and no rate is known."""
    profile = parse_speedscope(
        doc({"type": "sampled", "unit": "none", "samples": [[0], [0, 1]], "weights": [5, 2]})
    )
    assert stacks_of(profile) == {(MAIN,): 5, (MAIN, WORK): 2}
    assert profile.rate_hz is None


def test_missing_weights_count_one_each() -> None:
    """A sampled profile without weights counts each sample once."""
    profile = parse_speedscope(doc({"type": "sampled", "samples": [[0, 1], [0, 1], [0]]}))
    assert stacks_of(profile) == {(MAIN, WORK): 2, (MAIN,): 1}


def test_profiles_of_several_threads_add_up() -> None:
    """Each thread's profile contributes; equal stacks across threads aggregate."""
    one = {"type": "sampled", "unit": "seconds", "samples": [[0, 1]], "weights": [0.01]}
    two = {"type": "sampled", "unit": "seconds", "samples": [[0, 1], [0]], "weights": [0.01] * 2}
    profile = parse_speedscope(doc(one, two))
    assert stacks_of(profile) == {(MAIN, WORK): 2, (MAIN,): 1}


def test_evented_profile_becomes_counts() -> None:
    """Open/close events become stacks weighted by how long each stack was on top."""
    events = [
        {"type": "O", "at": 0, "frame": 0},
        {"type": "O", "at": 10, "frame": 1},
        {"type": "C", "at": 30, "frame": 1},
        {"type": "O", "at": 30, "frame": 2},
        {"type": "C", "at": 40, "frame": 2},
        {"type": "C", "at": 100, "frame": 0},
    ]
    profile = parse_speedscope(doc({"type": "evented", "unit": "milliseconds", "events": events}))
    # main alone: 0-10 and 40-100 = 70 ms; main;work 20 ms; main;memcpy 10 ms; step = 10 ms.
    assert stacks_of(profile) == {(MAIN,): 7, (MAIN, WORK): 2, (MAIN, MEMCPY): 1}
    assert profile.rate_hz == 100


def test_frames_keep_file_line_and_runtime() -> None:
    """Frame name, file and line come from shared.frames; the runtime follows the file."""
    frames = [
        {"name": "f", "file": "/src/mod.py", "line": 3},
        {"name": "g"},
        {"name": "schedule", "file": "[kernel.kallsyms]"},
    ]
    profile = parse_speedscope(doc({"type": "sampled", "samples": [[0, 1, 2]]}, frames=frames))
    assert list(stacks_of(profile)) == [
        (
            FrameKey("f", "/src/mod.py", 3, "python"),
            FrameKey("g", "", 0, "native"),
            FrameKey("schedule", "[kernel.kallsyms]", 0, "kernel"),
        )
    ]


def test_exporter_is_kept_as_a_label() -> None:
    """The exporter string (e.g. py-spy's) is kept as a profile label."""
    profile = parse_speedscope(doc({"type": "sampled", "samples": []}, exporter="py-spy@0.4.3"))
    assert profile.labels == {"exporter": "py-spy@0.4.3"}
    assert profile.total_samples == 0


def test_accepts_bytes() -> None:
    """The parser takes the file's bytes as well as text."""
    text = doc({"type": "sampled", "samples": [[0]]})
    assert stacks_of(parse_speedscope(text.encode())) == stacks_of(parse_speedscope(text))


# --- errors -------------------------------------------------------------------------------------


def _sampled(samples: Any, **more: Any) -> dict[str, Any]:
    return {"type": "sampled", "samples": samples, **more}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (json.dumps({"profiles": [_sampled([[0]])]}), "shared.frames"),
        (json.dumps({"shared": {}, "profiles": []}), "shared.frames"),
        (json.dumps({"shared": {"frames": {}}, "profiles": []}), "shared.frames"),
        (json.dumps({"shared": {"frames": []}}), "profiles"),
        (json.dumps([1, 2]), "profiles"),
        (doc(frames=[{"name": "a"}, {"file": "x.py"}]), "shared.frames[1].name"),
        (doc(frames=[{"name": "a", "line": "7"}]), "shared.frames[0]"),
        (doc(_sampled([[0], [0, 3]])), "profiles[0].samples[1]"),
        (doc(_sampled([[0], [-1]])), "profiles[0].samples[1]"),
        (doc(_sampled([[0], "0"])), "profiles[0].samples[1]"),
        (doc(_sampled(None)), "profiles[0].samples"),
        (doc(_sampled([[0]], weights=[1, 2])), "profiles[0].weights"),
        (doc(_sampled([[0], [1]], weights=[1, -1])), "profiles[0].weights[1]"),
        (doc(_sampled([[0]], weights=["1"])), "profiles[0].weights[0]"),
        (doc(_sampled([]), {"type": "flame"}), "profiles[1].type"),
        (doc({"samples": []}), "profiles[0].type"),
        (doc("sampled"), "profiles[0]"),
        (doc({"type": "evented"}), "profiles[0].events"),
        (doc({"type": "evented", "events": [{"type": "X", "at": 0, "frame": 0}]}), None),
        (doc({"type": "evented", "events": [{"type": "O", "at": 0, "frame": 9}]}), None),
        (doc({"type": "evented", "events": [{"type": "O", "at": "0", "frame": 0}]}), None),
    ],
)
def test_errors_name_the_field(text: str, field: str | None) -> None:
    """Malformed documents raise InputError naming the offending field."""
    with pytest.raises(InputError) as err:
        parse_speedscope(text)
    if field is None:  # the evented cases: the event's own path
        assert err.value.field.startswith("profiles[0].events[0]")
    else:
        assert err.value.field == field
    assert str(err.value).startswith(err.value.field)


def test_evented_close_of_a_frame_that_is_not_open() -> None:
    """Closing a frame that is not the innermost open one names that event."""
    events = [
        {"type": "O", "at": 0, "frame": 0},
        {"type": "O", "at": 1, "frame": 1},
        {"type": "C", "at": 2, "frame": 0},
    ]
    with pytest.raises(InputError, match="not open") as err:
        parse_speedscope(doc({"type": "evented", "events": events}))
    assert err.value.field == "profiles[0].events[2]"

    with pytest.raises(InputError) as err:
        parse_speedscope(doc({"type": "evented", "events": [{"type": "C", "at": 0, "frame": 0}]}))
    assert err.value.field == "profiles[0].events[0]"


@pytest.mark.parametrize(
    "data", ["", "{", '{"profiles": [}', "not json", b"\xff\xfe\x00garbage", b"\x80\x81"]
)
def test_invalid_json(data: str | bytes) -> None:
    """Text that is not JSON raises InputError saying so (whole document, so no field)."""
    with pytest.raises(InputError, match="not valid JSON") as err:
        parse_speedscope(data)
    assert err.value.field == ""


# --- known bugs: malformed input that escapes as another exception type --------------------------

_ONE_FRAME = [{"name": "a"}]


def test_lone_surrogate_frame_name_is_an_input_error() -> None:
    """A ``\\ud800`` escape in a frame name is valid JSON but not encodable: InputError."""
    text = doc(_sampled([[0]]), frames=[{"name": "\ud800"}])
    assert "\\ud800" in text
    with pytest.raises(InputError):
        parse_speedscope(text)


@pytest.mark.parametrize("unit", [[], {}])
def test_non_string_unit_is_an_input_error(unit: Any) -> None:
    """A profile ``unit`` that is a list or object is malformed input."""
    with pytest.raises(InputError):
        parse_speedscope(doc(_sampled([[0]], unit=unit), frames=_ONE_FRAME))


@pytest.mark.parametrize(
    ("unit", "weights"),
    [
        ("seconds", "[NaN]"),
        ("seconds", "[Infinity]"),
        ("none", "[1e999]"),
        ("seconds", "[1e-300, 1e300]"),
        ("none", "[" + "9" * 400 + "]"),
    ],
    ids=["nan", "inf-seconds", "inf-none", "ratio-overflow", "huge-int"],
)
def test_non_finite_or_huge_weights_are_input_errors(unit: str, weights: str) -> None:
    """Weights that cannot become a finite sample count raise InputError."""
    nsamples = weights.count(",") + 1
    samples = json.dumps([[0]] * nsamples)
    text = (
        '{"shared": {"frames": [{"name": "a"}]}, "profiles": [{"type": "sampled", '
        f'"unit": "{unit}", "samples": {samples}, "weights": {weights}}}]}}'
    )
    with pytest.raises(InputError):
        parse_speedscope(text)


def test_non_finite_event_time_is_an_input_error() -> None:
    """An evented ``at`` of Infinity cannot become a sample count: InputError."""
    text = doc(
        {
            "type": "evented",
            "events": [{"type": "O", "at": 0, "frame": 0}, {"type": "C", "at": 1e999, "frame": 0}],
        },
        frames=_ONE_FRAME,
    )
    with pytest.raises(InputError):
        parse_speedscope(text.replace("1e999", "Infinity"))


def test_overlong_integer_literal_is_an_input_error() -> None:
    """A JSON integer over Python's 4300-digit limit is rejected as InputError."""
    with pytest.raises(InputError):
        parse_speedscope('{"profiles": ' + "9" * 5000 + "}")


def test_deeply_nested_json_is_an_input_error() -> None:
    """Pathologically nested JSON is rejected as InputError, not a RecursionError."""
    with pytest.raises(InputError):
        parse_speedscope("[" * 100_000 + "]" * 100_000)


def test_each_profile_uses_its_own_unit() -> None:
    """10 ms in a millisecond profile and 0.01 s in a seconds profile are one sample each."""
    ms = {"type": "sampled", "unit": "milliseconds", "samples": [[0]], "weights": [10]}
    s = {"type": "sampled", "unit": "seconds", "samples": [[0, 1]], "weights": [0.01]}
    profile = parse_speedscope(doc(ms, s))
    assert stacks_of(profile) == {(MAIN,): 1, (MAIN, WORK): 1}


def test_kernel_suffix_frames_match_folded() -> None:
    """A ``do_syscall_64_[k]`` frame is the same frame in speedscope as in folded text."""
    folded = parse_folded("do_syscall_64_[k] 1")
    speedscope = parse_speedscope(
        doc({"type": "sampled", "samples": [[0]]}, frames=[{"name": "do_syscall_64_[k]"}])
    )
    assert speedscope.frames == folded.frames


# --- property test ------------------------------------------------------------------------------

# Numbers include non-finite and extreme values; any JSON value may stand in for a unit.
_numbers = st.integers(-3, 6) | st.floats(width=16) | st.sampled_from([1e300, 10**400, -1e-300])
_leaves = (
    st.none()
    | st.booleans()
    | _numbers
    | st.text(max_size=4)
    | st.sampled_from(["sampled", "evented", "O", "C", "seconds", "none", "spin"])
)
_junk = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


def _mostly(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually ``good``; about one time in twenty-five any JSON value in its place."""
    return st.integers(0, 24).flatmap(lambda i: _junk if i == 24 else good)


_index = _mostly(st.integers(0, 3)) | st.integers(-2, 6)
_frame = _mostly(
    st.fixed_dictionaries(
        {"name": _mostly(st.text(max_size=5))},
        optional={
            "file": _mostly(st.sampled_from(["a.py", "lib.so", ""])),
            "line": _mostly(st.integers(0, 100)),
        },
    )
)
_event = _mostly(
    st.fixed_dictionaries(
        {
            "type": _mostly(st.sampled_from(["O", "C"])),
            "at": _mostly(st.integers(0, 20) | _numbers),
            "frame": _index,
        }
    )
)
_profile = _mostly(
    st.fixed_dictionaries(
        {
            "type": _mostly(st.sampled_from(["sampled", "evented"])),
            "samples": _mostly(
                st.lists(_mostly(st.lists(_index, max_size=4)), min_size=1, max_size=4)
            ),
            "events": _mostly(st.lists(_event, min_size=1, max_size=6)),
        },
        optional={
            "unit": st.sampled_from(["seconds", "milliseconds", "none", "bytes"]) | st.text(),
            "weights": _mostly(st.lists(_mostly(_numbers), max_size=4)),
        },
    )
)
_document = st.fixed_dictionaries(
    {
        "shared": _mostly(
            st.fixed_dictionaries({"frames": st.lists(_frame, min_size=4, max_size=5)})
        ),
        "profiles": _mostly(st.lists(_profile, min_size=1, max_size=3)),
    },
    optional={"exporter": _leaves},
)


@settings(deadline=None, max_examples=300)
@given(_document)
def test_json_like_documents_parse_or_raise_input_error(document: dict[str, Any]) -> None:
    """Arbitrary speedscope-shaped JSON either parses or raises InputError, nothing else."""
    try:
        profile = parse_speedscope(json.dumps(document))
    except InputError:
        return
    assert all(n > 0 for n in profile.samples.values())


@settings(deadline=None)
@given(st.dictionaries(st.text(), _junk, max_size=5))
def test_arbitrary_dicts_parse_or_raise_input_error(document: dict[str, Any]) -> None:
    """Any JSON object at all either parses or raises InputError."""
    with contextlib.suppress(InputError):
        parse_speedscope(json.dumps(document))


# --- a real py-spy run --------------------------------------------------------------------------


@pytest.mark.slow
def test_real_pyspy_speedscope_matches_raw_of_the_same_run(pyspy_run: PySpyRun) -> None:
    """py-spy's speedscope and raw files of one run agree on the hot functions and totals."""
    speedscope = parse_speedscope(pyspy_run.speedscope)
    raw = parse_folded(pyspy_run.raw.decode())

    assert speedscope.rate_hz == 100
    assert speedscope.labels.get("exporter", "").startswith("py-spy")
    assert top_names(speedscope, 2) == top_names(raw, 2) == ["spin", "churn"]
    assert raw.total_samples > 100
    assert abs(speedscope.total_samples - raw.total_samples) <= 0.15 * raw.total_samples
    assert any(
        f.file == str(pyspy_run.script) and f.runtime == "python"
        for f in speedscope.frames.values()
    )
