"""deepcopy-read-only through a helper that returns a deep copy of module defaults: the call
sites that only read are rewritten, the helper and the others stay; key lambdas, picks and
tuples appended; refusals."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

SOURCE = """\
import copy

SHARED = ["gzip"]
DEFAULTS = {
    "sizes": [64, 128, 256, 512],
    "codecs": {"a": {"level": 3, "tags": SHARED}, "b": {"level": 9, "tags": SHARED}},
    "fallback": "a",
    "order": ["b", "a"],
}


def _defaults():
    \"\"\"A fresh copy, for callers that change theirs.\"\"\"
    return copy.deepcopy(DEFAULTS)


def plan(requests):
    out = []
    for req in requests:
        cfg = _defaults()
        size = min(cfg["sizes"], key=lambda s: abs(s - req["size"]))
        codec = req["codec"] if req["codec"] in cfg["codecs"] else cfg["fallback"]
        ranked = sorted(cfg["order"], key=lambda c: cfg["codecs"][c]["level"], reverse=True)
        out.append((size, codec, cfg["codecs"][codec]["level"], cfg["codecs"][codec]["tags"],
                    ranked, cfg["codecs"]["b"]["tags"]))
    return out


def custom(level):
    cfg = _defaults()
    cfg["codecs"]["a"]["level"] = level
    return cfg
