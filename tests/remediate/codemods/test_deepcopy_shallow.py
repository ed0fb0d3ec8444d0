"""deepcopy-shallow: a deep copy of a module constant whose top level alone is changed becomes
a shallow copy, in place or through a sibling its read-only callers call; refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

SHALLOW = codemod("deepcopy-shallow")

#: the tour_quotes spelling: a property merges overrides into a copy its callers read
PROPERTY = """\
import copy as cp

BASE = {
    "currency": "EUR",
    "seasons": {"low": {"months": [1, 2], "mult": 0.85}, "high": {"months": [3, 4], "mult": 1.25}},
    "extras": {"guide": 45.0, "lunch": 18.0},
    "tiers": [{"min": 20, "pct": 12}, {"min": 8, "pct": 5}],
}


def season_for(month, seasons):
    for name, season in seasons.items():
        if month in season["months"]:
            return name, season["mult"]
    raise ValueError(month)


class Operator:
    def __init__(self, overrides):
        self.overrides = overrides

    @property
    def pricing(self):
        merged = cp.deepcopy(BASE)
        merged.update(self.overrides)
        return merged

    def pct(self, size):
        tiers = sorted(self.pricing["tiers"], key=lambda t: t["min"], reverse=True)
        for tier in tiers:
            if size >= tier["min"]:
                return tier["pct"]
        return 0

    def quote(self, month, size, extras):
        pricing = self.pricing
        pricing["seen"] = True
        season, mult = season_for(month, pricing["seasons"])
        each = 100 * mult + sum(pricing["extras"].get(e, 0.0) for e in extras)
        total = each * size * (100 - self.pct(size)) / 100
        return f"{season} {total:.2f} {self.pricing['currency']}"
"""

#: a module function that sets keys of a copied config, read by two module functions
FUNCTION = """\
from copy import deepcopy

DEFAULTS = {"timeout": 5, "retries": {"max": 3, "codes": [500, 502]}, "hosts": ["a", "b"]}


def settings(timeout, host):
    cfg = deepcopy(DEFAULTS)
    cfg["timeout"] = timeout
    del cfg["hosts"]
    cfg["host"] = host
    return cfg


def retry_on(code, timeout):
    cfg = settings(timeout, "x")
    return code in cfg["retries"]["codes"] and cfg["timeout"] > 1


def describe(timeout):
    retries = settings(timeout, "y").get("retries", {})
    return ", ".join(f"{k}={v}" for k, v in sorted(retries.items()))
"""

#: a method with a parameter, called through self by another method
METHOD = """\
import copy

RULES = {"limits": {"rpm": 60, "burst": [5, 10]}, "region": None}


class Gate:
    def rules(self, region):
        r = copy.deepcopy(RULES)
        r["region"] = region
        r.setdefault("tag", region.upper())
        return r

    def allowed(self, region, rate):
        rules = self.rules(region)
        return rate <= rules["limits"]["rpm"] and max(rules["limits"]["burst"]) > 0, rules["tag"]
"""

#: a list constant copied, grown and read where it is made (rewritten in place)
LOCAL = """\
import copy

STEPS = [["wash", 3], ["dry", 5]]


def total(soak):
    steps = copy.deepcopy(STEPS)
    steps.insert(0, ["soak", soak])
    steps.append(["fold", 1])
    return sum(s[1] for s in steps), [name for name, _ in steps]
"""

#: a dict merged with |= and read by key
MERGE = """\
import copy

FLAGS = {"dark": {"on": True, "users": [1]}, "beta": {"on": False, "users": []}}


def enabled(extra):
    flags = copy.deepcopy(FLAGS)
    flags |= extra
    return sorted(k for k in flags if flags[k]["on"])
