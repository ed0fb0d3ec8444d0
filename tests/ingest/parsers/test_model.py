"""The shared profile model: frame parsing, content ids, interning and top-N rankings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from efficiency.ingest.parsers.model import (
    FrameKey,
    ParsedProfile,
    classify_runtime,
    frame_id,
    parse_frame,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("busy (app.py:12)", FrameKey("busy", "app.py", 12, "python")),
        ("malloc (libc.so.6)", FrameKey("malloc", "libc.so.6", 0, "native")),
        ("do_syscall_64_[k]", FrameKey("do_syscall_64", "", 0, "kernel")),
        ("[unknown]", FrameKey("[unknown]", "", 0, "native")),
        (
            "std::vector<int>::push_back(int const&)",
            FrameKey("std::vector<int>::push_back(int const&)", "", 0, "native"),
        ),
        (
            "_find_and_load (<frozen importlib._bootstrap>:1176)",
            FrameKey("_find_and_load", "<frozen importlib._bootstrap>", 1176, "python"),
        ),
        (
            "exec_module (<frozen importlib._bootstrap_external>)",
            FrameKey("exec_module", "<frozen importlib._bootstrap_external>", 0, "python"),
        ),
        ("  padded (mod.pyx:3)  ", FrameKey("padded", "mod.pyx", 3, "python")),
        ("", FrameKey("[unknown]", "", 0, "native")),
    ],
)
def test_parse_frame(text: str, expected: FrameKey) -> None:
    """parse_frame splits ``function (file:line)`` and classifies the runtime."""
    assert parse_frame(text) == expected


def test_parse_frame_kernel_from_kallsyms_file() -> None:
    """A frame in ``[kernel.kallsyms]`` is a kernel frame even without the ``_[k]`` suffix."""
    assert parse_frame("schedule ([kernel.kallsyms])") == FrameKey(
        "schedule", "[kernel.kallsyms]", 0, "kernel"
    )


def test_parse_frame_function_with_parenthesised_words() -> None:
    """Only the last ``(file:line)`` group is the location; earlier parentheses stay in the name."""
    assert parse_frame("operator() (libfoo.so)") == FrameKey("operator()", "libfoo.so", 0, "native")
    assert parse_frame("call (inner) (a.py:3)").function == "call (inner)"


@pytest.mark.parametrize(
    ("function", "file", "runtime"),
    [
        ("f", "x.py", "python"),
        ("f", "x.pyi", "python"),
        ("f", "x.pyw", "python"),
        ("f", "<frozen os>", "python"),
        ("f", "x.py.bak", "native"),
        ("f", "libpython3.11.so", "native"),
        ("f_[k]", "", "kernel"),
        ("f", "[kernel.kallsyms]", "kernel"),
    ],
)
def test_classify_runtime(function: str, file: str, runtime: str) -> None:
    """classify_runtime follows the folded-stack conventions of py-spy and stackcollapse."""
    assert classify_runtime(function, file) == runtime


def test_frame_ids_equal_for_equal_frames() -> None:
    """Equal frames (however they were obtained) get equal ids."""
    a = parse_frame("busy (app.py:12)")
    b = FrameKey("busy", "app.py", 12, "python")
    assert frame_id(a) == frame_id(b)
    assert isinstance(frame_id(a), int)
    assert -(2**63) <= frame_id(a) < 2**63


@pytest.mark.parametrize(
    "other",
    [
        FrameKey("idle", "app.py", 12, "python"),
        FrameKey("busy", "lib.py", 12, "python"),
        FrameKey("busy", "app.py", 13, "python"),
        FrameKey("busy", "app.py", 12, "native"),
    ],
)
def test_frame_ids_differ_when_any_field_differs(other: FrameKey) -> None:
    """Changing function, file, line or runtime changes the id."""
    assert frame_id(other) != frame_id(FrameKey("busy", "app.py", 12, "python"))


def test_frame_id_is_stable_across_processes() -> None:
    """Frame ids do not depend on the process (no salted ``hash()``): databases share them."""
    code = (
        "from efficiency.ingest.parsers.model import FrameKey, frame_id;"
        "print(frame_id(FrameKey('busy', 'app.py', 12, 'python')))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert int(out.stdout) == frame_id(FrameKey("busy", "app.py", 12, "python"))


def test_add_stack_and_add_folded_give_identical_ids() -> None:
    """add_stack (FrameKeys) and add_folded (frame text) intern the same stack identically."""
    texts = ["main (app.py:3)", "work (app.py:9)", "malloc (libc.so.6)", "do_syscall_64_[k]"]
    by_text, by_key = ParsedProfile(), ParsedProfile()
    by_text.add_folded(";".join(texts), 4)
    by_key.add_stack([parse_frame(t) for t in texts], 4)
    assert by_text.frames == by_key.frames
    assert by_text.stacks == by_key.stacks
    assert by_text.samples == by_key.samples
    (ids,) = by_text.stacks.values()
    assert [by_text.frames[i] for i in ids] == [parse_frame(t) for t in texts]


def test_adding_a_stack_twice_aggregates_counts() -> None:
    """The same stack added again adds to its count instead of making a new stack."""
    profile = ParsedProfile()
    profile.add_folded("a;b", 2)
    profile.add_stack([parse_frame("a"), parse_frame("b")], 3)
    assert list(profile.samples.values()) == [5]
    assert profile.total_samples == 5


def test_stack_text_seen_before_interns_the_same() -> None:
    """A stack text met again (in another profile) gives the same ids and frames as the first."""
    text = "main (app.py:3);seen_twice (app.py:44)"
    first, second = ParsedProfile(), ParsedProfile()
    first.add_folded(text, 1)
    second.add_folded(text, 2)
    assert first.stacks == second.stacks
    assert first.frames == second.frames
    assert list(second.samples.values()) == [2]


def test_stack_order_matters() -> None:
    """``a;b`` and ``b;a`` are different stacks."""
    profile = ParsedProfile()
    profile.add_folded("a;b", 1)
    profile.add_folded("b;a", 1)
    assert len(profile.stacks) == 2
    assert len(profile.frames) == 2


@pytest.mark.parametrize("count", [0, -3])
def test_non_positive_counts_and_empty_stacks_are_ignored(count: int) -> None:
    """Stacks with no samples and empty stacks add nothing."""
    profile = ParsedProfile()
    profile.add_folded("a", count)
    profile.add_stack([parse_frame("a")], count)
    profile.add_folded("", 5)
    profile.add_stack([], 5)
    assert profile.samples == {}
    assert profile.stacks == {}
    assert profile.total_samples == 0


def _recursive_profile() -> ParsedProfile:
    profile = ParsedProfile()
    profile.add_folded("main;f;f;g", 3)  # f recurses into itself
    profile.add_folded("main;f", 2)
    profile.add_folded("main;h", 4)
    profile.add_folded("main;f;f;g", 1)
    return profile


def test_top_self_counts_leaf_samples() -> None:
    """top_self ranks frames by samples where they are the leaf, most first."""
    top = [(frame.function, count) for frame, count in _recursive_profile().top_self()]
    assert top == [("g", 4), ("h", 4), ("f", 2)]


def test_top_inclusive_counts_recursion_once() -> None:
    """A frame appearing twice in one stack counts once in top_inclusive."""
    top = dict((frame.function, count) for frame, count in _recursive_profile().top_inclusive())
    assert top == {"main": 10, "f": 6, "g": 4, "h": 4}
    ranked = [frame.function for frame, _ in _recursive_profile().top_inclusive()]
    assert ranked[:2] == ["main", "f"]


def test_top_n_limits_and_breaks_ties_by_label() -> None:
    """``n`` limits the result; equal counts are ordered by label so results are repeatable."""
    profile = _recursive_profile()
    assert [f.function for f, _ in profile.top_self(2)] == ["g", "h"]
    assert [f.function for f, _ in profile.top_inclusive(1)] == ["main"]
    assert profile.top_self(0) == []


def test_empty_profile_rankings() -> None:
    """An empty profile has no top frames and no samples."""
    profile = ParsedProfile()
    assert profile.top_self() == []
    assert profile.top_inclusive() == []
    assert profile.total_samples == 0
