"""deepcopy-read-only around calls of the function's own class: methods called through
``self`` that change nothing and are handed nothing of the copy (``deepcopy_methods``), and a
call that runs once the copy's last read is done (``return cls(..., panel.title)``;
``deepcopy_live``); the look-alikes that must keep their copy."""

from __future__ import annotations

import copy
import itertools
import sys
import types
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod

DEEP = codemod("deepcopy-read-only")
_counter = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Run ``source`` as a registered module of its own (dataclasses look their module up)."""
    module = types.ModuleType(f"deepcopy_methods_sample_{next(_counter)}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


HEAD = """\
import copy
import math
from copy import deepcopy
from dataclasses import dataclass, field

RULES = [
    {"carrier": "A", "mode": "road", "per_kg": 0.2, "minimum": 40.0, "zones": ["DE", "NL"]},
    {"carrier": "B", "mode": "road", "per_kg": 0.1, "minimum": 70.0, "zones": ["DE"]},
    {"carrier": "C", "mode": "air", "per_kg": 3.0, "minimum": 90.0, "zones": ["US"]},
]
LIMITS = {"daily": 5, "burst": {"n": 2}, "blocked": ["eve"]}


@dataclass
class Band:
    low: float
    high: float


@dataclass
class Test:
    code: str
    unit: str
    adult: Band
    female: Band | None = None


@dataclass
class Panel:
    title: str
    hours: int
    tests: list[Test] = field(default_factory=list)


PANELS: dict[str, Panel] = {
    "P": Panel(
        "Panel", 6, [Test("NA", "mmol", Band(1, 5), Band(2, 4)), Test("K", "mmol", Band(3, 9))]
    ),
}


def flag(value: float, band: Band) -> str:
    return "L" if value < band.low else ("H" if value > band.high else "")

