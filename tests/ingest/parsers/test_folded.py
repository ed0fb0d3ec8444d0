"""Folded stacks (``frame;frame;frame COUNT``): parsing, aggregation and error reporting."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from efficiency.ingest.errors import InputError
from efficiency.ingest.parsers.folded import parse_folded
from efficiency.ingest.parsers.model import FrameKey, ParsedProfile, parse_frame
from tests.ingest.parsers.helpers import stacks_of

Frame = tuple[str, str, int]


def test_parses_frames_root_first() -> None:
    """Each line is one root-first stack; frames are parsed into FrameKeys."""
    profile = parse_folded("main (app.py:3);work (app.py:9);malloc (libc.so.6) 7\n")
    assert stacks_of(profile) == {
        (
            FrameKey("main", "app.py", 3, "python"),
            FrameKey("work", "app.py", 9, "python"),
            FrameKey("malloc", "libc.so.6", 0, "native"),
        ): 7
    }
    assert profile.total_samples == 7
    assert profile.start is None and profile.end is None and profile.rate_hz is None


def test_counts_aggregate_across_duplicate_lines() -> None:
    """The same stack on several lines sums its counts into one stack."""
    profile = parse_folded("a;b 3\na;c 1\na;b 4\n")
    assert len(profile.stacks) == 2
    counts = {tuple(f.function for f in k): n for k, n in stacks_of(profile).items()}
    assert counts == {("a", "b"): 7, ("a", "c"): 1}
    assert profile.total_samples == 8


def test_blank_and_comment_lines_are_skipped() -> None:
    """Blank lines and ``#`` comments are ignored, and do not shift error line numbers."""
    text = "# py-spy raw output\n\na;b 2\n\n# another comment\na 1\n"
    profile = parse_folded(text)
    assert profile.total_samples == 3
    with pytest.raises(InputError) as err:
        parse_folded("# header\n\na;b 2\nbroken\n")
    assert err.value.field == "line 4"


def test_crlf_line_endings() -> None:
    """Windows line endings parse the same as ``\\n`` ones, as text or as an iterable of lines."""
    unix = parse_folded("a;b 2\na;c 5\n")
    assert stacks_of(parse_folded("a;b 2\r\na;c 5\r\n")) == stacks_of(unix)
    assert stacks_of(parse_folded(["a;b 2\r\n", "a;c 5\r\n"])) == stacks_of(unix)


def test_accepts_an_iterable_of_lines_and_an_existing_profile() -> None:
    """Lines may come from a file object, and can be added into an existing profile."""
    profile = ParsedProfile()
    parse_folded(iter(["a;b 2\n"]), profile)
    result = parse_folded(["a;b 1\n", "c 4\n"], profile)
    assert result is profile
    assert profile.total_samples == 7
    assert len(profile.stacks) == 2


def test_blank_lines_from_a_file_object_are_skipped() -> None:
    """Lines read from a file keep their ``\\n``; blank ones are still blank lines."""
    profile = parse_folded(["a;b 2\n", "\n", "# note\n", "\r\n", "a;c 1\n"])
    assert profile.total_samples == 3


def test_zero_count_lines_add_nothing() -> None:
    """A stack with zero samples is valid input but adds no stack."""
    profile = parse_folded("a;b 0\nc 1\n")
    assert profile.total_samples == 1
    assert len(profile.stacks) == 1


def test_frame_names_with_spaces() -> None:
    """Only the last space separates the count; frames may contain spaces."""
    profile = parse_folded("do work (my app.py:4);std::map<int, int>::find 2")
    ((frames, count),) = stacks_of(profile).items()
    assert count == 2
    assert frames[0] == FrameKey("do work", "my app.py", 4, "python")
    assert frames[1].function == "std::map<int, int>::find"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a;b 1\nno_count_here\n", 2),
        ("a;b 1\na;b x\n", 2),
        ("a;b 1.5\n", 1),
        ("a;b 1\na;c 2\na;d -1\n", 3),
        ("a;b 1\na;b \n", 2),
    ],
    ids=["missing count", "non-integer", "float count", "negative", "empty"],
)
def test_errors_name_the_line(text: str, line: int) -> None:
    """Malformed lines raise InputError whose field is ``line N`` for the right N."""
    with pytest.raises(InputError) as err:
        parse_folded(text)
    assert err.value.field == f"line {line}"
    assert str(err.value).startswith(f"line {line}: ")


