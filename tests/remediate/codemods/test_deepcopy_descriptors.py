"""deepcopy-read-only and attribute reads of other objects that run code the module defines
(``deepcopy_descriptors``): a property, ``cached_property``, descriptor or ``__getattr__`` of a
module class, read on a parameter, an item, an object made from the copy, an attribute of
``self`` or in a function or method the copying one calls, may change the original while the
alias that replaces the copy is read. Each such read keeps the copy and says why; before and
after the (refused) rewrite run the same. Reads that provably run no such code, or run only
before the copy, still drop it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.remediate.codemods.test_deepcopy_statics import DEEP, load

HEAD = (
    "import copy\nimport functools\nimport math\nfrom dataclasses import dataclass, field\n\n"
    "SEASON = {'rules': {'win': 3}, 'hits': [1, 2]}\n\n\n"
)
SPOIL = "SEASON['rules']['win'] += 10\n"
ROUND = (
    "@dataclass\nclass Round:\n    tag: str\n\n    @property\n    def label(self):\n        "
    + SPOIL
    + "        return self.tag\n\n\n"
)
SCORE_R = (
    "def score(r: Round):\n    p = copy.deepcopy(SEASON)\n    name = r.label\n"
    "    return [p['rules']['win'], name]\n"
)

# each: the source, how to run it (given the module's namespace), a word the refusal names
SPOILING: dict[str, tuple[str, str, str]] = {
    "a property of a dataclass read through an annotated parameter": (
        HEAD + ROUND + SCORE_R,
        "score(Round('a'))",
        "r.label",
    ),
    "a property read on an item of a parameter": (
        HEAD
        + ROUND
        + "def score(rounds: list[Round]):\n    p = copy.deepcopy(SEASON)\n    names = []\n"
        "    for r in rounds:\n        names.append(r.label)\n"
        "    return [p['rules']['win'], names]\n",
        "score([Round('a'), Round('b')])",
        "r.label",
    ),
    "a property read on an object made from an item of the copy": (
        HEAD + "@dataclass\nclass Out:\n    hits: list\n\n    @property\n    def size(self):\n"
        "        " + SPOIL + "        return len(self.hits)\n\n\n"
        "def score():\n    p = copy.deepcopy(SEASON)\n    o = Out(p['hits'])\n    n = o.size\n"
        "    return [p['rules']['win'], n]\n",
        "score()",
        "o.size",
    ),
    "a property of another object read through self": (
        HEAD + "@dataclass\nclass Rules:\n    win: int\n\n    @property\n    def bumped(self):\n"
        "        " + SPOIL + "        return self.win\n\n\n"
        "class Scorer:\n    def __init__(self):\n        self.rules = Rules(1)\n\n"
        "    def score(self):\n        p = copy.deepcopy(SEASON)\n        b = self.rules.bumped\n"
        "        return [p['rules']['win'], b]\n",
        "Scorer().score()",
        "self.rules.bumped",
    ),
    "a property of a base class read through self": (
        HEAD
        + "class Base:\n    @property\n    def spoil(self):\n        "
        + SPOIL
        + "        return 1\n\n\nclass Scorer(Base):\n    def score(self):\n"
        "        p = copy.deepcopy(SEASON)\n        n = self.spoil\n"
        "        return [p['rules']['win'], n]\n",
        "Scorer().score()",
        "self.spoil",
    ),
    "a cached_property read through a parameter": (
        HEAD + "class Round:\n    def __init__(self, tag):\n        self.tag = tag\n\n"
        "    @functools.cached_property\n    def label(self):\n        "
        + SPOIL
        + "        return self.tag\n\n\n"
        + SCORE_R,
        "score(Round('a'))",
        "r.label",
    ),
    "a class-level descriptor object with __get__": (
        HEAD
        + "class Spoiler:\n    def __get__(self, obj, owner=None):\n        "
        + SPOIL
        + "        return 'x'\n\n\n"
        + "@dataclass\nclass Round:\n    tag: str\n    label = Spoiler()\n\n\n"
        + SCORE_R,
        "score(Round('a'))",
        "r.label",
    ),
    "__getattr__ answering a read of a parameter": (
        HEAD
        + "class Round:\n    def __getattr__(self, name):\n        "
        + SPOIL
        + "        return 'x'\n\n\n"
        + SCORE_R,
        "score(Round())",
        "__getattr__",
    ),
    "a property patched onto the class after it": (
        HEAD
        + "@dataclass\nclass Round:\n    tag: str\n\n\ndef _spoil(self):\n    "
        + SPOIL
        + "    return self.tag\n\n\nRound.label = property(_spoil)\n\n\n"
        + SCORE_R,
        "score(Round('a'))",
        "r.label",
    ),
    "a property read in a module function the copying one calls": (
        HEAD + ROUND + "def _name(r: Round) -> str:\n    return r.label\n\n\n"
        "def score(r: Round):\n    p = copy.deepcopy(SEASON)\n    name = _name(r)\n"
        "    return [p['rules']['win'], name]\n",
        "score(Round('a'))",
        "_name()",
    ),
    "a property of an attribute of self read in a method the copying one calls": (
        HEAD + ROUND + "class Scorer:\n    def __init__(self):\n        self.r = Round('a')\n\n"
        "    def _name(self) -> str:\n        return self.r.label\n\n"
        "    def score(self):\n        p = copy.deepcopy(SEASON)\n        name = self._name()\n"
        "        return [p['rules']['win'], name]\n",
        "Scorer().score()",
        "self.r.label",
    ),
    "a property read in a key lambda": (
        HEAD + ROUND + "def score(rs: list[Round]):\n    p = copy.deepcopy(SEASON)\n"
        "    best = max(rs, key=lambda r: r.label)\n    return [p['rules']['win'], best.tag]\n",
        "score([Round('a'), Round('b')])",
        "r.label",
    ),
    "a property read on a module-level object": (
        HEAD
        + ROUND
        + "R = Round('a')\n\n\ndef score():\n    p = copy.deepcopy(SEASON)\n    n = R.label\n"
        "    return [p['rules']['win'], n]\n",
        "score()",
        "R.label",
    ),
    "a descriptor stored on the class by setattr": (
        HEAD
        + "class Spoiler:\n    def __get__(self, obj, owner=None):\n        "
        + SPOIL
        + "        return 1\n\n\nclass Round:\n    pass\n\n\n"
        "setattr(Round, 'spoil', Spoiler())\n\n\n"
        "def score(r: Round):\n    p = copy.deepcopy(SEASON)\n    n = r.spoil\n"
        "    return [p['rules']['win'], n]\n",
        "score(Round())",
        "setattr",
    ),
}


def _run(source: str, call: str) -> list[Any]:
    """``call`` run twice in a fresh load of ``source``, with the data after each."""
    namespace = load(source)
    found = []
    for _ in range(2):
        found.append(eval(call, namespace))
        found.append(repr(namespace["SEASON"]))
    return found


@pytest.mark.parametrize("case", sorted(SPOILING))
def test_a_read_that_may_run_the_modules_code_keeps_the_copy(case: str) -> None:
    source, call, why = SPOILING[case]
    result = DEEP.apply(source)
    assert _run(result.source, call) == _run(source, call)  # fails where the copy is dropped
    assert not result.changed, result.source
    assert why in result.summary, result.summary


PLAIN: dict[str, tuple[str, str]] = {
    "a property that only reads fields of self": (
        HEAD + "@dataclass\nclass Round:\n    tag: str\n    n: int = 2\n\n    @property\n"
        "    def label(self) -> str:\n        return self.tag * self.n\n\n"
        "    @property\n    def shout(self) -> str:\n        return self.label + '!'\n\n\n"
        "def score(r: Round):\n    p = copy.deepcopy(SEASON)\n    name = r.shout\n"
        "    return [p['rules']['win'], name, math.pi > 3]\n",
        "score(Round('a'))",
    ),
    "a field of an annotated dataclass named as a spoiling property elsewhere": (
        HEAD + ROUND + "@dataclass\nclass Tag:\n    label: str\n\n\n"
        "def score(t: Tag):\n    p = copy.deepcopy(SEASON)\n    name = t.label\n"
        "    return [p['rules']['win'], name]\n",
        "score(Tag('a'))",
    ),
    "a spoiling property read only before the copy": (
        HEAD + ROUND + "def score(r: Round):\n    name = r.label\n    p = copy.deepcopy(SEASON)\n"
        "    return [p['rules']['win'], name]\n",
        "score(Round('a'))",
    ),
}


@pytest.mark.parametrize("case", sorted(PLAIN))
def test_reads_that_run_no_such_code_still_drop_the_copy(case: str) -> None:
    source, call = PLAIN[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    assert _run(result.source, call) == _run(source, call)