"""


def _apply(source: str, function: str | None = None) -> str:
    result = SHALLOW.apply(source, function=function)
    assert result.changed, result.summary
    return result.source


def _refused(source: str, function: str | None, why: str) -> None:
    result = SHALLOW.apply(source, function=function)
    assert not result.changed, result.source
    assert why in result.summary, result.summary


def test_property_callers_call_a_shallow_sibling() -> None:
    after = _apply(PROPERTY, "pricing")
    assert "merged = BASE.copy()" in after
    assert "Operator.__pricing_shallow(self)" in after
    assert "merged = cp.deepcopy(BASE)" in after  # the property stays for other callers
    old, new = load(PROPERTY), load(after)
    for overrides in ({}, {"currency": "USD"}, {"extras": {"guide": 1.0}}):
        for args in ((1, 25, ("guide",)), (3, 9, ("lunch", "x")), (4, 2, ())):
            a, b = old["Operator"](overrides), new["Operator"](overrides)
            assert a.quote(*args) == b.quote(*args)
    assert new["BASE"] == old["BASE"]
    op = new["Operator"]({})
    sibling = op._Operator__pricing_shallow()
    assert sibling["seasons"] is new["BASE"]["seasons"]  # shared: only read by the callers
    public = op.pricing  # callers the module cannot see still get a deep copy
    public["extras"]["guide"] = 0.0
    assert new["BASE"]["extras"]["guide"] == 45.0


def _cheap_quote(source: str) -> str:
    ns = load(source)

    class Cheap(ns["Operator"]):  # type: ignore[misc,name-defined]
        @property
        def pricing(self) -> Any:
            return {**copy.deepcopy(ns["BASE"]), "currency": "GBP"}

    return str(Cheap({}).quote(1, 3, ()))


def test_property_override_still_runs() -> None:
    after = _apply(PROPERTY, "pricing")
    assert _cheap_quote(after) == _cheap_quote(PROPERTY)
    assert _cheap_quote(after).endswith("GBP")


def test_function_callers() -> None:
    after = _apply(FUNCTION, "settings")
    assert "cfg = DEFAULTS.copy()" in after and "_settings_shallow(timeout" in after
    old, new = load(FUNCTION), load(after)
    for code, timeout in ((500, 3), (404, 3), (502, 1)):
        assert old["retry_on"](code, timeout) == new["retry_on"](code, timeout)
        assert old["describe"](timeout) == new["describe"](timeout)
    assert new["DEFAULTS"] == old["DEFAULTS"]
    assert new["settings"](1, "z")["retries"] is not new["DEFAULTS"]["retries"]


def test_method_with_parameter() -> None:
    after = _apply(METHOD, "rules")
    assert "Gate.__rules_shallow(self, region)" in after
    old, new = load(METHOD), load(after)
    for args in (("eu", 10), ("us", 61)):
        assert old["Gate"]().allowed(*args) == new["Gate"]().allowed(*args)
    assert new["RULES"] == old["RULES"]
    gate = new["Gate"]()
    gate.rules = lambda region: {"limits": {"rpm": 0, "burst": [1]}, "tag": "P"}
    assert gate.allowed("eu", 1) == (False, "P")  # an instance's replacement still runs


@pytest.mark.parametrize(("source", "function", "calls"), [
    (LOCAL, "total", [(2,), (0,)]),
    (MERGE, "enabled", [({},), ({"beta": {"on": True}},), ({"dark": {"on": False}},)]),
])  # fmt: skip
def test_copy_kept_in_the_function(source: str, function: str, calls: list[tuple[Any]]) -> None:
    after = _apply(source)
    assert ".copy()" in after and "deepcopy(" not in after.split("\n\n\n", 1)[1]
    old, new = load(source), load(after)
    for args in calls:
        assert old[function](*args) == new[function](*args)
    constant = next(k for k in old if k.isupper())
    assert old[constant] == new[constant]


NESTED_CHANGED = MERGE.replace("flags |= extra", 'flags |= extra\n    flags["dark"]["on"] = False')
CALLER_CHANGES = PROPERTY.replace('pricing["seen"] = True', 'pricing["extras"]["guide"] = 0.0')
PASSED_ON = LOCAL.replace('steps.append(["fold", 1])', 'steps.append(["fold", 1])\n    log(steps)')
SHARED_RETURNED = MERGE.replace(
    'return sorted(k for k in flags if flags[k]["on"])', 'return flags["dark"]'
)
IDENTITY = MERGE.replace('flags[k]["on"])', 'flags[k]["users"] is not None)')


@pytest.mark.parametrize(("source", "function", "why"), [
    (NESTED_CHANGED, None, "changed through a subscript"),
    (CALLER_CHANGES.replace("self.pricing['currency']", "'EUR'").replace(
        'self.pricing["tiers"]', '[{"min": 0, "pct": 0}]'), "pricing", "no caller in the module"),
    (PASSED_ON, None, "is passed to log()"),
    (SHARED_RETURNED, None, "flows into `return"),
    (IDENTITY, None, "compared by identity"),
    (PROPERTY.replace('    for name, season in seasons.items():', '    seasons["low"]["mult"] = 0\n'
     '    for name, season in seasons.items():').replace("self.pricing['currency']", "'EUR'")
     .replace('self.pricing["tiers"]', '[{"min": 0, "pct": 0}]'), "pricing",
     "seasons is changed through a subscript"),
    (MERGE.replace("FLAGS = {", "FLAGS = dict({").replace("]}}", "]}})"), None,
     "not a module constant"),
    (MERGE.replace("import copy\n", "import copy\nfrom collections import OrderedDict\n")
     .replace("FLAGS = {", "FLAGS = OrderedDict({").replace("]}}", "]}})"), None,
     "not a module constant"),
    (MERGE + "\n\ndef peek():\n    return FLAGS['dark']\n", None, "used other than"),
    (MERGE.replace("    flags |= extra\n", ""), None, "left to deepcopy-read-only"),
    (FUNCTION.replace("def retry_on", "def _unused").replace("def describe", "def _unused2")
     .replace('settings(timeout, "x")', "0").replace('settings(timeout, "y")', "{}"),
     "settings", "no caller in the module"),
])  # fmt: skip
def test_refusals(source: str, function: str | None, why: str) -> None:
    _refused(source, function, why)


def test_one_bad_caller_keeps_the_deep_copy() -> None:
    after = _apply(CALLER_CHANGES, "pricing")
    assert "pricing = self.pricing" in after  # this caller changes a shared value
    assert 'Operator.__pricing_shallow(self)["tiers"]' in after
    old, new = load(CALLER_CHANGES), load(after)
    for _ in range(2):
        assert old["Operator"]({}).quote(1, 25, ("guide",)) == new["Operator"]({}).quote(
            1, 25, ("guide",)
        )
    assert new["BASE"]["extras"]["guide"] == 45.0


def test_public_callers_outside_the_module_keep_the_deep_copy() -> None:
    new = load(_apply(FUNCTION, "settings"))
    outside = new["settings"](2, "h")
    outside["retries"]["codes"].append(999)
    assert new["DEFAULTS"]["retries"]["codes"] == [500, 502]


#: a set of tuples grown where it is made
SET = """\
import copy

SEEN = {("a", 1), ("b", 2)}


def known(extra):
    seen = copy.deepcopy(SEEN)
    seen.add(extra)
    return sorted(seen), ("a", 1) in seen
"""


def test_set_constant() -> None:
    after = _apply(SET)
    assert "seen = SEEN.copy()" in after
    old, new = load(SET), load(after)
    assert old["known"](("c", 3)) == new["known"](("c", 3))
    assert new["SEEN"] == {("a", 1), ("b", 2)}


def test_a_caller_through_another_object_keeps_the_deep_copy() -> None:
    source = PROPERTY + "\n\ndef quote_all(op):\n    return op.pricing['currency']\n"
    result = SHALLOW.apply(source, function="pricing")
    assert result.changed
    assert "return op.pricing['currency']" in result.source
    assert "caller `op.pricing`: is not in a method of the same class" in result.summary
