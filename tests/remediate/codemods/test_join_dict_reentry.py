"""join-strings on a private dict attribute (``join_dict``): the ways a program could tell the
lists of parts from the original's strs that an adversarial review found, each refused with
its reason. Each case runs the original to show what the rewrite would have changed: the
original's ``self._out[k] += piece`` reads the item before the piece and stores after it, so
whatever the piece does to the dict is undone (an append dropped, a removed key put back),
where ``self._out[k].append(piece)`` keeps it."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")
NOBODY = {"other_modules": lambda name: ""}

DOC = """\
class Doc:
    def __init__(self):
        self._out = {}
        self._cb = self.also
        self._gen = self.ticks()

    def add(self, k, xs):
        self._out[k] = ''
        cb = self.also
        for x in xs:
            self._out[k] += PIECE

    def render(self):
        return [(k, self._out[k]) for k in self._out]

    def also(self, x=None):
        self._out['a'] += '!'
        return 's'

    def drop(self):
        self._out.pop('a', '')
        return 'd'

    def ticks(self):
        while True:
            yield 't'
EXTRA
"""


def _doc(piece: str, extra: str = "", ticks: str = "") -> str:
    source = DOC.replace("PIECE", piece).replace("EXTRA", extra)
    if ticks:
        source = source.replace(
            "            yield 't'", f"            {ticks}\n            yield 't'"
        )
    return source


def _built(ns: dict[str, Any]) -> Any:
    doc = ns["Doc"]()
    try:
        doc.add("a", [1, 2])
        doc.add("b", [3])
    except Exception as exc:  # the rewrite would raise where the original did not
        return type(exc).__name__
    return doc.render()


@pytest.mark.parametrize(
    ("source", "reason", "original"),
    [
        (  # the piece pops the item it is appended to: the original puts the key back
            _doc("f'<{self._out.pop(k, \"\")}>'"),
            "`self._out.pop` in a value put in an item changes the dict",
            [("a", "<><<>>"), ("b", "<>")],
        ),
        (  # through a method that pops (neither a store nor a `del`)
            _doc("f'<{self.drop()}>'"),
            "`self.drop` in a value put in an item could store ._out",
            [("b", "<d>")],
        ),
        (  # a property that appends, read in the piece: the original drops its "!"
            _doc(
                "f'<{self.stamp}>'",
                "\n    @property\n    def stamp(self):\n        return self.also()\n",
            ),
            "`self.stamp` in a value put in an item could change the dict",
            [("a", "<s><s>!"), ("b", "<s>")],
        ),
        (  # a bound method handed to a builtin that calls it
            _doc("''.join(map(self.also, [x]))"),
            "`self.also` in a value put in an item could change the dict",
            [("a", "ss!"), ("b", "s")],
        ),
        (  # an attribute holding a bound method that appends
            _doc("''.join(map(self._cb, [x]))"),
            "`self._cb` in a value put in an item could change the dict",
            [("a", "ss!"), ("b", "s")],
        ),
        (  # a local holding it
            _doc("''.join(map(cb, [x]))"),
            "`cb` in a value put in an item could change the dict",
            [("a", "ss!"), ("b", "s")],
        ),
        (  # a generator that appends, resumed by the piece
            _doc("f'<{next(self._gen)}>'", ticks="self._out['a'] += '!'"),
            "ticks is a generator that changes the dict: a value could resume it",
            [("a", "<t><t>!"), ("b", "<t>")],
        ),
    ],
)
def test_a_value_that_changes_the_dict_is_refused(
    source: str, reason: str, original: list[tuple[str, str]]
) -> None:
    result = JOIN.apply(source, params=NOBODY)
    assert not result.changed, result.source
    assert reason in result.summary
    assert _built(load(source)) == original


def _refused(source: str, reason: str) -> None:
    result = JOIN.apply(source, params=NOBODY)
    assert not result.changed, result.source
    assert reason in result.summary


def test_a_builtin_rebound_in_the_method_or_by_global_is_no_key_only_use() -> None:
    local = _doc("'x'", "\n    def vals(self, sorted=lambda d: [d[k] for k in d]):\n"
                 "        return sorted(self._out)\n")  # fmt: skip
    _refused(local, "`self._out` uses ._out other than by its keys or items")
    doc = load(local)["Doc"]()
    doc.add("a", [1])
    assert doc.vals() == ["x"]  # the values, which would have been lists
    hack = (
        "\n    def hack(self):\n        global sorted\n        sorted = lambda d: [*d.values()]\n"
    )
    glob = _doc("'x'", hack + "\n    def vals(self):\n        return sorted(self._out)\n")
    _refused(glob, "`self._out` uses ._out other than by its keys or items")


def test_a_grandchild_subclass_with_an_attribute_hook_is_refused() -> None:
    traced = (
        "\n\nLOG = []\n\n\nclass Mid(Doc):\n    pass\n\n\nclass Traced(Mid):\n"
        "    def __getattribute__(self, name):\n"
        "        value = object.__getattribute__(self, name)\n"
        "        if isinstance(value, dict):\n            LOG.append(repr(value))\n"
        "        return value\n"
    )
    source = _doc("'x'", traced)
    _refused(source, "class Traced defines __getattribute__")
    ns = load(source)
    traced = ns["Traced"]()
    traced.add("a", [1])
    traced.render()
    assert ns["LOG"][-1] == "{'a': 'x'}"  # lists of parts would show here


@pytest.mark.parametrize(
    "read", ["self._out['a'] is self._out['a']", "id(self._out['a']) == id(self._out['a'])"]
)
def test_an_items_identity_is_refused(read: str) -> None:
    source = _doc("'x'", f"\n    def same(self):\n        return {read}\n")
    _refused(source, "asks for an item's identity")
    doc = load(source)["Doc"]()
    doc.add("a", [1, 2])
    assert doc.same()  # two joins of the parts would be two objects


def test_the_same_class_with_a_plain_piece_is_still_rewritten() -> None:
    source = _doc("f'<{x}>'", ticks="self._out['a'] += '!'")
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed, result.summary
    assert _built(load(result.source)) == _built(load(source)) == [("a", "<1><2>"), ("b", "<3>")]
