"""deepcopy-read-only on a copy handed straight to a call (``deepcopy_args``): look-alikes
found in review that must keep their copy (aliasing between parameters, argument mapping,
callees that keep or run later, values that may hold another argument's objects)."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load_registered as load

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy

LOG = [{"task": "oil", "hours": 100}, {"task": "blade", "hours": 300}]
OTHER = [1]

"""

REFUSED = {
    "the original passed too, changed through the other parameter": (
        "def g(a, b):\n    b[0]['hours'] = 5\n    return a[0]['hours']\n\n"
        "def f():\n    return g(copy.deepcopy(LOG), LOG)\n"
    ),
    "a default argument that is the original, changed": (
        "def g(a, b=LOG):\n    b.append(1)\n    return len(a)\n\n"
        "def f():\n    return g(copy.deepcopy(LOG))\n"
    ),
    "a callee taking *args": (
        "def g(*a):\n    a[0].append(1)\n    return len(a[0])\n\n"
        "def f():\n    return g(copy.deepcopy(LOG))\n"
    ),
    "a callee taking **kwargs": (
        "def g(**k):\n    k['log'].append(1)\n    return len(k['log'])\n\n"
        "def f():\n    return g(log=copy.deepcopy(LOG))\n"
    ),
    "a starred argument before the copy shifts its position": (
        "XS = [[]]\n\ndef g(m, l):\n    m.append(1)\n    return len(l)\n\n"
        "def f():\n    return g(*XS, copy.deepcopy(LOG))\n"
    ),
    "a keyword naming the parameter that is changed": (
        "def g(l, m):\n    m.append(1)\n    return len(l)\n\n"
        "def f():\n    return g(m=copy.deepcopy(LOG), l=[])\n"
    ),
    "a class keeping its argument": (
        "class K:\n    def __init__(self, log):\n        self.log = log\n\n"
        "def f():\n    k = K(copy.deepcopy(LOG))\n    return len(k.log)\n"
    ),
    "a decorated callee": (
        "def deco(fn):\n    def w(l):\n        l.append(1)\n        return fn(l)\n    return w\n\n"
        "@deco\ndef g(l):\n    return len(l)\n\ndef f():\n    return g(copy.deepcopy(LOG))\n"
    ),
    "an async callee reading it later": (
        "async def g(l):\n    return len(l)\n\n"
        "def f():\n    c = g(copy.deepcopy(LOG))\n    c.close()\n    return 0\n"
    ),
    "a method overridden in a subclass of the module": (
        "class K:\n    def s(self, a):\n        return len(a)\n\n"
        "    def run(self):\n        return self.s(copy.deepcopy(LOG))\n\n"
        "class S(K):\n    def s(self, a):\n        a.append(1)\n        return 0\n\n"
        "def f():\n    return S().run()\n"
    ),
    "max with another argument, the value leaving": (
        "def f():\n    x = max(OTHER, copy.deepcopy(LOG), key=len)\n    return x\n"
    ),
    "a callee that may return another argument, the value leaving": (
        "def pick(a, b):\n    return a if len(a) > 5 else b\n\n"
        "def f():\n    x = pick(copy.deepcopy(LOG), OTHER)\n    return x\n"
    ),
    "a bound method's .get default, the value leaving": (
        "D = {'k': [1]}\n\ndef f():\n    x = D.get('k', copy.deepcopy(LOG))\n    return x\n"
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_review_look_alikes_keep_their_copy(case: str) -> None:
    source = HEAD + REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert "nothing to rewrite" in result.summary, result.summary
    load(source)  # the sample runs as written


def test_a_two_valued_max_leaving_is_deep_copied_alone() -> None:
    """Two copies each handed to ``max``: the second is dropped and its value deep-copied where
    it leaves, so the two results are still separate objects, as two copies made them."""
    source = HEAD + (
        "def h():\n    a = max(copy.deepcopy(LOG), key=lambda e: e['hours'])\n"
        "    b = max(copy.deepcopy(LOG), key=lambda e: e['hours'])\n    return [a, b]\n"
    )
    result = DEEP.apply(source)
    for text in (source, result.source):
        module = load(text)
        a, b = module["h"]()
        a["hours"] = -1
        assert b["hours"] == 300 and module["LOG"][1]["hours"] == 300
