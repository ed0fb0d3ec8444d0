"""join-strings on a private dict attribute whose str values a class grows with ``+=``
(``self._sections[name] += line``): the values become lists of parts, joined where an item is
read. The object reads the same before and after (mid-way, after an exception, after copies);
everything the rewrite rests on that the module does not show is refused, with the reason."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")
NOBODY = {"other_modules": lambda name: ""}

#: the module's top, alike before and after the rewrite
TOP = """\
HEAD = "<doc>"


class Report:
    def __init__(self, title):
        self.title = title
        self._sections = {}
        self.rows = 0

    def add(self, section, rows):
        if section not in self._sections:
"""

SOURCE = (
    TOP
    + """\
            self._sections[section] = ""
        self._sections[section] += (
            f"<h1>{section}</h1>"
            "\\n"
        )
        for row in rows:
            self._sections[section] += f"  {row:>4}\\n"
            self.rows += 1
        self._sections[section] = self._sections[section] + "--" + "\\n"

    def note(self, section, text):
        self._sections.setdefault(section, "")
        self._sections[section] += f"# {text!s}\\n".upper()

    def peek(self, section):
        return self._sections.get(section, "(none)")

    def drop(self, section):
        if self._sections:
            return self._sections.pop(section)
        return None

    def size(self):
        return len(self._sections), sorted(self._sections.keys())

    def render(self):
        out = [HEAD]
        for name in sorted(self._sections):
            out.append(self._sections[name])
        return "".join(out) + str(len(self._sections[name]) if self._sections else 0)
"""
)

AFTER = (
    TOP
    + """\
            self._sections[section] = []
        self._sections[section].append(
            f"<h1>{section}</h1>"
            "\\n"
        )
        for row in rows:
            self._sections[section].append(f"  {row:>4}\\n")
            self.rows += 1
        self._sections[section].extend(("--", "\\n"))

    def note(self, section, text):
        self._sections.setdefault(section, [])
        self._sections[section].append(f"# {text!s}\\n".upper())

    def peek(self, section):
        return "".join(self._sections.get(section, ["(none)"]))

    def drop(self, section):
        if self._sections:
            return "".join(self._sections.pop(section))
        return None

    def size(self):
        return len(self._sections), sorted(self._sections.keys())

    def render(self):
        out = [HEAD]
        for name in sorted(self._sections):
            out.append("".join(self._sections[name]))
        return "".join(out) + str(len("".join(self._sections[name])) if self._sections else 0)
