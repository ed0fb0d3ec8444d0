"""join-strings on an attribute appended to in a helper method that a loop calls
(`self.out += line` in `_emit`): the attribute becomes a property over a list of parts. The
object reads the same before and after, from inside and outside, mid-loop, after an exception,
a store from outside, a copy and a second use; refusals leave the text as it was and say why."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")

SOURCE = """\
class Outline:
    def __init__(self, title):
        self.title = title
        self.out = ""

    def _emit(self, line, depth=0):
        self.out += "  " * depth + line + "\\n"

    def _rule(self):
        self.out = self.out + "-" * 8 + "\\n"

    def render(self, items, seen=None):
        self._emit(self.title)
        self._rule()
        for name, depth in items:
            self._emit(name.strip(), depth)
            if seen is not None:
                seen(len(items))
        self._emit(f"{len(items)} items")
        return self.out
"""

AFTER = """\
class Outline:
    def __init__(self, title):
        self.title = title
        self.out = ""

    def _emit(self, line, depth=0):
        self._out_parts.append("  " * depth + line + "\\n")

    def _rule(self):
        self._out_parts.extend(("-" * 8, "\\n"))

    def render(self, items, seen=None):
        self._emit(self.title)
        self._rule()
        for name, depth in items:
            self._emit(name.strip(), depth)
            if seen is not None:
                seen(len(items))
        self._emit(f"{len(items)} items")
        return self.out

    @property
    def out(self):
        parts = self._out_parts
        if len(parts) != 1:
            parts[:] = ["".join(parts)]
        return parts[0]

    @out.setter
    def out(self, value):
        self._out_parts = [value]

    @out.deleter
    def out(self):
        del self._out_parts

    def __copy__(self):
        cls = type(self)
        clone = cls.__new__(cls)
        clone.__dict__.update(self.__dict__)
        for name in ("_out_parts",):
            if name in self.__dict__:
                clone.__dict__[name] = list(self.__dict__[name])
        return clone
