"""deepcopy-read-only and attribute reads of ``self``/``cls`` that run code the module defines
(``deepcopy_hooks``): a property, a descriptor or ``__getattr__`` of the class, read in the
copying method or in a method it calls, may change the original while it is read. Each such
read keeps the copy and says why; plain reads still drop it. Before and after are run and
compared."""

from __future__ import annotations

import pytest

from tests.remediate.codemods.test_deepcopy_statics import DEEP, load

HEAD = (
    "import copy\nfrom dataclasses import dataclass, field\n\n"
    "SITE = {'mask': [1, 2], 'moon': 4}\n\n"
)
SCORE = (
    "    def score(self):\n        p = copy.deepcopy(SITE)\n        n = self._n()\n"
    "        return [p['moon'], n > 0]\n\n"
)
SPOIL = "SITE['moon'] = 0\n"
DESCRIPTOR = (
    "class Spoiler:\n    def __get__(self, obj, owner=None):\n        "
    + SPOIL
    + "        return 1\n\n"
)

HOOKED: dict[str, tuple[str, str]] = {
    "a property read in a method the copying one calls": (
        HEAD
        + "class P:\n    @property\n    def spoil(self):\n        "
        + SPOIL
        + "        return 1\n\n    def _n(self):\n        return self.spoil\n\n"
        + SCORE,
        "self.spoil",
    ),
    "__getattr__ answering a read in a method called": (
        HEAD
        + "class P:\n    def __getattr__(self, name):\n        "
        + SPOIL
        + "        return 1\n\n    def _n(self):\n        return self.missing\n\n"
        + SCORE,
        "__getattr__",
    ),
    "__getattr__ answering a read in the copying method": (
        HEAD
        + "class P:\n    def __getattr__(self, name):\n        "
        + SPOIL
        + "        return 1\n\n    def score(self):\n        p = copy.deepcopy(SITE)\n"
        "        n = self.missing\n        return [p['moon'], n > 0]\n\n",
        "__getattr__",
    ),
    "a descriptor read in a method called": (
        HEAD + DESCRIPTOR + "class P:\n    spoil = Spoiler()\n\n"
        "    def _n(self):\n        return self.spoil\n\n" + SCORE,
        "self.spoil",
    ),
    "a descriptor read in the copying method": (
        HEAD + DESCRIPTOR + "class P:\n    spoil = Spoiler()\n\n"
        "    def score(self):\n        p = copy.deepcopy(SITE)\n        n = self.spoil\n"
        "        return [p['moon'], n > 0]\n\n",
        "self.spoil",
    ),
    "a descriptor read through cls in a class method called": (
        HEAD + DESCRIPTOR + "class P:\n    spoil = Spoiler()\n\n    @classmethod\n"
        "    def _n(cls):\n        return cls.spoil\n\n" + SCORE,
        "cls.spoil",
    ),
}


@pytest.mark.parametrize("case", sorted(HOOKED))
def test_a_read_that_runs_the_modules_code_keeps_the_copy(case: str) -> None:
    source, why = HOOKED[case]
    result = DEEP.apply(source)
    assert not result.changed, result.source
    assert why in result.summary, result.summary
    assert load(source)["P"]().score() == [4, True]  # the copy was made before the spoiling


PLAIN = {
    "class constants, a method, a dataclass field": (
        HEAD + "@dataclass\nclass P:\n    LIMIT = 3\n    NAMES = ('a', 'b')\n"
        "    seen: list = field(default_factory=list)\n\n"
        "    def _n(self):\n        return self.LIMIT + len(self.NAMES) + len(self.seen)\n\n"
        + SCORE
    ),
    "an instance attribute": (
        HEAD + "class P:\n    def __init__(self):\n        self.k = 2\n\n"
        "    def _n(self):\n        return self.k\n\n" + SCORE
    ),
}


@pytest.mark.parametrize("case", sorted(PLAIN))
def test_plain_reads_still_drop_the_copy(case: str) -> None:
    source = PLAIN[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    assert load(result.source)["P"]().score() == load(source)["P"]().score()
