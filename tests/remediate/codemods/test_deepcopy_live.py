"""deepcopy-read-only for a helper with a fallback lookup whose callers only read: copies read
directly (``plan_for(t)["limits"]["rpm"]``) and callers that run other code only before the
copy or after its last read (``deepcopy_live``); the look-alikes that must keep their copy."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

PLANS = """\
import copy

PLANS = {
    "free": {"limits": {"rpm": 60, "seats": 3}, "features": {"sso": False}, "regions": ["eu"]},
    "team": {"limits": {"rpm": 600, "seats": 25}, "features": {"sso": True},
             "regions": ["eu", "us"]},
}
BOOST = {"burst": ("rpm", 2.0)}

"""

SPELLINGS = {
    # .get with a default; a direct read rebound by arithmetic; a call after the last read
    "get-default helper, direct read and a later call": (
        PLANS + "def plan_for(name: str) -> dict:\n"
        "    return copy.deepcopy(PLANS.get(name, PLANS['free']))\n\n"
        "def rate(name: str, addons: list) -> int:\n"
        "    limit = plan_for(name)['limits']['rpm']\n"
        "    for addon in addons:\n"
        "        key, factor = BOOST.get(addon, ('', 1.0))\n"
        "        if key == 'rpm':\n            limit = int(limit * factor)\n"
        "    return limit\n\n"
        "def f(name, region='eu', feature='sso', n=100):\n"
        "    plan = plan_for(name)\n"
        "    if region not in plan['regions']:\n        return 'region'\n"
        "    if not plan['features'].get(feature, False):\n        return 'feature'\n"
        "    if n > rate(name, ['burst']):\n        return 'rate'\n"
        "    return 'ok'\n",
        [
            "    limit = _plan_for_view(name)['limits']['rpm']\n",
            "    plan = _plan_for_view(name)\n",
        ],
    ),
    # `k in d` conditional lookup; reads straight in an if test, len, iteration
    "conditional lookup, reads in tests and a for": (
        PLANS + "def plan_for(name):\n"
        "    return copy.deepcopy(PLANS[name] if name in PLANS else PLANS['free'])\n\n"
        "def f(name, region='eu', feature='sso', n=100):\n"
        "    if region not in plan_for(name)['regions']:\n        return 'region'\n"
        "    count = 0\n"
        "    for r in plan_for(name)['regions']:\n        count = count + (r == region)\n"
        "    return [count, len(plan_for(name)['regions']), "
        "plan_for(name)['features'].get(feature)]\n",
        [
            "    if region not in _plan_for_view(name)['regions']:\n",
            "    for r in _plan_for_view(name)['regions']:\n",
        ],
    ),
    # `or` fallback; a loop that takes a new copy each turn and logs after its last read
    "or-fallback helper, per-item copy in a loop with a later call": (
        PLANS + "SEEN = []\n\ndef plan_for(name):\n"
        "    return copy.deepcopy(PLANS.get(name) or PLANS['free'])\n\n"
        "def note(name):\n    SEEN.append(name)\n\n"
        "def f(name, region='eu', feature='sso', n=100):\n"
        "    total = 0\n"
        "    for each in [name, 'free', name]:\n"
        "        plan = plan_for(each)\n"
        "        if plan['features'].get(feature, False):\n            total = total + 1\n"
        "        note(each)\n"
        "    return total\n",
        ["        plan = _plan_for_view(each)\n"],
    ),
    # a method; one value read directly leaves, deep-copied where it leaves
    "method, a direct read that is returned": (
        PLANS + "class Quota:\n    def plan_for(self, name):\n"
        "        return copy.deepcopy(PLANS.get(name, PLANS['free']))\n\n"
        "    def limits(self, name):\n"
        "        return {'limits': self.plan_for(name)['limits'], 'n': 1}\n\n"
        "def f(name, region='eu', feature='sso', n=100):\n"
        "    return Quota().limits(name)\n",
        ["copy.deepcopy(Quota.__plan_for_view(self, name)['limits'])"],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_each_spelling_reads_the_original_with_the_same_results(case: str) -> None:
    source, expected = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    for line in expected:
        assert line in result.source, result.source
    calls = [("team",), ("free",), ("nope",), ("team", "us", "sso", 700), ("team", "ap")]
    calls += [("team", "eu", "audit", 5), ("free", "eu", "sso", 1), ("team", "eu", "sso", 1300)]
    same_results(source, result.source, "f", *calls)
    module = load(result.source)
    out = module["f"]("team")
    if isinstance(out, dict):
        out["limits"]["rpm"] = 0  # what leaves is still a copy
    assert module["PLANS"]["team"]["limits"]["rpm"] == 600


def test_the_later_call_still_runs_and_the_helper_stays_for_other_callers() -> None:
    source = SPELLINGS["or-fallback helper, per-item copy in a loop with a later call"][0]
    source += "\ndef edit(name):\n    plan = plan_for(name)\n    plan['regions'].append('x')\n"
    source += "    return plan\n"
    module = load(DEEP.apply(source).source)
    assert module["f"]("team") == 2 and module["SEEN"] == ["team", "free", "team"]
    assert module["edit"]("team")["regions"] == ["eu", "us", "x"]
    assert module["PLANS"]["team"]["regions"] == ["eu", "us"]


HEAD = PLANS + "def plan_for(name):\n    return copy.deepcopy(PLANS.get(name, PLANS['free']))\n\n"
REFUSED = {
    "an unknown call between two reads": (
        HEAD + "def f(name, hook):\n    plan = plan_for(name)\n    ok = 'eu' in plan['regions']\n"
        "    hook(name)\n    return ok and plan['limits']['rpm'] > 10\n",
        "calls hook(), which could mutate the data, while the copy is read",
    ),
    "a call inside a direct read": (
        HEAD + "def f(name, key):\n    return plan_for(name)['limits'][key()] > 3\n",
        "calls key(), which could mutate the data, while the copy is read",
    ),
    "a loop that reads a copy taken before it": (
        HEAD + "def f(name, hook, xs):\n    plan = plan_for(name)\n    n = 0\n"
        "    for x in xs:\n        if plan['features'].get('sso'):\n            n = n + 1\n"
        "        hook(x)\n    return n\n",
        "calls hook(), which could mutate the data, while the copy is read",
    ),
    "a loop whose read is bound only on some turns": (
        HEAD + "def f(name, hook):\n    n = 0\n    for x in range(3):\n"
        "        if x:\n            lim = plan_for(name)['limits']\n"
        "        n = n + len(lim)\n        hook(x)\n    return n\n",
        "while the copy is read",
    ),
    "a direct read stored on an object": (
        HEAD + "class C:\n    def f(self, name):\n"
        "        self.limits = plan_for(name)['limits']\n        return 1\n",
        "assigns to a subscript or attribute",
    ),
    "a direct read passed to unknown code": (
        HEAD + "def f(name, sink):\n    return sink(plan_for(name)['regions'])\n",
        "calls sink(), which could mutate the data",
    ),
    "the call returned whole": (
        HEAD + "def f(name):\n    return plan_for(name)\n",
        "is returned whole",
    ),
    "a direct read changed in place": (
        HEAD + "def f(name):\n    plan_for(name)['limits']['rpm'] = 5\n    return 1\n",
        "is bound more than once in the module",
    ),
    "a direct read that leaves twice": (
        HEAD + "def f(name):\n    lim = plan_for(name)['limits']\n    return [lim, lim]\n",
        "more than one value read from it leaves the function",
    ),
    "a direct read joined with a foreign list and returned": (
        HEAD + "def f(name, extra) -> list:\n    return plan_for(name)['regions'] + extra\n",
        "flows into",
    ),
    "a read rebound by += in the loop": (
        HEAD + "def f(name, hook):\n    regions = plan_for(name)['regions']\n"
        "    regions += ['x']\n    return len(regions)\n",
        "augmented assignment",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed, result.source
    assert why in result.summary, result.summary


def test_a_call_between_reads_is_why_the_copy_stays() -> None:
    """The hook changes the plan between two reads: the copy still answers the old limit."""
    module = load(REFUSED["an unknown call between two reads"][0])

    def hook(name: str) -> None:
        module["PLANS"][name]["limits"]["rpm"] = 0

    assert module["f"]("team", hook) is True


# code that runs while the copy is read though its text lies outside the reads
MUTATE = HEAD + "def hook(name):\n    PLANS[name]['limits']['rpm'] = 0\n    return True\n\n"
RUNS_DURING = {
    "a conditional whose test runs before its body": (
        MUTATE + "def f(name):\n    plan = plan_for(name)\n"
        "    return plan['limits']['rpm'] > 10 if hook(name) else False\n"
    ),
    "a with block whose exit runs before a later read": (
        MUTATE + "class Ctx:\n    def __init__(self, name):\n        self.name = name\n"
        "    def __enter__(self):\n        return self\n"
        "    def __exit__(self, *exc):\n        hook(self.name)\n\n"
        "def f(name):\n    with Ctx(name):\n        plan = plan_for(name)\n"
        "        a = plan['limits']['rpm'] > 10\n"
        "    return a and plan['limits']['rpm'] > 10\n"
    ),
    "a generator made before the copy and run while it is read": (
        MUTATE + "def gen(name):\n    hook(name)\n    yield 1\n\n"
        "def f(name):\n    it = gen(name)\n    plan = plan_for(name)\n    n = 0\n"
        "    for x in it:\n        n = n + x\n    return plan['limits']['rpm'] > 10\n"
    ),
    "a lazy map made before the copy": (
        MUTATE + "def f(name):\n    it = map(hook, [name])\n    plan = plan_for(name)\n"
        "    for x in it:\n        pass\n    return plan['limits']['rpm'] > 10\n"
    ),
    "a generator expression over the copy consumed after a call": (
        MUTATE + "def f(name):\n    plan = plan_for(name)\n"
        "    g = (plan['limits']['rpm'] > x for x in [10])\n    hook(name)\n    return any(g)\n"
    ),
}


@pytest.mark.parametrize("case", sorted(RUNS_DURING))
def test_code_that_runs_while_the_copy_is_read_keeps_it(case: str) -> None:
    source = RUNS_DURING[case]
    after = DEEP.apply(source).source
    assert load(source)["f"]("team") is True  # the copy was taken before the hook ran
    assert load(after)["f"]("team") is True, after


LEAKS = {
    "a builtin's name rebound by a parameter": (
        HEAD + "def f(name, int=lambda x: x):\n    return int(plan_for(name)['regions'])\n"
    ),
    "a builtin's name rebound in the module": (
        HEAD + "def len(x):\n    return x\n\n"
        "def f(name):\n    plan = plan_for(name)\n    return len(plan['regions'])\n"
    ),
    "a function annotated to return a scalar that returns a list": (
        HEAD + "def f(name) -> bool:\n    return plan_for(name)['regions']\n"
    ),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_a_value_that_only_looks_scalar_leaves_as_a_copy(case: str) -> None:
    after = DEEP.apply(LEAKS[case]).source
    module = load(after)
    module["f"]("team").append("x")
    assert module["PLANS"]["team"]["regions"] == ["eu", "us"], after


def test_a_direct_read_that_leaves_on_each_turn_of_a_loop_stays_one_object() -> None:
    """The one value read leaves twice: the copy handed out the same object both times."""
    source = HEAD + (
        "def f(name):\n    lim = plan_for(name)['limits']\n    out = []\n"
        "    for i in [0, 1]:\n        out.append(lim)\n    return out\n"
    )
    after = DEEP.apply(source).source
    first, second = load(after)["f"]("team")
    assert first is second, after