"""
)


def test_the_rewrite() -> None:
    result = JOIN.apply(SOURCE, function="Report.add", params=NOBODY)
    assert result.source == AFTER
    assert result.sites == 1
    assert result.summary.startswith(
        "kept the str values of Report._sections as lists of parts (joined where an item is "
        "read) instead of += in add, note (1 attribute); left: `self.rows += ...`"
    )
    assert JOIN.apply(SOURCE, params=NOBODY).source == AFTER  # no profile: the loop drives it
    # a profile blaming a method that does not append is no reason to rewrite
    assert not JOIN.apply(SOURCE, function="Report.render", params=NOBODY).changed


def _build(cls: Any) -> list[Any]:
    report = cls("t")
    report.add("b", [1, 22])
    report.note("a", "x")
    report.add("a", [333])
    mid = [report.peek("a"), report.peek("zz"), report.size()]
    report.add("b", [])
    return [*mid, report.render(), report.drop("a"), report.render(), report.size()]


def _exceptions(cls: Any) -> list[Any]:
    report = cls("t")
    report.add("a", [1])
    caught = []
    try:
        report.add("a", [2, "x", 3])  # format spec >4 of a str raises? no: it pads
        report.add("a", [4, object(), 5])  # object() has no >4 format: raises mid-loop
    except TypeError as exc:
        caught.append(type(exc).__name__)
    try:
        report.drop("missing")
    except KeyError as exc:
        caught.append(repr(exc))
    return [caught, report.render(), report.peek("a")]


def _copies(cls: Any) -> list[Any]:
    report = cls("t")
    report.add("a", [1])
    shallow, deep = copy.copy(report), copy.deepcopy(report)
    shallow.add("a", [2])  # shares the dict with report, in both versions
    deep.add("b", [3])
    return [report.render(), shallow.render(), deep.render(), cls("u").render()]


@pytest.mark.parametrize("steps", [_build, _exceptions, _copies])
def test_same_object_before_and_after(steps: Callable[[Any], list[Any]]) -> None:
    assert steps(load(AFTER)["Report"]) == steps(load(SOURCE)["Report"])


def test_a_mangled_name_and_the_collar_shape() -> None:
    source = (
        "class Doc:\n    def __init__(self):\n        self.__folders: dict[str, str] = {}\n\n"
        "    def add(self, folder, xs):\n        if folder not in self.__folders:\n"
        "            self.__folders[folder] = ''\n"
        "        for x in xs:\n            self.__folders[folder] += f'<{x}>'\n\n"
        "    def render(self):\n"
        "        return [(k, self.__folders[k]) for k in sorted(self.__folders)]\n"
    )
    seen: list[str] = []
    result = JOIN.apply(source, params={"other_modules": lambda n: seen.append(n) or ""})
    assert result.changed and sorted(seen) == ["_Doc__folders", "__folders"]
    for cls in (load(source)["Doc"], load(result.source)["Doc"]):
        doc = cls()
        doc.add("b", [1, 2])
        doc.add("a", [])
        doc.add("b", [3])
        seen.append(repr(doc.render()))
    assert seen[-1] == seen[-2] == "[('a', ''), ('b', '<1><2><3>')]"


def _refusal(source: str, params: dict[str, Any] | None = None) -> str:
    result = JOIN.apply(source, params=NOBODY if params is None else params)
    assert not result.changed, result.source
    return result.summary


BASE = (
    "{imports}{decorator}class Doc{bases}:\n    def __init__(self):\n"
    "        self.{attr} = {{}}\n\n"
    "    def add(self, k, xs):\n        self.{attr}[k] = ''\n"
    "        for x in xs:\n            self.{attr}[k] += {piece}\n\n"
    "    def render(self, k):\n        return {read}\n{tail}"
)


def _doc(**changes: str) -> str:
    fields = {"imports": "", "decorator": "", "bases": "", "attr": "_out", "piece": "f'<{x}>'",
              "read": "self._out[k]", "tail": ""}  # fmt: skip
    return BASE.format(**{**fields, **changes})


def test_the_base_shape_is_rewritten() -> None:
    source = _doc()
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed
    for cls in (load(source)["Doc"], load(result.source)["Doc"]):
        doc = cls()
        doc.add("k", [1, 2])
        assert doc.render("k") == "<1><2>"


@pytest.mark.parametrize(
    ("changes", "params", "reason"),
    [
        ({"attr": "out", "read": "self.out[k]"}, None, ".out is not private"),
        ({}, {}, "the repository's other modules cannot be seen"),
        (
            {},
            {"other_modules": lambda n: "b.py names it" if n == "_out" else ""},
            "_out is private but b.py names it",
        ),
        ({"read": "self._out.items()"}, None, "could hand out the dict or its values"),
        ({"read": "self._out"}, None, "uses ._out other than by its keys or items"),
        ({"read": "self._out.keys()"}, None, "could hand out the dict or its values"),
        ({"read": "self._out.get(k)"}, None, "can return None"),
        ({"piece": "x"}, None, "`x` is not provably a str"),
        ({"piece": "str(x)"}, None, "`str(x)` is not provably a str"),
        ({"piece": "f'<{self.add(k, [])}>'"}, None, "`self.add` in a value put in an item"),
        ({"piece": "f'<{self.fmt(x)}>'"}, None, "a callable the module does not define"),
        (
            {"piece": "f'<{show(self)}>'", "tail": "\n\ndef show(d):\n    return 1\n"},
            None,
            "passes self itself on",
        ),
        (
            {"imports": "from dataclasses import dataclass\n", "decorator": "@dataclass\n"},
            None,
            "is decorated with dataclass",
        ),
        ({"bases": "(dict)"}, None, "class Doc has bases"),
        ({"tail": "\n\nclass Sub(Doc):\n    _out = None\n"}, None, "class Sub defines _out"),
        (
            {"tail": "\n\nclass Sub(Doc):\n    def f(self):\n        return self._out\n"},
            None,
            "is used outside the methods of Doc",
        ),
        ({"tail": "\n\ndef peek(d):\n    return d._out['k']\n"}, None, "used outside the methods"),
        ({"tail": "\n\ndef patch(d, n):\n    setattr(d, n, 1)\n"}, None, "calls setattr()"),
        ({"tail": "\n\ndef dump(d, n):\n    return getattr(d, n)\n"}, None, "computed name"),
        ({"tail": "\n\ndef dump(d):\n    return d.__dict__\n"}, None, "__dict__"),
        ({"tail": "\n\nNAME = '_out'\n"}, None, "the string '_out' names ._out"),
        ({"imports": "import pickle\n"}, None, "imports pickle"),
        ({"tail": "\n\nDoc.add = lambda self, k, xs: None\n"}, None, "is stored to"),
    ],
)
def test_refusals(changes: dict[str, str], params: dict[str, Any] | None, reason: str) -> None:
    assert reason in _refusal(_doc(**changes), params)


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("self._out = {}", "self._out = dict()", "other than as a new empty dict"),
        ("self._out = {}", "self._out = self._copy = {}", "other than as a new empty dict"),
        ("self._out = {}", "self._out = {'a': ''}", "other than as a new empty dict"),
        ("self._out[k] = ''", "self._out[k] = x0 = ''", "together with other targets"),
        ("self._out[k] = ''", "self._out[k] *= 2", "changes an item by `*=`"),
        ("self._out[k] = ''", "for self._out[k] in ['']: pass", "by annotation, unpacking"),
        ("def add(self", "@staticmethod\n    def add(self", "add is decorated"),
        ("self._out[k] = ''", "self = Doc.__new__(Doc)", "add rebinds self"),
    ],
)
def test_stores_and_methods_refused(old: str, new: str, reason: str) -> None:
    source = _doc()
    assert old in source
    assert reason in _refusal(source.replace(old, new, 1))


def test_a_piece_reading_the_item_sees_what_the_original_saw() -> None:
    source = _doc(piece="f'<{self.render(k)}>'")
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed
    for cls in (load(source)["Doc"], load(result.source)["Doc"]):
        doc = cls()
        doc.add("k", [1, 2, 3])
        assert doc.render("k") == "<><<>><<><<>>>"


def test_a_re_entrant_append_is_refused_since_the_original_drops_it() -> None:
    # the piece's call appends to the same item: the original's += overwrites that append
    source = _doc(piece="f'<{self.also(k)}>'", tail="\n    def also(self, k):\n"
                  "        self._out[k] += '!'\n        return 'x'\n")  # fmt: skip
    assert "`self.also` in a value put in an item could store ._out" in _refusal(source)
    doc = load(source)["Doc"]()
    doc.add("k", [1, 2])
    assert doc.render("k") == "<x><x>"  # the "!" appended by also() were dropped


def test_counters_are_not_strings_and_get_no_refusal() -> None:
    source = (
        "class Tally:\n    def __init__(self):\n        self._n = {}\n\n"
        "    def add(self, xs):\n        for x in xs:\n            if x not in self._n:\n"
        "                self._n[x] = 0\n            self._n[x] += 1\n"
    )
    result = JOIN.apply(source, params=NOBODY)
    assert not result.changed and "_n" not in result.summary


@pytest.mark.parametrize(
    ("key", "prelude", "piece"),
    [
        ("k", "", "f\"{(k := 'b')}!\""),  # the piece rebinds the key: the original stores at b
        ("K", "", "f'{move()}!'"),  # a global key a call rebinds
    ],
)
def test_an_item_append_whose_key_may_change_keeps_its_order(
    key: str, prelude: str, piece: str
) -> None:
    source = (
        "K = 'a'\n\n\ndef move():\n    global K\n    K = 'b'\n    return 'm'\n\n\n"
        "class Doc:\n    def __init__(self):\n        self._out = {}\n\n"
        f"    def add(self, k):\n{prelude}        self._out['a'] = 'x'\n"
        "        self._out['b'] = 'y'\n        for _ in range(2):\n"
        "            self._out['a'] += '.'\n"
        f"            self._out[{key}] = self._out[{key}] + {piece}\n"
        "        return sorted((n, self._out[n]) for n in self._out)\n"
    )
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed
    assert "self._out['a'].append('.')" in result.source
    assert f'self._out[{key}] = ["".join(self._out[{key}]) + ' in result.source
    before, after = load(source), load(result.source)
    assert after["Doc"]().add("a") == before["Doc"]().add("a")


def test_a_property_reads_and_a_staticmethod_is_refused() -> None:
    source = _doc(tail="\n    @property\n    def total(self):\n        return len(self._out)\n")
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed
    doc = load(result.source)["Doc"]()
    doc.add("k", [1])
    assert doc.total == 1
    odd = _doc(tail="\n    @staticmethod\n    def peek(self):\n        return self._out\n")
    assert "peek is decorated" in _refusal(odd)