"""

REQUESTS = [
    {"size": 100, "codec": "b"},
    {"size": 9000, "codec": "zstd"},
    {"size": -5, "codec": "a"},
]


def _rewritten(function: str | None = None) -> str:
    result = DEEP.apply(SOURCE, function=function)
    assert result.sites == 1, result.summary
    return result.source


@pytest.mark.parametrize("function", [None, "_defaults", "plan"])
def test_the_reading_call_site_is_rewritten_the_helper_and_the_mutating_caller_stay(
    function: str | None,
) -> None:
    result = DEEP.apply(SOURCE, function=function)
    after = result.source
    assert "        cfg = DEFAULTS\n        memo = {}\n" in after
    assert "    return copy.deepcopy(DEFAULTS)\n" in after  # the helper stays
    assert "def custom(level):\n    cfg = _defaults()\n" in after  # it changes its copy
    assert "size = min(cfg[" in after and "out.append((copy.deepcopy(size, memo)," in after
    assert 'else copy.deepcopy(cfg["fallback"], memo)' in after  # picked, not the request's
    assert "in plan" in result.summary and "_defaults() replaced" in result.summary


def test_same_results_and_defaults_untouched_before_and_after() -> None:
    after = _rewritten("_defaults")
    same_results(SOURCE, after, "plan", (REQUESTS,), ([],), ([{"size": 1}],))
    for source in (SOURCE, after):
        module = load(source)
        pristine = copy.deepcopy(module["DEFAULTS"])
        out = module["plan"](REQUESTS)
        assert out[0][:3] == (128, "b", 9) and out[1][:3] == (512, "a", 3)
        assert out[0][4] == ["b", "a"]
        assert module["DEFAULTS"] == pristine


def test_mutating_what_the_caller_got_leaves_the_defaults_alone_in_both() -> None:
    after = _rewritten()
    for source in (SOURCE, after):
        module: dict[str, Any] = load(source)
        out = module["plan"](REQUESTS)
        tags, ranked, other = out[0][3], out[0][4], out[0][5]
        assert tags is other  # shared in the original, shared in what one call hands out
        assert out[0][3] is not out[1][3]  # but not across items: a copy per item
        tags.append("changed")
        ranked.clear()
        assert module["DEFAULTS"]["codecs"]["a"]["tags"] == ["gzip"]
        assert module["SHARED"] == ["gzip"] and module["DEFAULTS"]["order"] == ["b", "a"]
        mine = module["custom"](1)
        assert mine["codecs"]["a"]["level"] == 1
        assert module["DEFAULTS"]["codecs"]["a"]["level"] == 3


def test_the_other_branch_of_a_conditional_is_not_copied() -> None:
    source = (
        'import copy\nD = {"a": [3, 1, 2]}\n\n'
        "def _d():\n    return copy.deepcopy(D)\n\n"
        "def f(x):\n    c = _d()\n    v = x if x else c['a']\n    return [v, v in c['a']]\n"
    )
    result = DEEP.apply(source)
    assert "v = x if x else copy.deepcopy(c['a'], memo)" in result.source
    assert "return [v, v in c['a']]" in result.source
    mine = [1]
    for text in (source, result.source):
        module = load(text)
        assert module["f"](mine)[0] is mine  # the caller's own value stays itself
        got = module["f"](None)[0]
        got.append(0)
        assert got == [3, 1, 2, 0] and module["D"] == {"a": [3, 1, 2]}


HEAD = 'import copy\nfrom copy import deepcopy\nD = {"a": [3, 1, 2], "k": "a"}\n\n'
HELPER = "def _d():\n    return copy.deepcopy(D)\n\n"
READER = "def f(n):\n    c = _d()\n    return n in c['a'] and len(c) > 1\n"
REFUSED = {
    "helper takes a parameter": (
        HEAD + "def _d(x=D):\n    return copy.deepcopy(x)\n\n" + READER.replace("_d()", "_d(D)"),
        "the helper _d() takes a parameter with a default",
    ),
    "helper is decorated": (
        HEAD + "import functools\n@functools.cache\n" + HELPER + READER,
        "decorated",
    ),
    "key lambda calls an unknown function": (
        HEAD + HELPER + "def f(w):\n    c = _d()\n    return min(c['a'], key=lambda v: w(v)) > 1\n",
        "a key lambda calls w()",
    ),
    "key lambda is not a key": (
        HEAD + HELPER + "def f():\n    c = _d()\n    g = lambda v: v\n    return len(c), g\n",
        "the lambda bound to g is used other than by calling it",
    ),
    "key is a function": (
        HEAD + HELPER + "def f(w):\n    c = _d()\n    return min(c['a'], key=w) > 1\n",
        "calls min()",
    ),
    "min with a default that is not from the copy": (
        HEAD + HELPER + "def f(x):\n    c = _d()\n    return [min(c['a'], default=x)]\n",
        "may hold another argument's objects",
    ),
    "sorted result mutated": (
        HEAD + HELPER + "def f():\n    c = _d()\n    s = sorted(c['a'])\n    s.append(0)\n"
        "    return len(s)\n",
        "calls s.append()",
    ),
    "min builtin shadowed": (
        HEAD + HELPER + "def min(x, key=None):\n    x.clear()\n\n"
        "def f():\n    c = _d()\n    return min(c['a']) == 1\n",
        "calls min()",
    ),
    "the whole copy appended": (
        HEAD + HELPER + "def f():\n    out = []\n    c = _d()\n    out.append((c, 1))\n"
        "    return out\n",
        "returned whole",
    ),
    "or with the caller's value": (
        HEAD + "def f(x):\n    c = copy.deepcopy(D)\n    v = x or c['a']\n    return [v]\n",
        "combined by and/or with another value",
    ),
    "caller mutates its copy": (
        HEAD + HELPER + "def f():\n    c = _d()\n    c['a'].sort()\n    return c['a'][0]\n",
        "calls c['a'].sort()",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary


def test_refused_helper_is_reported_when_it_is_the_target() -> None:
    source, _ = REFUSED["helper is decorated"]
    result = DEEP.apply(source, function="_d")
    assert not result.changed and "is decorated or async" in result.summary


def test_a_second_caller_that_mutates_keeps_its_own_call() -> None:
    source = HEAD + HELPER + READER + "def g():\n    c = _d()\n    c['a'].append(9)\n    return c\n"
    result = DEEP.apply(source, function="_d")
    assert result.sites == 1
    assert "def f(n):\n    c = D\n" in result.source
    assert "def g():\n    c = _d()\n    c['a'].append(9)\n" in result.source
    for text in (source, result.source):
        module = load(text)
        assert module["g"]()["a"] == [3, 1, 2, 9] and module["D"]["a"] == [3, 1, 2]
        assert module["f"](3) is True and module["f"](9) is False


def test_max_and_sorted_picks_are_followed_and_copied_where_they_leave() -> None:
    source = (
        HEAD
        + 'E = {"rows": [[1, "x"], [5, "y"], [3, "z"]], "n": 2}\n\n'
        + "def _e():\n    return deepcopy(E)\n\n"
        + "def top(k):\n    cfg = _e()\n    best = max(cfg['rows'], key=lambda r: r[0] * k)\n"
        + "    ranked = sorted(cfg['rows'], key=lambda r: (r[1], -r[0]), reverse=True)\n"
        + "    return [best, ranked[:2], best[1] in cfg['rows'][0]]\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    cfg = E\n    memo = {}\n" in result.source
    assert "return [deepcopy(best, memo), deepcopy(ranked[:2], memo)" in result.source
    same_results(source, result.source, "top", (1,), (-1,), (0,))
    for text in (source, result.source):
        module = load(text)
        best, ranked, _ = module["top"](1)
        assert best == [5, "y"] and best is ranked[1]  # shared, as in one whole copy
        best.append("changed")
        assert module["E"]["rows"][1] == [5, "y"]
