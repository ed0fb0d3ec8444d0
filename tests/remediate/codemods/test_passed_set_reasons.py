"""set-membership, the refusals of the passed-list stage name the list they are about: a local
handed to a function of the module that never tests it with ``in`` (``total = _money(total)``)
is no candidate and is not named; a list bound twice, or a method's receiver bound twice, is
named with the function it is bound in."""

from __future__ import annotations

from efficiency.remediate.codemods import codemod

SET = codemod("set-membership")

MONEY = """\
def _money(x):
    return round(x, 2)


def price(code, rates, banned):
    if code in banned.codes:
        return 0
    total = rates.get(code, 0) * 1.5
    total = _money(total)
    return total
"""


def test_a_local_handed_to_a_function_that_tests_nothing_is_not_named() -> None:
    result = SET.apply(MONEY, function="price")
    assert not result.changed
    assert "total" not in result.summary, result.summary
    assert "no list built once and only read" in result.summary, result.summary


CHECK = """\
def check(app, feeders):
    return app in feeders


def rank(apps, schools):
    feeders = list(schools)
    feeders = feeders[:]
    return [check(a, feeders) for a in apps]
"""

METHOD = """\
class Board:
    def check(self, app, feeders):
        return app in feeders

    def rank(self, apps, schools, other):
        feeders = list(schools)
        self = other
        return [self.check(a, feeders) for a in apps]
"""


def test_a_list_bound_twice_is_named_with_its_function() -> None:
    summary = SET.apply(CHECK, function="rank").summary
    assert "feeders = list(schools): feeders is bound more than once in rank" in summary
    assert "receiver" not in summary


def test_a_receiver_bound_twice_is_named_with_its_function() -> None:
    summary = SET.apply(METHOD, function="Board.rank").summary
    assert "feeders = list(schools): self is bound more than once in rank" in summary, summary
