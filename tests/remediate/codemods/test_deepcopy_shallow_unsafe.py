"""deepcopy-shallow: inputs whose shallow copy behaved differently from the deep copy (the
constant's nested objects changed, or a subclass's or an argument's code ran otherwise); each
runs the original and the rewritten module and compares what they did."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, load_registered

SHALLOW = codemod("deepcopy-shallow")


def _observe(source: str, call: str) -> tuple[str, str]:
    """What ``call`` gives (twice, so a changed constant shows) and the constant after."""
    ns = load(source)
    try:
        value = repr((eval(call, ns), eval(call, ns)))
    except Exception as exc:  # the same failure is the same behaviour
        value = f"raised {type(exc).__name__}"
    return value, repr(ns["C"])


def _same(source: str, function: str | None, call: str, why: str) -> None:
    result = SHALLOW.apply(source, function=function)
    if result.changed:
        assert _observe(source, call) == _observe(result.source, call), result.source
    assert not result.changed and why in result.summary, result.summary


#: the constant and a function whose copy's top level is changed; LINE reads it
LOCAL = """\
import copy

C = {1: [1, 2], "b": 0, "t": [[1], [2]]}


class Grab:
    def __eq__(self, other):
        other.append(8)
        return False

    def __gt__(self, other):
        other.append(8)
        return False

    def __contains__(self, other):
        other.append(8)
        return False


class Meta(type):
    def __instancecheck__(cls, other):
        other.append(7)
        return True


class Any(metaclass=Meta):
    pass


def f(g):
    d = copy.deepcopy(C)
    d["b"] = 1
    LINE
    return d["b"]
"""


@pytest.mark.parametrize(("line", "why"), [
    # a key equal to the literal's under another spelling (1 == 1.0 == True) is the same entry
    ("d[1.0].append(5)", "has .append() called"),
    ("d[True].append(5)", "has .append() called"),
    # a nested value stored to by a for, a comprehension or an unpacking target
    ("for d[1][0] in range(3):\n        pass", "changed through a subscript"),
    ("[0 for d[1][1] in (7,)]", "changed through a subscript"),
    ("d[1][0], z = 5, 6", "changed through a subscript"),
    # a value of unknown type compared with a shared value gets it (its __eq__, __gt__, ...)
    ("x = d[1] == g", "compared with a value of unknown type"),
    ("x = d[1] < g", "compared with a value of unknown type"),
    ("x = d[1] in g", "compared with a value of unknown type"),
    ("x = g in d['t']", "compared with a value of unknown type"),
    ("x = d['t'].count(g)", "compared with a value of unknown type"),
    ("x = d['t'].index(g) if g else 0", "compared with a value of unknown type"),
    # isinstance() runs the class's __instancecheck__ on the value
    ("x = isinstance(d[1], Any)", "isinstance() with a class"),
])  # fmt: skip
def test_shared_values_reached_otherwise(line: str, why: str) -> None:
    _same(LOCAL.replace("LINE", line), None, "f(Grab())", why)


REMOVE = """\
import copy

C = [[1], [2]]


class Grab:
    def __eq__(self, other):
        other.append(8)
        return False


def f(g):
    u = copy.deepcopy(C)
    u.append([0])
    try:
        u.remove(g)
    except ValueError:
        pass
    return len(u)
"""


def test_remove_compares_the_items_with_its_argument() -> None:
    _same(REMOVE, None, "f(Grab())", "compared with a value of unknown type")


def test_literal_data_still_compared_and_checked() -> None:
    source = LOCAL.replace(
        "LINE", "x = (d[1] == [1, 2], 2 in d[1], d['t'].count([1]), isinstance(d[1], list))"
    )
    result = SHALLOW.apply(source)
    assert result.changed, result.summary
    assert _observe(source, "f(1)") == _observe(result.source, "f(1)")


PROPERTY = """\
import copy

C = {"a": [1, 2], "b": 0}


class K:
    @property
    def cfg(self):
        d = copy.deepcopy(C)
        d["b"] = 1
        return d

    def rules(self, x):
        d = copy.deepcopy(C)
        d["b"] = x
        return d

    def use(self):
        return self.cfg["b"], self.rules(2)["b"]

    def swap(self):
        self.rules = lambda x: {"b": -1}
        return 5

    def swapped(self):
        return self.rules(self.swap())["b"]