def test_samples_without_frames_are_skipped() -> None:
    """py-spy writes ' N' for a thread caught with no Python frame (interpreter start-up or
    exit): there is nothing to attribute, so the line is skipped, not refused."""
    profile = parse_folded("a;b 3\n 5\n")
    assert sum(profile.samples.values()) == 3


def test_error_messages_say_what_is_wrong() -> None:
    """The message explains the problem: expected shape, not an integer, negative."""
    with pytest.raises(InputError, match=re.escape("expected 'frame;frame;... COUNT'")):
        parse_folded("just_a_frame")
    with pytest.raises(InputError, match="'x' is not an integer"):
        parse_folded("a;b x")
    with pytest.raises(InputError, match="negative"):
        parse_folded("a;b -2")


# --- property tests ----------------------------------------------------------------------------

# Function names: no ';' (stack separator), no whitespace (so no ' (' and nothing stripped),
# no ')' (ends a location), no '[' (so no '_[k]' kernel suffix) and not starting with '#'.
_function_names = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters=";)["
    ),
    min_size=1,
    max_size=12,
).filter(lambda s: not s.startswith("#"))
_files = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8).map(
    lambda s: f"{s}.py"
)
_frames = st.tuples(_function_names, _files, st.integers(1, 5000))
_stacks = st.lists(_frames, min_size=1, max_size=8).map(tuple)


def _render(frame: Frame) -> str:
    function, file, line = frame
    return f"{function} ({file}:{line})"


@settings(deadline=None)
@given(st.lists(st.tuples(_stacks, st.integers(0, 10**9)), max_size=12))
def test_round_trip_of_random_stacks(entries: list[tuple[tuple[Frame, ...], int]]) -> None:
    """Rendered folded text parses back to exactly the same stacks and counts."""
    text = "".join(f"{';'.join(map(_render, stack))} {count}\n" for stack, count in entries)
    expected: Counter[tuple[Frame, ...]] = Counter()
    for stack, count in entries:
        if count:
            expected[stack] += count

    profile = parse_folded(text)

    assert profile.total_samples == sum(count for _, count in entries)
    got = {
        tuple((f.function, f.file, f.line) for f in frames): n
        for frames, n in stacks_of(profile).items()
    }
    assert got == dict(expected)
    for frames in stacks_of(profile):
        assert all(f.runtime == "python" for f in frames)
        assert all(parse_frame(_render((f.function, f.file, f.line))) == f for f in frames)


@settings(deadline=None)
@given(st.text())
def test_arbitrary_text_parses_or_raises_input_error(text: str) -> None:
    """Any text either parses or raises InputError naming a line, never another exception."""
    try:
        profile = parse_folded(text)
    except InputError as exc:
        assert exc.field.startswith("line ")
    else:
        assert profile.total_samples >= 0


@settings(deadline=None)
@given(st.lists(st.text(alphabet="ab; \t#\r\n0123456789-x", max_size=12), max_size=8))
def test_arbitrary_line_lists_parse_or_raise_input_error(lines: list[str]) -> None:
    """Lines built from the format's own punctuation parse or raise InputError, nothing else."""
    try:
        parse_folded(lines)
    except InputError as exc:
        number = int(exc.field.removeprefix("line "))
        assert 1 <= number <= len(lines)


def test_only_newlines_end_a_line() -> None:
    """A frame may hold characters str.splitlines() would split at (\\x0c, \\x85, \\u2028)."""
    text = "main (app.py:3);<lambda> (see the\u2028guide\x0c\x85</a>.:1) 4\nmain (app.py:3) 2\n"
    profile = parse_folded(text)
    assert profile.total_samples == 6
    assert {len(stack) for stack in stacks_of(profile)} == {1, 2}
