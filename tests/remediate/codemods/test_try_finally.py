"""A loop inside ``try``/``finally`` with no ``except``: join-strings and append-to-comprehension
rewrite it when the finally block can neither see the half-built value nor swallow the
exception (it then leaves the function), and refuse it otherwise. Checked by running the code
before and after, failing inputs included."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")
COMP = codemod("append-to-comprehension")

FINALLY = """\
def f(xs, log):
    try:
        s = ''
        for x in xs:
            s += x.upper()
    finally:
        log.append("done")
    return s
"""


def test_join_strings_in_a_try_with_only_finally() -> None:
    """The exception leaves the function through the finally block (which does not see the
    string), so nobody can observe the half-built string; failing inputs fail alike."""
    result = JOIN.apply(FINALLY)
    assert result.sites == 1 and "s_parts.append(x.upper())" in result.source
    before, after = load(FINALLY)["f"], load(result.source)["f"]
    for xs in (["a", "b"], [], ["a", 3, "c"]):
        logs: tuple[list[str], list[str]] = ([], [])
        outcomes = []
        for func, log in zip((before, after), logs, strict=True):
            try:
                outcomes.append(("value", func(xs, log)))
            except AttributeError as exc:
                outcomes.append(("raised", type(exc).__name__))
        assert outcomes[0] == outcomes[1] and logs[0] == logs[1] == ["done"], xs


def test_a_comprehension_in_a_try_with_only_finally() -> None:
    source = """\
def f(xs, closed):
    try:
        out = []
        for x in xs:
            out.append(1 / x)
    finally:
        closed.append(True)
    return out
"""
    result = COMP.apply(source)
    assert result.sites == 1 and "out = [1 / x for x in xs]" in result.source
    for xs in ([1, 2], [], [1, 0, 2]):
        closed: tuple[list[bool], list[bool]] = ([], [])
        got = []
        for func, log in zip((load(source)["f"], load(result.source)["f"]), closed, strict=True):
            try:
                got.append(("value", func(xs, log)))
            except ZeroDivisionError:
                got.append(("raised", "ZeroDivisionError"))
        assert got[0] == got[1] and closed[0] == closed[1] == [True], xs


REFUSED = {
    "inside try/finally that reads it": """\
def f(xs, log):
    try:
        s = ''
        for x in xs:
            s += x
    finally:
        log.append(s)
    return s
""",
    "inside try/finally that returns": """\
def f(xs):
    try:
        s = ''
        for x in xs:
            s += x
    finally:
        return 0
""",
    "inside try/else/finally": """\
def f(xs):
    try:
        s = ''
        for x in xs:
            s += x
    except TypeError:
        raise
    else:
        pass
    finally:
        pass
    return s
""",
    "inside try/finally that reads the list": """\
def f(xs, seen):
    try:
        out = []
        for x in xs:
            out.append(1 / x)
    finally:
        seen.append(len(out))
    return out
""",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_when_the_finally_could_see_or_swallow(case: str) -> None:
    mod = COMP if "the list" in case else JOIN
    result = mod.apply(REFUSED[case])
    assert result.source == REFUSED[case] and result.sites == 0
