"""join-strings on an attribute of an annotated parameter (``def export(job: Job, ...)``,
``job.payload += row(job, s)``): the object may be used through its other attributes, its
non-reading methods and the module's non-reading functions; the object ends in the same state
before and after the rewrite, also when the loop raises midway; every use that could read the
lagging attribute, or an object whose class the module does not show, is refused."""

from __future__ import annotations

import contextlib
import itertools
import sys
import types
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod

JOIN = codemod("join-strings")

_CLASSES = """\
from dataclasses import dataclass, field

HEADER = "id\\tname\\n"


@dataclass
class Job:
    prefix: str
    payload: str = ""
    written: int = 0
    rejected: list = field(default_factory=list)

    def tag(self, n):
        return self.prefix + ":" + str(n)


def row(job, n, name):
    return label(job, n) + "\\t" + name.strip() + "\\n"


def label(job: Job, n):
    return job.tag(n)


"""

SOURCE = (
    _CLASSES
    + """\
def export(job: Job, items):
    job.payload = HEADER
    job.written = 0
    for n, name in items:
        if not name:
            job.rejected.append(n)
            continue
        job.payload += row(job, n, name)
        job.written += 1
    return job.written
"""
)

AFTER = (
    _CLASSES
    + """\
def export(job: Job, items):
    job.payload = HEADER
    job.written = 0
    payload_parts = []
    try:
        for n, name in items:
            if not name:
                job.rejected.append(n)
                continue
            payload_parts.append(row(job, n, name))
            job.written += 1
    finally:
        if payload_parts:
            job.payload += "".join(payload_parts)
    return job.written
"""
)

