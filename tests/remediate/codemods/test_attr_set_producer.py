"""set-membership, a list attribute bound in ``__init__`` to a call of a module function: let
through when the function is plain, defined once and builds and returns a new list nothing else
holds (the passed_set proof); refused when it caches or shares the list, returns a global,
yields, is decorated, or is bound again in the module."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results

SET = codemod("set-membership")
ODD = [1, 1.0, True, None, Text("A"), LooseEq(), ("A",), [1]]

PRODUCER = '''\
def parse_feed(text):
    """One id per line, '#' comments."""
    sites = []
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            sites.append(entry.upper())
    return sites
'''

CLASS = """

class Screener:
    def __init__(self, feed):
        self._blocked = parse_feed(feed)

    def flagged(self, site):
        return site in self._blocked


def run(feed, sites):
    screener = Screener(feed)
    return [screener.flagged(s) for s in sites]
"""

APP = PRODUCER + CLASS
FEED = "a1\n# note\nb2 # east\n\nA1\n"


def test_a_module_function_building_a_local_list_is_accepted() -> None:
    result = SET.apply(APP)
    assert result.changed and result.sites == 1, result.summary
    assert "_blocked_set = ((self._blocked, frozenset(self._blocked))" in result.source
    same_results(APP, result.source, "run", (FEED, ["A1", "B2", "a1", "C3", *ODD]), ("", ["A1"]))


def test_the_list_stays_the_one_the_function_built() -> None:
    after = load(SET.apply(APP).source)
    screener = after["Screener"](FEED)
    assert screener._blocked == ["A1", "B2", "A1"]
    screener._blocked = ["Z9"]  # bound where the module cannot see: scanned, not the old set
    assert screener.flagged("Z9") and not screener.flagged("A1")


CACHED = {
    "stored in a global dict": PRODUCER.replace(
        "    return sites", "    _CACHE[text] = sites\n    return sites"
    )
    + "\n\n_CACHE = {}\n"
    + CLASS,
    "stored on an attribute": PRODUCER.replace(
        "    return sites", "    parse_feed.last = sites\n    return sites"
    )
    + CLASS,
    "returns a global": "SITES = ['A1']\n\n\ndef parse_feed(text):\n    return SITES\n" + CLASS,
    "returns a parameter": "def parse_feed(text, into=[]):\n    into.append(text)\n"
    "    return into\n" + CLASS,
    "yields": "def parse_feed(text):\n    yield from text.split()\n" + CLASS,
    "decorated": "import functools\n\n\n@functools.cache\n" + PRODUCER + CLASS,
    "bound again": PRODUCER + "\n\nparse_feed = lambda text: text.split()\n" + CLASS,
    "declared global elsewhere": PRODUCER
    + "\n\ndef swap(f):\n    global parse_feed\n    parse_feed = f\n"
    + CLASS,
    "a parameter of __init__ with its name": PRODUCER
    + CLASS.replace("def __init__(self, feed)", "def __init__(self, feed, parse_feed=str.split)"),
}


@pytest.mark.parametrize("case", sorted(CACHED))
def test_a_producer_that_may_share_its_list_is_refused(case: str) -> None:
    source = CACHED[case]
    result = SET.apply(source)
    assert result.source == source and not result.changed
    assert "may be a list something else holds" in result.summary


def test_a_cached_list_changed_later_would_make_a_stale_set() -> None:
    """Why caching is refused: the cache's holder can change the list after the set is made."""
    namespace = load(CACHED["stored in a global dict"])
    screener = namespace["Screener"](FEED)
    namespace["_CACHE"][FEED].append("C3")
    assert screener.flagged("C3")
