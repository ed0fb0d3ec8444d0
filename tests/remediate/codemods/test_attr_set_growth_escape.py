"""set-membership on a list ``__init__`` fills: the ways the object under construction could be
handed out, or ``__init__`` run again on it while the list is being filled, that the first
version of :mod:`~efficiency.remediate.codemods.attr_set_growth` let through. Each program
below gave different answers once rewritten (a re-entrant ``__init__`` made the set, the outer
one appended to the list behind it and tested it); now each is refused."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

SET = codemod("set-membership")

_INIT = """\
class C:
    def __init__(self, codes, inner=False):
        self._valid = []
        self._inner = inner
        for c in codes:
            if c not in self._valid:
                self._valid.append(c)
            if not self._inner:
                self._tag = {reach}
"""
_HAS = "\n    def has(self, x):\n        return x in self._valid\n"
_MAIN = '\n\ndef run():\n    c = C(["a", "b", "b", "c"])\n    return list(c._valid), c.has("b")\n'
_AGAIN = "\n    again = __init__\n"
_REENTER = "        self._inner = True\n        self.again(['x'], True)\n"

# object's __str__ calls the class's __repr__ with the object, which runs __init__ again
DUNDER = (
    _INIT.format(reach="self.__str__()")
    + _AGAIN
    + _HAS
    + "\n    def __repr__(self):\n"
    + _REENTER
    + "        return 'C'\n"
    + _MAIN
)
# a property added to the class from outside its body gets the object
PROPERTY = (
    _INIT.format(reach="self.tag")
    + _AGAIN
    + _HAS
    + "\n\ndef _tag(obj):\n"
    + _REENTER.replace("self", "obj").replace("        ", "    ")
    + "    return 't'\n\n\nC.tag = property(_tag)\n"
    + _MAIN
)
# an interning __new__ set from outside the class body: C(...) in the loop re-inits the object
INTERNED = """\
_CACHE = {}


def _new(cls, key, codes):
    if key not in _CACHE:
        _CACHE[key] = object.__new__(cls)
    return _CACHE[key]


class C:
    def __init__(self, key, codes):
        self._valid = []
        for c in codes:
            if c == "!":
                C(key, ["x"])
            elif c not in self._valid:
                self._valid.append(c)

    def has(self, x):
        return x in self._valid


C.__new__ = _new


def run():
    c = C("k", ["a", "!", "b", "b"])
    return list(c._valid), c.has("b")
"""

_MADE = (
    "        self._valid_set = ((self._valid, frozenset(self._valid)) if all(type(v) is str "
    "or type(v) is int for v in self._valid) else None)\n"
)
_GUARDED = (
    "(c not in self._valid_set[1] if (type(c) is str or type(c) is int) and "
    "self._valid_set is not None and self._valid_set[0] is self._valid "
    "else c not in self._valid)"
)


def _as_first_version_rewrote(source: str) -> str:
    """The rewrite the first version made: the set after the loop, the loop's test through it."""
    lines = source.splitlines(keepends=True)
    loop = next(i for i, s in enumerate(lines) if s.startswith("        for c in codes:"))
    end = next(i for i in range(loop + 1, len(lines)) if not lines[i].startswith("         "))
    lines.insert(end, _MADE)
    lines.insert(lines.index("class C:\n") + 1, "    _valid_set = None\n\n")
    return "".join(lines).replace("c not in self._valid", _GUARDED, 1)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (DUNDER, "`again = __init__` names __init__ other than by its def"),
        (PROPERTY, "`again = __init__` names __init__ other than by its def"),
        (INTERNED, "C.__new__ is set outside the class body"),
    ],
)
def test_a_reentrant_init_is_refused(source: str, why: str) -> None:
    before = load(source)["run"]()
    assert load(_as_first_version_rewrote(source))["run"]() != before  # what it guards
    result = SET.apply(source)
    assert not result.changed and result.source == source
    assert why in result.summary, result.summary


ESCAPES = {
    "object's __str__ calls the class's __repr__": _INIT.format(reach="self.__str__()")
    + _HAS
    + "\n    def __repr__(self):\n        return 'C'\n",
    "a property set from outside the class body": _INIT.format(reach="self.tag")
    + _HAS
    + "\n\nC.tag = property(lambda obj: 't')\n",
    "methodcaller('__init__')": "import operator\n\n"
    + "AGAIN = operator.methodcaller('__init__', [])\n\n\n"
    + _INIT.format(reach="1")
    + _HAS,
}


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("object's __str__ calls the class's __repr__", "__init__ reads self.__str__ before"),
        ("a property set from outside the class body", "C.tag is set outside the class body"),
        ("methodcaller('__init__')", "names __init__ other than by its def"),
    ],
)
def test_each_way_out_is_refused_on_its_own(case: str, why: str) -> None:
    result = SET.apply(ESCAPES[case])
    assert not result.changed and result.source == ESCAPES[case]
    assert why in result.summary, result.summary


def test_self_class_while_filling_is_still_let_through() -> None:
    source = _INIT.format(reach="self.__class__.__name__") + _HAS
    result = SET.apply(source)
    assert result.changed and result.sites == 1, result.summary