log = []


class Custom(K):
    def __getattribute__(self, name):
        log.append(name)
        if name == "cfg":
            return {"b": 42}
        return object.__getattribute__(self, name)


class Twice(K):
    @property
    def rules(self):
        log.append("rules")
        return lambda x: {"b": x}
"""


@pytest.mark.parametrize("call", ["(Custom().use(), log)", "(Twice().use(), log)"])
def test_a_subclass_lookup_runs_as_before(call: str) -> None:
    for function in ("cfg", "rules"):
        after = SHALLOW.apply(PROPERTY, function=function)
        assert after.changed, after.summary
        old, new = load(PROPERTY), load(after.source)
        assert eval(call, old) == eval(call, new), after.source
    assert load(after.source)["K"]().use() == (1, 2)


def test_an_argument_evaluated_before_the_method_is_looked_up() -> None:
    after = SHALLOW.apply(PROPERTY, function="rules")
    assert "self.rules(self.swap())" in after.source, after.source
    assert load(after.source)["K"]().swapped() == load(PROPERTY)["K"]().swapped() == 5
    assert "caller `self.rules(self.swap())`: its arguments call code" in after.summary


#: the constant rebound, through globals(), to data the module changes elsewhere
REBOUND = """\
import copy

C = {"a": [1], "b": 0}
OTHER = {"a": [1], "b": 0}


def bump():
    OTHER["a"].append(2)


def f(g):
    d = copy.deepcopy(C)
    d["b"] = 1
    bump()
    return len(d["a"])


globals()["C"] = OTHER
"""


def test_constant_rebound_through_globals() -> None:
    _same(REBOUND, None, "f(0)", "not a module constant")


def test_a_method_borrowed_by_an_object_without_the_property() -> None:
    source = PROPERTY + '\n\nclass Fake:\n    def __init__(self):\n        self.cfg = {"b": 7}\n'
    source += '        self.rules = lambda x: {"b": x + 1}\n'
    after = SHALLOW.apply(source, function="cfg")
    assert after.changed, after.summary
    call = "K.use(Fake())"
    assert eval(call, load(source)) == eval(call, load(after.source)) == (7, 3)


#: a constant whose copy's top level is changed while an attribute read or call (READ) runs
#: code of the module (HOOK) that changes the constant's nested list (SPOIL)
REACHED = """\
import copy
import importlib
import sys

C = {"hits": [1, 2], "n": 0}


HOOK


def f(r):
    d = copy.deepcopy(C)
    d["n"] = 1
    x = READ
    return [list(d["hits"]), x]
"""


@pytest.mark.parametrize(("hook", "read", "why"), [
    # a property, a __getattr__ naming the constant: it is used other than by a deep copy
    (
        "class R:\n    @property\n    def label(self):\n        C['hits'].append(9)\n"
        "        return 1",
        "r.label", "used other than as the argument",
    ),
    (
        "class R:\n    def __getattr__(self, name):\n        C['hits'].append(9)\n"
        "        return 1",
        "r.label", "used other than as the argument",
    ),
    # a descriptor's __get__ reaching it through the module object, not by its name
    (
        "class Spoil:\n    def __get__(self, obj, kind=None):\n"
        "        sys.modules[__name__].C['hits'].append(9)\n        return 1\n\n\n"
        "class R:\n    label = Spoil()",
        "r.label", "reached other than by its name",
    ),
    # a plain function doing so through getattr() and a string
    (
        "class R:\n    pass\n\n\ndef spoil():\n"
        "    getattr(importlib.import_module(__name__), 'C')['hits'].append(9)\n    return 1",
        "spoil()", "reached other than by its name",
    ),
])  # fmt: skip
def test_constant_changed_by_code_an_attribute_read_runs(hook: str, read: str, why: str) -> None:
    source = REACHED.replace("HOOK", hook).replace("READ", read)
    result = SHALLOW.apply(source)
    if result.changed:
        assert _run(source) == _run(result.source), result.source
    assert not result.changed and why in result.summary, result.summary


def _run(source: str) -> str:
    ns = load_registered(source)  # sys.modules[__name__] finds it
    return repr((eval("f(R())", ns), eval("f(R())", ns), ns["C"]))