"""

RATER = (
    "class Rater:\n    LANES = [\n"
    "        {'carrier': 'A', 'mode': 'road', 'per_kg': 0.2, 'minimum': 40.0, 'zones': ['DE']},\n"
    "        {'carrier': 'B', 'mode': 'road', 'per_kg': 0.1, 'minimum': 70.0, 'zones': []},\n"
    "        {'carrier': 'C', 'mode': 'air', 'per_kg': 3.0, 'minimum': 90.0, 'zones': ['US']},\n"
    "    ]\n\n    def __init__(self, factor=250.0):\n"
    "        self.factor = factor\n\n"
    "    def _kg(self, w: float, v: float) -> float:\n"
    "        return max(w, math.ceil(v * self.factor))\n\n"
)

SPELLINGS: dict[str, tuple[str, str, list[tuple[Any, ...]]]] = {
    # the freight_tariff shape: a list of copies, a method read between the copy and its reads
    "a method through self between the copy and the reads, its float in arithmetic": (
        HEAD + RATER + "    def rate(self, mode: str, w, v=0.0, cap=100.0):\n"
        "        lanes = [copy.deepcopy(r) for r in self.LANES if r['mode'] == mode]\n"
        "        kg = self._kg(w, v)\n        out = []\n        for lane in lanes:\n"
        "            charge = max(lane['minimum'], kg * lane['per_kg'])\n"
        "            if charge < cap + len(lane['zones']):\n"
        "                out.append(lane['carrier'])\n        return out\n\n"
        "def f(*args):\n    return Rater().rate(*args)\n",
        "        lanes = [r for r in self.LANES if r['mode'] == mode] if _rater_unchanged("
        "self, \"_kg\") else [copy.deepcopy(r) for r in self.LANES if r['mode'] == mode]\n",
        [("road", 100.0), ("road", 900.0, 1.0), ("air", 5.0), ("sea", 1.0), ("road", 10.0)],
    ),
    # a named copy, a method calling another method and a module function, a scalar passed in
    "a method calling a method and a module function, given a scalar read": (
        HEAD + "class Gate:\n    def __init__(self):\n        self.limits = LIMITS\n\n"
        "    def _cap(self, n: int) -> int:\n        return self._floor(n) * 2\n\n"
        "    def _floor(self, n):\n        return max(n, len(RULES))\n\n"
        "    def allowed(self, user, used):\n        cfg = copy.deepcopy(self.limits)\n"
        "        if user in cfg['blocked']:\n            return False\n"
        "        return used < self._cap(len(cfg['blocked'])) + cfg['daily']\n\n"
        "def f(user='bob', used=3):\n    return Gate().allowed(user, used)\n",
        '        cfg = self.limits if _gate_unchanged(self, "_cap", "_floor") else '
        "copy.deepcopy(self.limits)\n",
        [(), ("eve", 0), ("bob", 12), ("bob", 20)],
    ),
    # a dataclass with a method read after the copy, through a conditional
    "a dataclass's method in a conditional": (
        HEAD + "@dataclass\nclass Quota:\n    scale: int = 1\n\n"
        "    def _big(self, used) -> bool:\n        return used > 10 * self.scale\n\n"
        "    def check(self, used: int):\n        cfg = deepcopy(LIMITS)\n"
        "        n = cfg['burst']['n'] if self._big(used) else cfg['daily']\n"
        "        return n - used\n\n"
        "def f(used=3, scale=1):\n    return Quota(scale).check(used)\n",
        '        cfg = LIMITS if _quota_unchanged(self, "_big") else deepcopy(LIMITS)\n',
        [(), (30,), (30, 5), (0, 0)],
    ),
    # the lab_results shape: cls(...) runs once its scalar arguments are read from the copy
    "cls() after the last read, with scalar fields of the copy": (
        HEAD + "@dataclass\nclass Sheet:\n    title: str\n    hours: int\n    rows: list\n\n"
        "    @classmethod\n    def make(cls, code, values, sex='M'):\n"
        "        panel = deepcopy(PANELS[code])\n        rows = []\n"
        "        for t in panel.tests:\n"
        "            band = t.female if sex == 'F' and t.female else t.adult\n"
        "            rows.append((t.code, flag(values.get(t.code, 0.0), band)))\n"
        "        return cls(panel.title, panel.hours, rows)\n\n"
        "def f(values=None, sex='M'):\n    s = Sheet.make('P', values or {'NA': 4.5}, sex)\n"
        "    return (s.title, s.hours, s.rows)\n",
        "        panel = PANELS[code]\n",
        [(), ({"NA": 4.5}, "F"), ({"K": 1.0, "NA": 9.0},), ({}, "F")],
    ),
    # a call of an unknown function after the last read, given only a number of the copy
    "an unknown callee after the last read, given a length": (
        HEAD + "def f(n=1, g=str):\n    c = copy.deepcopy(LIMITS)\n"
        "    if n > c['daily']:\n        return None\n    return g(len(c['blocked']))\n",
        "    c = LIMITS\n",
        [(), (9,), (1, float)],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_each_spelling_reads_the_original_with_the_same_results(case: str) -> None:
    source, expected, calls = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    assert expected in result.source, result.source
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy((after["RULES"], after["LIMITS"], after["PANELS"]))
    for args in calls:
        assert before["f"](*args) == after["f"](*args), args
    assert (after["RULES"], after["LIMITS"], after["PANELS"]) == pristine


CALLER = (
    "    def allowed(self, user):\n        cfg = copy.deepcopy(LIMITS)\n"
    "        if self._known(user):\n            return user not in cfg['blocked']\n"
    "        return cfg['daily'] > 1\n\n"
)
REFUSED = {
    "a method that changes the original": (
        HEAD + "class G:\n    def _known(self, user):\n        LIMITS['blocked'].append(user)\n"
        "        return True\n\n" + CALLER,
        "calls self._known()",
    ),
    "a method that changes self": (
        HEAD + "class G:\n    def _known(self, user):\n        self.seen = user\n"
        "        return True\n\n" + CALLER,
        "self._known assigns to a subscript or attribute",
    ),
    "a class derived from in the module": (
        HEAD
        + "class G:\n    def _known(self, user):\n        return True\n\n"
        + CALLER
        + "class H(G):\n    def _known(self, user):\n        LIMITS['blocked'].clear()\n"
        "        return True\n",
        "may be overridden by H, which derives from G",
    ),
    "a method hidden by an instance attribute": (
        HEAD + "class G:\n    def __init__(self, known):\n        self._known = known\n\n"
        "    def _known(self, user):\n        return True\n\n" + CALLER,
        "is hidden or rebound by an assignment to ._known",
    ),
    "a decorated method": (
        HEAD + "import functools\n\nclass G:\n    @functools.cache\n"
        "    def _known(self, user):\n        return True\n\n" + CALLER,
        "is decorated, async or takes no self",
    ),
    "a method bound twice in its class": (
        HEAD + "class G:\n    def _known(self, user):\n        return True\n\n"
        "    _known = print\n\n" + CALLER,
        "is not bound once in G, by a def",
    ),
    "a static method's self is no instance": (
        HEAD + "class G:\n    def _known(self, user):\n        return True\n\n"
        "    @staticmethod\n    def allowed(self, user):\n        cfg = copy.deepcopy(LIMITS)\n"
        "        return self._known(user) and cfg['daily'] > 1\n",
        "is called from a decorated method",
    ),
    "an unknown callee handed a part of the copy after the last read": (
        HEAD + "def f(g):\n    c = copy.deepcopy(LIMITS)\n    n = c['daily']\n"
        "    return g(c['blocked'], n)\n",
        "calls g()",
    ),
    "an unknown callee before a read": (
        HEAD + "def f(g):\n    c = copy.deepcopy(LIMITS)\n    g(len(c))\n"
        "    return c['daily'] > 1\n",
        "while the copy is read",
    ),
    "an unknown callee handed a generator over the copy": (
        HEAD + "def f(g):\n    c = copy.deepcopy(LIMITS)\n"
        "    return g(len(x) for x in c['blocked'])\n",
        "deepcopy-read-only: nothing to rewrite",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert why in result.summary, result.summary


def test_a_method_that_changes_the_original_does_not_change_what_the_copy_read() -> None:
    """Why the first refusal matters: with the copy kept, the user blocked meanwhile is not
    seen by this call, and would be if the function read the original."""
    module = load(REFUSED["a method that changes the original"][0])
    assert module["G"]().allowed("eve2") is True
    assert "eve2" in module["LIMITS"]["blocked"]


def test_a_module_function_annotated_bool_that_returns_a_part_still_copies_it_out() -> None:
    """``-> bool`` over ``return names`` is common: only a method through self, handed
    nothing of the copy, has its annotation taken; this value is followed and copied out."""
    source = (
        HEAD + "def known(cfg) -> bool:\n    return cfg['blocked']\n\n"
        "def f():\n    c = copy.deepcopy(LIMITS)\n    ok = known(c)\n    return [ok]\n"
    )
    result = DEEP.apply(source)
    after = load(result.source)
    after["f"]()[0].append("mallory")
    assert after["LIMITS"]["blocked"] == ["eve"]


# adversarial review (dcreview3): shapes the class checks missed, each a different result
# once the copy is dropped; run before and after, they must agree (the copy is kept)
G_CLASS = (
    "import copy\nLIMITS = {'daily': 5, 'blocked': ['eve']}\n\n"
    "def evil(user):\n    LIMITS['blocked'].clear()\n    return True\n\n"
    "class Other:\n    def _known(self, user):\n        return evil(user)\n\n"
    "class G:\n    def __init__(self, hook=False):\n        if hook:\n{hook}\n\n"
    "    def _known(self, user):\n        return True\n\n"
    "    def allowed(self, user):\n        cfg = copy.deepcopy(LIMITS)\n"
    "        if self._known(user):\n            return user not in cfg['blocked']\n"
    "        return cfg['daily'] > 1\n{tail}"
)


def _g(hook: str, tail: str) -> str:
    return G_CLASS.replace("{hook}", hook).replace("{tail}", tail)


HIDDEN = {
    # a subclass of the module made through another name of the class
    "a subclass through an alias of the class": _g(
        "            pass",
        "\nAlias = G\n\nclass H(Alias):\n    def _known(self, user):\n"
        "        return evil(user)\n\ndef make(hook):\n    return H()\n",
    ),
    # an instance attribute set without an assignment to ._known
    "an instance attribute set through object.__setattr__": _g(
        "            object.__setattr__(self, '_known', evil)",
        "\ndef make(hook):\n    return G(hook)\n",
    ),
    # the instance's class swapped for one whose _known changes the data
    "the class of self swapped": _g(
        "            self.__class__ = type('X', (G,), {'_known': Other._known})",
        "\ndef make(hook):\n    return G(hook)\n",
    ),
    # __new__ makes each instance of a subclass made on the fly, whose _known changes the data
    "a subclass made by __new__": _g(
        "            pass",
        "\n    def __new__(cls, hook=False):\n"
        "        kind = type('X', (cls,), {'_known': Other._known}) if hook else cls\n"
        "        return object.__new__(kind)\n\ndef make(hook):\n    return G(hook)\n",
    ),
    # a base class of the module that answers every attribute lookup
    "a base class with __getattribute__": _g(
        "            pass", "\ndef make(hook):\n    return G(hook)\n"
    ).replace(
        "class G:",
        "class Base:\n    def __getattribute__(self, name):\n"
        "        return Other._known.__get__(self) if name == '_known' else "
        "object.__getattribute__(self, name)\n\nclass G(Base):",
    ),
    # a classmethod makes a subclass on the fly without naming the class
    "a subclass made by type() in a classmethod": _g(
        "            pass",
        "\n    @classmethod\n    def variant(cls):\n"
        "        return type('X', (cls,), {'_known': Other._known})()\n\n"
        "def make(hook):\n    return G.variant()\n",
    ),
}


@pytest.mark.parametrize("case", sorted(HIDDEN))
def test_a_method_another_class_or_attribute_may_stand_for_keeps_the_copy(case: str) -> None:
    source = HIDDEN[case]
    result = DEEP.apply(source)
    before, after = load(source), load(result.source)
    assert before["make"](True).allowed("eve") is False
    assert after["make"](True).allowed("eve") is False, result.source


def test_a_method_that_extends_the_original_with_plus_equals_keeps_the_copy() -> None:
    """``x += [...]`` on a local holding a list extends it in place: a change like append."""
    source = (
        "import copy\nLIMITS = {'daily': 5, 'blocked': ['eve']}\n\n"
        "class G:\n    def __init__(self):\n        self.limits = LIMITS\n\n"
        "    def _n(self, k: int) -> int:\n        x = self.limits['blocked']\n"
        "        x += ['bob']\n        return k\n\n"
        "    def allowed(self, user):\n        cfg = copy.deepcopy(self.limits)\n"
        "        n = self._n(1)\n        return user in cfg['blocked']\n"
    )
    result = DEEP.apply(source)
    assert load(source)["G"]().allowed("bob") is False
    assert load(result.source)["G"]().allowed("bob") is False, result.source


@pytest.mark.parametrize(
    "callee",
    [
        "    def _n(self) -> int:\n        return self.limits['blocked']\n\n",
        "    def _n(self):\n        return self.limits['blocked']\n\n",
    ],
)
def test_plus_equals_on_a_callees_value_in_the_function_keeps_the_copy(callee: str) -> None:
    """A method that changes nothing may return the original's list (whatever its annotation
    says); ``n += [user]`` then extends the original, which the copy did not see."""
    source = (
        "import copy\nLIMITS = {'daily': 5, 'blocked': ['eve']}\n\n"
        "class G:\n    def __init__(self):\n        self.limits = LIMITS\n\n"
        + callee
        + "    def allowed(self, user):\n        cfg = copy.deepcopy(self.limits)\n"
        "        n = self._n()\n        n += [user]\n        return user in cfg['blocked']\n"
    )
    result = DEEP.apply(source)
    assert load(source)["G"]().allowed("bob") is False
    assert load(result.source)["G"]().allowed("bob") is False, result.source
