"""join-strings on an attribute: programs whose rewrite would let code see the lagging
attribute (or change when an error is raised) are refused. Each was rewritten before, with a
different result: a second name for the object shown by a dataclass's ``__repr__``, a lambda,
bound method, ``partial`` or container made before the loop, a generator method iterated by the
loop, a class patched by the module, a method hidden by an instance attribute, an attribute
missing or set to a non-str by a dataclass's ``__init__``, a foreign ``dataclass``..."""

from __future__ import annotations

import itertools
import sys
import types
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod

JOIN = codemod("join-strings")

BASE = """\
from dataclasses import dataclass
{pre}

@dataclass
class Job:
    prefix: str = "p"
    payload: str = ""
    written: int = 0
{cls}
seen = []
{mod}

def export(job: Job, items{params}):
    job.payload = "H"
{before}
    for x in {iterable}:
        job.payload += x
        job.written += 1
{body}
    return job.written
"""


def source(**parts: str) -> str:
    keys = ("pre", "cls", "mod", "params", "before", "body")
    return BASE.format(
        iterable=parts.get("iterable", "items"), **{k: parts.get(k, "") for k in keys}
    )


SHOW = "    def show(self):\n        return self.payload\n"
REFUSED = {
    "a second parameter of the class, repr'd": (
        dict(params=", other: Job", body="        seen.append(repr(other))"),
        "other is passed to `repr`",
    ),
    "a string annotation, formatted": (
        dict(params=", other: 'Job'", body="        seen.append(f'{other}')"),
        "uses other other than",
    ),
    "a TypeVar bound to the class": (
        dict(pre="from typing import TypeVar", mod="T = TypeVar('T', bound=Job)",
             params=", other: T", body="        seen.append(repr(other))"),
        "other is passed to `repr`",
    ),
    "a Protocol": (
        dict(pre="from typing import Protocol\n\n\nclass Named(Protocol):\n    prefix: str\n",
             params=", other: Named", body="        seen.append(str(other))"),
        "other is passed to `str`",
    ),
    "the second name handed to a callee": (
        dict(mod="def note(a, b):\n    seen.append(repr(b))\n", params=", other: Job",
             body="        note(job, other)"),
        "in note: b is passed to `repr`",
    ),
    "a module-level instance": (
        dict(mod="DEFAULT = Job()\n\n\ndef dump():\n    seen.append(repr(DEFAULT))\n",
             body="        dump()"),
        "`dump` is called in the loop and could read .payload",
    ),
    "a global set elsewhere": (
        dict(mod="LAST = None\n\n\ndef keep(j):\n    global LAST\n    LAST = j\n",
             body="        seen.append(repr(LAST))"),
        "LAST is passed to `repr`",
    ),
    "a module-level lambda": (
        dict(mod="DEFAULT = Job()\nPEEK = lambda: DEFAULT.payload\n",
             body="        seen.append(PEEK())"),
        "`PEEK` is called in the loop and could read .payload",
    ),
    "a lambda made before the loop": (
        dict(before="    peek = lambda: job.payload", body="        seen.append(peek())"),
        "`lambda: job.payload` could read .payload later",
    ),
    "a nested def made before the loop": (
        dict(before="    def peek():\n        return repr(job)\n",
             body="        seen.append(peek())"),
        "keeps job for later, before the loop",
    ),
    "a bound method taken before the loop": (
        dict(cls=SHOW, before="    peek = job.show", body="        seen.append(peek())"),
        "before the loop: `job.show` takes a bound method",
    ),
    "a partial made before the loop": (
        dict(pre="import functools", mod="def look(j):\n    return j.payload\n",
             before="    peek = functools.partial(look, job)", body="        seen.append(peek())"),
        "before the loop: job is passed to `functools.partial`",
    ),
    "a generator made before the loop": (
        dict(before="    g = (x.payload for x in [job] * 9)", body="        seen.append(next(g))"),
        "could read .payload later",
    ),
    "a container made before the loop": (
        dict(before="    box = [job]", body="        seen.append(repr(box))"),
        "before the loop: `job` uses job other than",
    ),
    "a generator method as the iterable": (
        dict(cls="    def rows(self):\n        for i in range(3):\n"
                  "            seen.append(self.payload)\n            yield str(i)\n",
             iterable="job.rows()"),
        "`job.rows` is called in the loop and could read .payload",
    ),
    "a property patched onto the class": (
        dict(mod="Job.size = property(lambda s: len(s.payload))",
             body="        seen.append(job.size)"),
        "`Job.size` is stored to",
    ),
    "setattr on the class": (
        dict(mod="setattr(Job, 'size', property(lambda s: len(s.payload)))",
             body="        seen.append(job.size)"),
        "the module calls setattr()",
    ),
    "object.__setattr__": (
        dict(mod="def spoil(j):\n    object.__setattr__(j, 'payload', 5)\n"),
        "the module uses `object.__setattr__`",
    ),
    "__class__ assigned": (
        dict(mod="class Other:\n    pass\n\n\ndef morph(j):\n    j.__class__ = Other\n"),
        "`j.__class__` is stored to",
    ),
    "a method hidden by an instance attribute": (
        dict(cls="    def tag(self):\n        return 0\n",
             mod="def arm(j):\n    j.tag = lambda: len(j.payload)\n",
             body="        seen.append(job.tag())"),
        "`.tag` is also stored to, which could hide the method tag",
    ),
    "a descriptor as a field's default": (
        dict(pre="from dataclasses import field\n\n\nclass Size:\n"
                 "    def __get__(self, o, t=None):\n        return len(o.payload) if o else 0\n\n"
                 "    def __set__(self, o, v):\n        pass\n",
             cls="    size: int = field(default=Size())\n", body="        seen.append(job.size)"),
        "Job.size is bound to `field(default=Size())`",
    ),
    "a callee redefined under an if": (
        dict(mod="def note(j):\n    pass\n\n\nif True:\n\n    def note(j):\n"
                 "        seen.append(repr(j))\n", body="        note(job)"),
        "job is passed to `note`, not a function defined once",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_rewrite_that_would_show_the_lagging_attribute_is_refused(case: str) -> None:
    parts, why = REFUSED[case]
    text = source(**parts)
    load(text)  # a valid module
    result = JOIN.apply(text, function="export")
    assert result.source == text and result.sites == 0
    assert why in result.summary, result.summary


START = {
    "a dataclass field not stored first": (
        "from dataclasses import dataclass\n\n\n@dataclass\nclass Job:\n"
        "    payload: str = ''\n    written: int = 0\n\n\n"
        "def export(job: Job, items):\n    for x in items:\n        job.written += 1\n"
        "        job.payload += x\n",
        "Job.payload is a dataclass field, which Job(...) sets to whatever it is given",
        "Job(payload=5)",
    ),
    "an attribute only some method sets": (
        "class Job:\n    written = 0\n\n    def reset(self):\n        self.payload = ''\n\n\n"
        "def export(job: Job, items):\n    for x in items:\n        job.written += 1\n"
        "        job.payload += x\n",
        "nothing shows job.payload is set when the loop starts",
        "Job()",
    ),
    "a class-level str of another class": (
        "class Other:\n    payload: str = ''\n\n\nclass Job:\n    written = 0\n\n\n"
        "def export(job: Job, items):\n    for x in items:\n        job.written += 1\n"
        "        job.payload += x\n",
        "nothing shows job.payload is set when the loop starts",
        "Job()",
    ),
    "a dataclass decorator from elsewhere": (
        "from fakes import dataclass\n\n\n@dataclass\nclass Job:\n    def __init__(self):\n"
        "        self.payload = ''\n        self.written = 0\n\n\n"
        "def export(job: Job, items):\n    for x in items:\n        job.written += 1\n"
        "        job.payload += x\n",
        "class Job is decorated with dataclass",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(START))
def test_an_attribute_maybe_missing_or_not_a_str_at_the_start_is_refused(case: str) -> None:
    """The original raises at the first append, the rewrite would run the whole loop (every
    ``written += 1``) first."""
    text, why, make = START[case]
    result = JOIN.apply(text)
    assert result.source == text and result.sites == 0
    assert why in result.summary, result.summary
    if make is not None:
        namespace = load(text)
        job = eval(make, namespace)
        with pytest.raises((TypeError, AttributeError)):
            namespace["export"](job, ["a", "b", "c"])
        assert job.written == 1


def test_names_that_cannot_be_the_object_still_rewrite_the_same() -> None:
    """A second ``Job`` used through plain attributes, a str constant naming the class, a
    field stored by the function before the loop: rewritten, with the same results."""
    text = source(
        mod="TITLE = 'Job list'",
        params=", other: Job = None",
        before="    job.prefix = TITLE",
        body="        seen.append((job.written, other.written))",
    )
    after = JOIN.apply(text, function="export").source
    assert "payload_parts.append(x)" in after
    for items in (["a", "b"], []):
        results = []
        for code in (text, after):
            namespace = load(code)
            job = namespace["Job"]()
            value = namespace["export"](job, items, job)
            results.append((value, job.payload, job.written, namespace["seen"]))
        assert results[0] == results[1]


_modules = itertools.count()


def load(text: str) -> dict[str, Any]:
    module = types.ModuleType(f"join_attribute_hole_{next(_modules)}")
    sys.modules[module.__name__] = module
    try:
        exec(compile(text, "<codemod sample>", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    return module.__dict__
