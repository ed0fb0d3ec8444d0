"""join-strings on an attribute appended to in helper methods (``join_builder``) or in a loop
(``join_attribute``'s ``finally`` rewrite): a piece that reaches code changing the attribute
while it is computed. The original's ``self.t += piece`` reads ``t`` before the piece and
stores after it, so whatever the piece does to ``t`` (an append, a reset) is undone; a list of
parts keeps it. Each case runs the source and whatever the codemod makes of it: they must
agree, and the codemod must say why it left the text alone."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")
NOBODY = {"other_modules": lambda name: ""}

#: the appends are spread over helpers (join_builder's shape)
HELPER = """\
class Doc:
    def __init__(self):
        self.t = ""
        self._cb = self.also

    def _add(self, x):
        cb = self.also
        self.t += PIECE

    def build(self, xs):
        for x in xs:
            self._add(x)
        return self.t

    def also(self, x=None):
        self.t += "!"
        return "s"
EXTRA
"""

#: the loop appends directly (join_attribute's shape)
LOOP = """\
class Doc:
    def __init__(self):
        self.t = ""
        self._cb = self.also

    def build(self, xs):
        for x in xs:
            self.t += PIECE
        return self.t

    def also(self, x=None):
        self.t += "!"
        return "s"
EXTRA
"""

STAMP = "\n    @property\n    def stamp(self):\n        return self.also()\n"
CUT = "\n    @property\n    def cut(self):\n        self.t = ''\n        return 'c'\n"
TICKS = (
    "\n    def ticks(self):\n        while True:\n            self.t += '!'\n"
    "            yield 'g'\n\n    def gen(self):\n        self._gen = self.ticks()\n"
)
SIZE = "\n    @property\n    def size(self):\n        return len(self.t)\n"


def _source(shape: str, piece: str, extra: str = "") -> str:
    return shape.replace("PIECE", piece).replace("EXTRA", extra)


def _built(source: str) -> Any:
    try:
        doc = load(source)["Doc"]()
        if hasattr(doc, "gen"):
            doc.gen()
        return doc.build([1, 2])
    except Exception as exc:  # the rewrite could raise where the original did not
        return type(exc).__name__


@pytest.mark.parametrize(
    ("source", "reason", "original"),
    [
        pytest.param(  # a property that appends: the original drops its "!"
            _source(HELPER, "f'<{self.stamp}>'", STAMP),
            "`self.stamp` in an appended piece could store .t",
            "<s><s>",
            id="property appending",
        ),
        pytest.param(  # a property that resets: the original undoes the reset
            _source(HELPER, "f'<{self.cut}>'", CUT),
            "`self.cut` in an appended piece could store .t",
            "<c><c>",
            id="property resetting",
        ),
        pytest.param(  # a bound method handed to a builtin that calls it
            _source(HELPER, "''.join(map(self.also, [x]))"),
            "`self.also` in an appended piece could store .t",
            "ss",
            id="bound method to map",
        ),
        pytest.param(  # an attribute holding such a method
            _source(HELPER, "''.join(map(self._cb, [x]))"),
            "`self._cb` in an appended piece could store .t",
            "ss",
            id="attribute holding a method",
        ),
        pytest.param(  # a local holding it
            _source(HELPER, "''.join(map(cb, [x]))"),
            "`cb` in an appended piece could store .t",
            "ss",
            id="local holding a method",
        ),
        pytest.param(  # a generator that appends, resumed by the piece
            _source(HELPER, "''.join(map(next, [self._gen]))", TICKS),
            "ticks is a generator that changes .t: a value could resume it",
            "gg",
            id="generator resumed",
        ),
        pytest.param(  # the finally rewrite: an attribute set elsewhere to a method that appends
            _source(LOOP, "''.join(map(self._cb, [x]))"),
            "`self._cb` in the loop could hold code that reads .t",
            "ss",
            id="loop: attribute holding a method",
        ),
    ],
)
def test_a_piece_that_changes_the_attribute_is_refused(
    source: str, reason: str, original: str
) -> None:
    result = JOIN.apply(source, params=NOBODY)
    assert _built(result.source) == _built(source) == original
    assert not result.changed, result.source
    assert reason in result.summary


@pytest.mark.parametrize("shape", [HELPER, LOOP], ids=["helper", "loop"])
@pytest.mark.parametrize(
    ("piece", "extra", "built"),
    [
        ("f'<{x}>'", "", "<1><2>"),
        # a property that only reads the attribute sees the same str from the parts
        ("f'<{self.size}>'", SIZE, "<0><3>"),
    ],
)
def test_a_piece_that_leaves_the_attribute_alone_is_still_rewritten(
    shape: str, piece: str, extra: str, built: str
) -> None:
    source = _source(shape, piece, extra)
    result = JOIN.apply(source, params=NOBODY)
    assert result.changed, result.summary
    assert _built(result.source) == _built(source) == built