_modules = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Run ``source`` as a module of its own, registered while it runs (``dataclass`` looks
    its module up); its globals."""
    module = types.ModuleType(f"join_attribute_sample_{next(_modules)}")
    sys.modules[module.__name__] = module
    try:
        exec(compile(source, "<codemod sample>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__


ITEMS = [
    [(1, "oak"), (2, ""), (3, " elm ")],
    [],
    [(1, "oak"), (2, 5), (3, "elm")],  # 5.strip() raises midway: a half-built payload
    [(1, "oak"), (2, None), (3, "ash")],
]


def _run(source: str, items: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    namespace = load(source)
    job = namespace["Job"]("H")
    try:
        outcome: Any = ("value", namespace["export"](job, items))
    except Exception as exc:  # the same failure, the same state after it
        outcome = ("raised", type(exc).__name__)
    return outcome, job.payload, job.written, job.rejected


def test_the_rewrite_of_a_module_function() -> None:
    result = JOIN.apply(SOURCE, function="export")
    assert result.source == AFTER
    assert result.summary == (
        "built job.payload with list.append + str.join instead of += in a loop in export (1 loop)"
    )


@pytest.mark.parametrize("items", ITEMS)
def test_same_object_state_before_and_after(items: list[tuple[Any, Any]]) -> None:
    assert _run(AFTER, items) == _run(SOURCE, items)


def test_a_method_building_an_annotated_parameter_not_its_own_object() -> None:
    source = (
        "class Out:\n    text: str = ''\n\n\nclass Merger:\n    def __init__(self):\n"
        "        self.seen = 0\n\n    def merge(self, out: 'Out', xs):\n        for x in xs:\n"
        "            self.seen += 1\n            out.text += x.lower()\n"
    )
    after = JOIN.apply(source).source
    assert "text_parts.append(x.lower())" in after and 'out.text += "".join(text_parts)' in after
    for xs in (["a", "B"], ["a", 3, "b"], []):  # 3.lower() raises midway
        states = []
        for text in (source, after):
            namespace = load(text)
            out, merger = namespace["Out"](), namespace["Merger"]()
            with contextlib.suppress(AttributeError):  # the same failure either way
                merger.merge(out, xs)
            states.append((out.text, merger.seen))
        assert states[0] == states[1]


REFUSED = {
    "a callee that reads .payload": (
        ("def row(job, n, name):", "def row(job, n, name):\n    job.payload[-1:]"),
        "`row` is called in the loop and could read .payload",
    ),
    "a callee that calls such a reader": (
        ("def label(job: Job, n):", "def peek(j):\n    return j.payload\n\n\n"
         "def label(job: Job, n):\n    peek(job)"),
        "`row` is called in the loop and could read .payload",
    ),
    "a method that reads .payload": (
        ("return self.prefix", "return self.payload[:0] + self.prefix"),
        "`row` is called in the loop and could read .payload",
    ),
    "aliasing in the loop": (
        ("        job.written += 1\n", "        job.written += 1\n        last = job\n"),
        "`last = job` aliases job",
    ),
    "aliasing before the loop": (
        ("    job.written = 0\n", "    job.written = 0\n    other = job\n"),
        "`other = job` aliases job",
    ),
    "an imported callee": (
        ("HEADER = ", "from helpers import emit\n\nHEADER = "),
        "job is passed to `emit`, not a function defined once in this module",
    ),
    "a builtin callee": (
        ("        job.written += 1\n", "        job.written += 1\n        print(job)\n"),
        "job is passed to `print`, not a function defined once in this module",
    ),
    "a callee that hands the object on to a builtin": (
        ("    return job.tag(n)", "    return repr(job)"),
        "in label: job is passed to `repr`",
    ),
    "an unannotated parameter": (
        ("def export(job: Job, items):", "def export(job, items):"),
        "job is neither annotated with a class of this module nor a method's object",
    ),
    "a foreign class": (
        ("def export(job: Job, items):", "def export(job: Other, items):"),
        "job is annotated `Other`, not a class defined in this module",
    ),
    "a rebound parameter": (
        ("    job.written = 0\n", "    job = Job('x')\n"),
        "job is rebound in export",
    ),
    "a bound method taken": (
        ("        job.written += 1\n", "        job.written += 1\n        f = job.tag\n"),
        "`job.tag` takes a bound method without calling it",
    ),
    "a field called": (
        ("        job.written += 1\n", "        job.written += 1\n        job.rejected(n)\n"),
        "`job.rejected(...)` calls an attribute, not a method of Job",
    ),
    "the internals": (
        ("        job.written += 1\n", "        job.written += 1\n        job.__class__\n"),
        "`job.__class__` reaches the object's internals",
    ),
    "a comparison": (
        ("        if not name:", "        if job == name:"),
        "`job == name` uses job other than",
    ),
    "a property": (
        ("    def tag(self, n):", "    @property\n    def size(self):\n        return 0\n\n"
         "    def tag(self, n):"),
        None,
    ),
    "another name reading the attribute": (
        ("def export(job: Job, items):", "def export(job: Job, items, other: Job = None):"),
        None,
    ),
    "a base class": (("class Job:", "class Job(Base):"), "class Job has bases"),
    "a frozen dataclass": (
        ("@dataclass\n", "@dataclass(frozen=True)\n"),
        "class Job is decorated with dataclass(frozen=True)",
    ),
    "*args": (("def row(job, n, name):", "def row(*args):\n    job, n, name = args"),
              "job is passed to `row` through *args"),
    "two objects": (
        ("def export(job: Job, items):", "def export(job: Job, items, other: Job):"),
        None,
    ),
    "an async for": (
        ("def export(", "async def export("),
        None,
    ),
}  # fmt: skip
EXTRA_LOOP = {
    "a property": ("        job.written += 1\n", "        job.written += job.size\n"),
    "another name reading the attribute": (
        "        job.written += 1\n", "        job.written += len(other.payload)\n"
    ),
    "two objects": ("        job.written += 1\n", "        other.payload += name\n"),
    "an async for": ("    for n, name in items:", "    async for n, name in items:"),
    "an imported callee": ("        job.written += 1\n", "        job.written += emit(job)\n"),
}  # fmt: skip
WHY = {
    "a property": "Job.size is decorated with property",
    "another name reading the attribute": "the loop uses `other.payload` other than to append",
    "two objects": "the loop builds attributes of several objects (job, other)",
    "an async for": "an async for awaits each step",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_uses_that_could_read_the_lagging_attribute_are_refused(case: str) -> None:
    (old, new), why = REFUSED[case]
    assert old in SOURCE
    source = SOURCE.replace(old, new, 1)
    if case in EXTRA_LOOP:
        source = source.replace(*EXTRA_LOOP[case], 1)
    result = JOIN.apply(source)
    assert result.source == source and result.sites == 0
    assert "`job.payload += ...` loop: " in result.summary
    assert (why or WHY[case]) in result.summary, result.summary


def test_a_loop_with_no_provable_str_attribute_says_why() -> None:
    source = SOURCE.replace("    job.payload = HEADER\n", "    job.payload = make()\n")
    summary = JOIN.apply(source).summary
    assert "`job.payload += ...` loop: .payload is also set to `make()`" in summary
