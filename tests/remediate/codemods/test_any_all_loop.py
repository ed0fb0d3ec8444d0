"""any-all-loop: exact rewrites, same results before and after (and no generator left),
refusals that leave the text byte for byte and say why."""

from __future__ import annotations

import dis

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

LOOP = codemod("any-all-loop")

SOURCE = """\
def imt(token, patterns, kinds):
    if any(token.startswith(p) for p in patterns):  # a prefix
        return "prefix"
    out = "odd"
    if all(k.isalpha() for k in kinds if k):
        out = "plain" if token else "empty"
    else:
        return None
    return out


def ok(pairs):
    return all(a < b for a, b in pairs)
"""

AFTER = """\
def imt(token, patterns, kinds):
    for p in patterns:
        if token.startswith(p):  # a prefix
            return "prefix"
    out = "odd"
    for k in kinds:
        if k and not k.isalpha():
            return None
    else:
        out = "plain" if token else "empty"
    return out


def ok(pairs):
    for a, b in pairs:
        if not a < b:
            return False
    return True
"""


def test_if_and_return_tests_become_loops() -> None:
    result = LOOP.apply(SOURCE)
    assert result.source == AFTER
    assert result.changed and result.sites == 3
    assert result.summary == (
        "tested the generator's items in a plain loop instead of any()/all() in imt, ok (3 sites)"
    )


def test_same_results_before_and_after() -> None:
    after = LOOP.apply(SOURCE).source
    calls = [
        (t, p, k)
        for t in ("abc", "", "xyz")
        for p in ((), ("a",), ("x", "ab"))
        for k in ((), ("ok", ""), ("ok", "n1"), (1,))
    ]
    same_results(SOURCE, after, "imt", *calls)
    same_results(
        SOURCE, after, "ok", ([],), ([(1, 2), (2, 3)],), ([(1, 2), (3, 2)],), ([(1, "a")],)
    )


def test_the_generator_is_gone_after() -> None:
    before, after = load(SOURCE)["ok"], load(AFTER)["ok"]
    consts = [c for c in before.__code__.co_consts if hasattr(c, "co_name")]
    assert [c.co_name for c in consts] == ["<genexpr>"]
    assert not [c for c in after.__code__.co_consts if hasattr(c, "co_name")]
    assert "FOR_ITER" in {i.opname for i in dis.get_instructions(after)}


def test_the_deciding_item_stops_the_loop_as_before() -> None:
    """any() stops at the first truthy item: the loop takes no item more."""
    src = (
        "def first(it):\n    if not any(x > 1 for x in it):\n        return -1\n"
        "    return next(it, None)\n"
    )
    after = LOOP.apply(src).source
    assert after != src
    for source in (src, after):
        assert load(source)["first"](iter([0, 2, 5, 7])) == 5


REFUSED = {
    "elsewhere": "def f(xs, x):\n    return any(x for x in xs)\n",
    "expression": "def f(xs, y):\n    return y and any(v for v in xs)\n",
    "shadowed": "from m import any\n\ndef f(xs):\n    return any(v for v in xs)\n",
    "two fors": "def f(xss):\n    return any(v for xs in xss for v in xs)\n",
    "lambda": "def f(xs):\n    return any((lambda: v)() for v in xs)\n",
    "loose break": (
        "def f(rows, xs):\n    for r in rows:\n        if any(v for v in xs):\n"
        "            break\n    return rows\n"
    ),
    "side effect": "def f(xs, log):\n    if any(v for v in xs):\n        log.append(1)\n",
    "elif": (
        "def f(a, xs):\n    if a:\n        return 1\n    elif any(v for v in xs):\n"
        "        return 2\n"
    ),
    "next": "def f(it, xs):\n    return any(next(it) for v in xs)\n",
    "module level": "ok = any(v for v in [1])\nif all(v for v in [1]):\n    pass\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = LOOP.apply(REFUSED[case])
    assert not result.changed and result.source == REFUSED[case]
    assert result.summary.startswith("any-all-loop: nothing to rewrite (")


def test_refusals_say_why() -> None:
    why = {case: LOOP.apply(src).summary for case, src in REFUSED.items()}
    assert "x is also used elsewhere in the function" in why["elsewhere"]
    assert "not the whole test of an `if` or value of a `return`" in why["expression"]
    assert "may not be the builtin" in why["shadowed"]
    assert "more than one `for`" in why["two fors"]
    assert "a lambda" in why["lambda"]
    assert "does more than return a name or constant" in why["loose break"]
    assert "a generator's cleanup would run after it" in why["side effect"]
    assert "an `elif`" in why["elif"]
    assert "next() inside the generator" in why["next"]
    assert "not inside a function" in why["module level"]


def test_only_the_named_function_is_rewritten() -> None:
    result = LOOP.apply(SOURCE, function="ok")
    assert result.sites == 1
    assert "if any(token.startswith(p) for p in patterns)" in result.source


CLEANUP = """\
def scan(log, items):
    def gen():
        try:
            yield from items
        finally:
            log.append("closed")

    if not any(x for x in gen()):
        log.append("none")
    log.append("after")
    return log
"""


def test_a_generator_iterable_is_let_go_where_any_let_it_go() -> None:
    """The deciding item breaks out of the loop before anything else runs, as any() returns
    and drops the generator before the branch: its cleanup comes at the same point."""
    after = LOOP.apply(CLEANUP).source
    assert "    for x in gen():\n        if x:\n            break\n    else:\n" in after
    before_scan, after_scan = load(CLEANUP)["scan"], load(after)["scan"]
    for items in ([0, 1, 2], [0, 0], []):
        assert before_scan([], items) == after_scan([], items)
    assert after_scan([], [0, 1, 2]) == ["closed", "after"]
    assert after_scan([], [0]) == ["closed", "none", "after"]
