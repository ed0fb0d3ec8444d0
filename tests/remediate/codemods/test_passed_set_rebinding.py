"""set-membership, handed-down sets and names that can mean another function when the code runs:
a callee or list producer shadowed where it is called, rebound by another statement of the
module (in a block, by ``with``/``:=``/``global``, an attribute store), defined after code that
can run the caller first, or rebound by code the caller calls. Each is refused or guarded; the
code is run before and after and must answer alike."""

from __future__ import annotations

import types

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

SET = codemod("set-membership")
NAMES = [f"s{k}" for k in range(10)]

CALLEE = """\
def crit(x, a, b):
    return (x in a, x in b)

def other(x, a, b):
    return ("other", x in a)
"""

SHADOWED = {
    "a local of the caller": (
        "def rank(xs, names, alt):\n    a = list(names)\n    b = list(names)\n"
        "    crit = alt\n    return [crit(x, a, b) for x in xs]\n"
    ),
    "a comprehension target": (
        "def rank(xs, names, alt):\n    a = list(names)\n    b = list(names)\n"
        "    return [crit(x, a, b) for crit in [alt] for x in xs]\n"
    ),
    "rebound by a function of the module": (
        "def swap(alt):\n    global crit\n    crit = alt\n\n"
        "def rank(xs, names, alt):\n    a = list(names)\n    b = list(names)\n"
        "    swap(alt)\n    return [crit(x, a, b) for x in xs]\n"
    ),
}


@pytest.mark.parametrize("case", sorted(SHADOWED))
def test_a_callee_name_that_may_mean_another_function_gets_no_set(case: str) -> None:
    source = CALLEE + SHADOWED[case]
    result = SET.apply(source, function="rank")
    assert "_a_set" not in result.source, case
    old, new = load(source), load(result.source)
    args = (["s1", "q"], NAMES, old["other"])
    assert old["rank"](*args) == new["rank"](*args[:2], new["other"]), case


PRODUCER = """\
SHARED = ["s%d" % k for k in range(10)]

def make():
    return ["s%d" % k for k in range(10)]

REBIND

def crit(x, a):
    return x in a

def rank(xs):
    a = make()
    out = []
    for x in xs:
        out.append(crit(x, a))
        SHARED.append(x + "!")
    return out
"""
REBINDS = {
    "a def in an if block": "if True:\n    def make():\n        return SHARED",
    "a def in a try block": (
        "try:\n    def make():\n        return SHARED\nexcept Exception:\n    pass"
    ),
    "a with target": (
        "import contextlib\nwith contextlib.nullcontext(lambda: SHARED) as make:\n    pass"
    ),
    "a walrus": "(make := lambda: SHARED)",
    "a global statement": "def swap():\n    global make\n    make = lambda: SHARED\n\nswap()",
}


@pytest.mark.parametrize("case", sorted(REBINDS))
def test_a_producer_rebound_anywhere_at_the_top_proves_nothing(case: str) -> None:
    source = PRODUCER.replace("REBIND", REBINDS[case])
    result = SET.apply(source, function="rank")
    assert not result.changed, (case, result.source)
    assert "a = make(): it may be a list something else holds" in result.summary, case
    same_results(source, result.source, "rank", (["s1", "s1!"],))


def test_a_producer_shadowed_in_the_caller_proves_nothing() -> None:
    source = PRODUCER.replace("REBIND", "").replace(
        "def rank(xs):\n", "def rank(xs, get):\n    make = get\n"
    )
    result = SET.apply(source, function="rank")
    assert not result.changed, result.source
    old, new = load(source), load(result.source)
    assert old["rank"](["s1", "s1!"], lambda: old["SHARED"]) == [True, True]
    assert new["rank"](["s1", "s1!"], lambda: new["SHARED"]) == [True, True]


METHOD = """\
class B:
    def crit(self, x, a):
        return x in a

    def other(self, x, a):
        return "other"

    def swap(self):
        SWAP

    def rank(self, xs, names):
        a = list(names)
        self.swap()
        return [self.crit(x, a) for x in xs]
"""


@pytest.mark.parametrize("swap", ["self.crit = self.other", "B.crit = B.other", "pass"])
def test_a_method_stored_as_an_attribute_anywhere_gets_no_set(swap: str) -> None:
    source = METHOD.replace("SWAP", swap)
    result = SET.apply(source, function="B.rank")
    assert result.changed == (swap == "pass"), (swap, result.source)
    for args in ((["s1", "q"], NAMES), ([], NAMES)):
        old, new = load(source)["B"](), load(result.source)["B"]()
        assert old.rank(*args) == new.rank(*args), swap
    if result.changed:  # an object without the method, its call never reached, runs as before
        empty = types.SimpleNamespace(swap=lambda: None)
        new_rank = load(result.source)["B"].rank
        assert load(source)["B"].rank(empty, [], NAMES) == new_rank(empty, [], NAMES) == []


LATE = """\
NAMES = ["s%d" % k for k in range(10)]

def rank(xs, names):
    a = list(names)
    return [crit(x, a) for x in xs]

BETWEEN

def crit(x, a):
    return x in a
"""


@pytest.mark.parametrize(
    "between, refused",
    [
        ("EMPTY = rank([], NAMES)", True),
        ("def helper(x=rank([], NAMES)):\n    return x", True),
        ("class K:\n    EMPTY = rank([], NAMES)", True),
        ("LIMIT = 3\ndef helper(x=(1, 'a')):\n    return x", False),
    ],
)
def test_a_callee_defined_after_code_that_can_run_the_caller_is_refused(
    between: str, refused: bool
) -> None:
    source = LATE.replace("BETWEEN", between)
    result = SET.apply(source, function="rank")
    assert result.changed != refused, (between, result.summary)
    if refused:
        assert "`crit` is defined after code that could call rank" in result.summary
    same_results(source, result.source, "rank", (["s1", "q"], NAMES), ([], NAMES))


def test_a_function_rebound_while_the_caller_runs_is_called_as_before() -> None:
    source = CALLEE + (
        "def rank(xs, names, progress):\n    a = list(names)\n    b = list(names)\n"
        "    out = []\n    for x in xs:\n        progress()\n"
        "        out.append(crit(x, a, b))\n    return out\n"
    )
    result = SET.apply(source, function="rank")
    assert result.changed and "_a_set=a_set, _b_set=b_set" in result.source, result.summary
    outcomes = []
    for namespace in (load(source), load(result.source)):

        def progress(ns: dict = namespace) -> None:
            ns["crit"] = ns["other"]

        outcomes.append(namespace["rank"](["s1", "q"], NAMES, progress))
    assert outcomes[0] == outcomes[1] == [("other", True), ("other", False)]