"""


def test_the_rewrite() -> None:
    result = JOIN.apply(SOURCE, function="Outline._emit")
    assert result.source == AFTER
    assert result.sites == 1
    assert result.summary == (
        "kept Outline.out as a list of parts behind a property (joined when read) instead of "
        "+= in _emit, _rule (1 attribute)"
    )
    assert JOIN.apply(SOURCE).source == AFTER  # the whole module, or the loop's method
    assert JOIN.apply(SOURCE, function="render").source == AFTER


ITEMS = [("a", 0), (" b ", 1), ("c", 2)]


def _story(source: str, steps: Callable[[Any], list[Any]]) -> list[Any]:
    return steps(load(source)["Outline"])


def _render_twice(cls: Any) -> list[Any]:
    outline = cls("T")
    return [outline.render(ITEMS), outline.render([]), outline.out]


def _read_mid_loop(cls: Any) -> list[Any]:
    outline = cls("T")
    seen: list[str] = []
    outline.render(ITEMS * 3, seen=lambda n: seen.append(outline.out))
    return [seen, outline.out]


def _raise_mid_loop(cls: Any) -> list[Any]:
    outline = cls("T")
    try:
        outline.render([("a", 0), (None, 1), ("c", 0)])
    except AttributeError as exc:
        caught = type(exc).__name__
    return [caught, outline.out, outline.render([("d", 0)])]


def _store_from_outside(cls: Any) -> list[Any]:
    outline = cls("T")
    outline.out = "header\n"
    first = outline.render(ITEMS)
    outline.out = None  # a non-str stored from elsewhere reads back as it was
    stored = outline.out
    outline.out = f"{stored}"
    return [first, stored, outline.out, outline.render([("x", 3)])]


def _copies_and_deletion(cls: Any) -> list[Any]:
    outline = cls("T")
    outline.render(ITEMS)
    shallow, deep = copy.copy(outline), copy.deepcopy(outline)
    outline.render([("more", 0)])
    shallow.render([("other", 1)])
    missing = cls("U")
    del missing.out
    return [
        outline.out,
        shallow.out,
        deep.out,
        hasattr(missing, "out"),
        copy.copy(missing).__class__.__name__,
    ]


@pytest.mark.parametrize(
    "steps",
    [_render_twice, _read_mid_loop, _raise_mid_loop, _store_from_outside, _copies_and_deletion],
)
def test_same_object_before_and_after(steps: Callable[..., list[Any]]) -> None:
    assert _story(AFTER, steps) == _story(SOURCE, steps)


def test_reading_the_attribute_keeps_one_part() -> None:
    outline = load(AFTER)["Outline"]("T")
    outline.render(ITEMS)
    assert outline.out is outline.out
    assert len(outline._out_parts) == 1


def test_a_direct_loop_the_finally_rewrite_refuses_is_kept_as_parts() -> None:
    source = (
        "class Log:\n    def __init__(self):\n        self.text = ''\n\n"
        "    def size(self):\n        return len(self.text)\n\n"
        "    def add(self, xs):\n        for x in xs:\n            self.text += x\n"
        "            if self.size() > 4:\n                self.text += '|'\n"
        "        return self.text\n"
    )
    result = JOIN.apply(source)
    assert "self._text_parts.append(x)" in result.source
    assert "`self.size` is called in the loop" in result.summary  # the finally rewrite's reason
    for xs in (["ab", "cde", "f"], []):
        assert load(result.source)["Log"]().add(xs) == load(source)["Log"]().add(xs)


def test_a_local_string_and_an_attribute_loop_in_one_module_are_both_rewritten() -> None:
    source = (
        "class C:\n    def __init__(self):\n        self.t = ''\n\n"
        "    def add(self, xs):\n        s = ''\n        for x in xs:\n            s += x\n"
        "        for x in xs:\n            self.t += x\n        return s + self.t\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 2
    assert "s_parts.append(x)" in result.source and "t_parts.append(x)" in result.source
    assert load(result.source)["C"]().add(["a", "b"]) == "abab"


def test_appends_outside_any_loop_are_not_the_pattern() -> None:
    source = (
        "class C:\n    def __init__(self):\n        self.t = ''\n\n"
        "    def _emit(self, x):\n        self.t += x\n\n"
        "    def two(self):\n        self._emit('a')\n        self._emit('b')\n"
    )
    result = JOIN.apply(source)
    assert not result.changed
    assert "in C (_emit)" not in result.summary


CLASS = (
    "class W:\n    def __init__(self):\n        self.out = ''\n\n"
    "    def _emit(self, x):\n        self.out += x\n\n"
    "    def write(self, xs):\n        for x in xs:\n            self._emit(x)\n"
    "        return self.out\n"
)
METHOD = "    def _emit"
REFUSED = {
    "a base class": (CLASS.replace("class W:", "class W(Base):"), "class W has bases"),
    "a metaclass": (CLASS.replace("class W:", "class W(metaclass=M):"), "class W has bases"),
    "a dataclass": ("@dataclass\n" + CLASS, "class W is decorated with dataclass"),
    "slots": (CLASS.replace(METHOD, "    __slots__ = ()\n\n" + METHOD), "defines __slots__"),
    "getattr hook": (
        CLASS.replace(METHOD, "    def __getattr__(self, k):\n        return ''\n\n" + METHOD),
        "class W defines __getattr__",
    ),
    "pickle hook": (
        CLASS.replace(METHOD, "    def __getstate__(self):\n        return 1\n\n" + METHOD),
        "class W defines __getstate__",
    ),
    "copy hook": (
        CLASS.replace(METHOD, "    def __copy__(self):\n        return self\n\n" + METHOD),
        "class W defines __copy__",
    ),
    "class-level attribute": (
        CLASS.replace(METHOD, "    out = ''\n\n" + METHOD),
        "class W defines out",
    ),
    "subclassed": (CLASS + "\n\nclass V(W):\n    pass\n", "V subclasses W"),
    "vars": (CLASS + "\n\ndef dump(w):\n    return vars(w)\n", "the module uses vars"),
    "__dict__": (
        CLASS.replace("return self.out", "return self.__dict__"),
        "the module uses __dict__",
    ),
    "eq over __dict__": (
        CLASS.replace(
            METHOD, "    def __eq__(self, o):\n        return vars(self) == vars(o)\n\n" + METHOD
        ),
        "the module uses vars",
    ),
    "imports copy": ("import copy\n\n" + CLASS, "the module imports copy"),
    "imports pickle": ("from pickle import dumps\n\n" + CLASS, "the module imports pickle"),
    "computed getattr": (
        CLASS + "\n\ndef get(w, k):\n    return getattr(w, k)\n",
        "`getattr` with a computed name",
    ),
    "not a str": (CLASS.replace("self.out = ''", "self.out = []"), "is also set to `[]`"),
    "bytes": (CLASS.replace("self.out = ''", "self.out = b''"), "is also set to `b''`"),
    "no str start": (CLASS.replace("self.out = ''", "pass"), "nothing shows .out starts"),
    "times": (CLASS + "\n\ndef twice(w):\n    w.out *= 2\n", "changed by `*=`"),
    "unpacked": (CLASS + "\n\ndef set2(w):\n    w.out, w.n = pair()\n", "stored by unpacking"),
    "on the class": (CLASS + "\n\nW.out = ''\n", "stored on the class itself"),
    "piece stores": (
        CLASS.replace("self.out += x", "self.out += self.reset(x)")
        + "    def reset(self, x):\n        self.out = ''\n        return x\n",
        "`self.reset` in an appended piece could store .out",
    ),
    "piece passes self": (
        CLASS.replace("self.out += x", "self.out += show(self)"),
        "an appended piece passes self itself on",
    ),
    "piece yields": (CLASS.replace("self.out += x", "self.out += (yield x)"), "yields or awaits"),
    "rebinds list": ("list = tuple\n\n" + CLASS, "the module rebinds list"),
    "nested function": (
        CLASS.replace(
            "self.out += x",
            "(lambda: self.out)()\n        def f():\n            self.out += x\n        f()",
        ),
        "appended to in a nested function",
    ),
    "mangled name": (CLASS.replace(".out", ".__out"), "the name .__out is mangled"),
    "class stored": (
        CLASS + "\n\ndef morph(w):\n    w.__class__ = object\n",
        "the module stores __class__",
    ),
    "class-level property": (
        CLASS.replace(METHOD, "    property = 1\n\n" + METHOD),
        "class W defines property",
    ),
    "decorated method": (
        CLASS.replace(METHOD, "    @staticmethod\n" + METHOD),
        "_emit is decorated",
    ),
    "the object's name rebound": (
        "class Plain:\n    def __init__(self):\n        self.out = ''\n\n\n"
        + CLASS.replace(
            "        self.out += x\n",
            "        if x == 'b':\n            self = Plain()\n        self.out += x\n",
        ),
        "_emit rebinds self",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_attributes_not_proven_plain_are_refused_with_the_reason(case: str) -> None:
    source, reason = REFUSED[case]
    result = JOIN.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("join-strings: nothing to rewrite (")
    attr = "__out" if case == "mangled name" else "out"
    assert f"`self.{attr} += ...` in W (_emit): " in result.summary
    assert reason in result.summary


def test_the_refusable_shape_itself_runs() -> None:
    """The sample class the refusals vary is rewritten, and behaves the same; a class
    attribute named like a builtin the property's methods call is no reason to refuse."""
    result = JOIN.apply(CLASS.replace(METHOD, "    type = 'writer'\n\n" + METHOD))
    assert result.sites == 1
    for xs in (["a", "b"], []):
        assert load(result.source)["W"]().write(xs) == load(CLASS)["W"]().write(xs)


def test_an_append_after_the_object_name_is_rebound_goes_to_that_object() -> None:
    source = REFUSED["the object's name rebound"][0]
    assert load(source)["W"]().write(["a", "b"]) == "a"


def test_a_positional_only_object_is_the_object() -> None:
    """``def _emit(self, /, other, x)`` appends to ``other``, not to the object."""
    source = (
        "class O:\n    def __init__(self):\n        self.out = ''\n\n\n"
        "class W:\n    def __init__(self):\n        self.out = ''\n\n"
        "    def _emit(self, /, other, x):\n        other.out += x\n\n"
        "    def write(self, other, xs):\n        for x in xs:\n            self._emit(other, x)\n"
        "        return other.out\n"
    )
    result = JOIN.apply(source)
    for module in (load(source), load(result.source)):
        assert module["W"]().write(module["O"](), ["a", "b"]) == "ab"
    positional_only = CLASS.replace("def _emit(self, x)", "def _emit(self, /, x)")
    result = JOIN.apply(positional_only)
    assert result.sites == 1
    assert load(result.source)["W"]().write(["a", "b"]) == "ab"
