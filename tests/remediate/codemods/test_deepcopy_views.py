"""deepcopy-read-only through helpers with parameters and methods (``deepcopy_views``): the
read-only call sites call an uncopied sibling, the helper stays for everyone else, an override
or a patch of the helper still runs; refusals."""

from __future__ import annotations

import copy
import threading
from unittest import mock

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

#: the fare_quote spelling: a method copying through self, inside a try that renames KeyError
METHOD = """\
import copy


class NoFare(LookupError):
    pass


class Book:
    def __init__(self, rules):
        self._rules = rules

    def _rule_for(self, route, cls):
        try:
            return copy.deepcopy(self._rules[route][cls])
        except KeyError:
            raise NoFare(route) from None

    def price(self, route, cls, pax):
        rule = self._rule_for(route, cls)
        total = 0
        for fee in rule["fees"]:
            if fee["per_pax"]:
                total = pax
        return [rule["base"] > total, len(rule["fees"]), rule["tags"]]

    def edit(self, route, cls):
        rule = self._rule_for(route, cls)
        rule["tags"].append("edited")
        return rule


def price(rules, route, cls, pax):
    return Book(rules).price(route, cls, pax)
"""


def _rules() -> dict:
    fees = [{"per_pax": True}, {"per_pax": False}]
    return {"A-B": {"Y": {"base": 10, "fees": fees, "tags": ["x"]}}}


def test_the_method_spelling_gets_a_view_and_the_mutating_caller_keeps_the_helper() -> None:
    result = DEEP.apply(METHOD, function="_rule_for")
    after = result.source
    assert result.sites == 1, result.summary
    assert "        rule = Book.__rule_for_view(self, route, cls)\n" in after
    assert "    def edit(self, route, cls):\n        rule = self._rule_for(route, cls)\n" in after
    assert "            return copy.deepcopy(self._rules[route][cls])\n" in after
    assert "    __rule_for_copying = _rule_for\n" in after
    assert "            return self._rules[route][cls]\n" in after
    assert "__rule_for_view()" in result.summary
    rules = _rules()
    same_results(METHOD, after, "price", (rules, "A-B", "Y", 2), (rules, "A-B", "J", 1))
    for text in (METHOD, after):
        module = load(text)
        book = module["Book"](_rules())
        out = book.price("A-B", "Y", 3)
        out[2].append("leaked")  # the value that leaves is a copy, as before
        assert book._rules["A-B"]["Y"]["tags"] == ["x"]
        assert book.edit("A-B", "Y")["tags"] == ["x", "edited"]
        assert book._rules["A-B"]["Y"]["tags"] == ["x"]
        with pytest.raises(module["NoFare"]):
            book.price("A-B", "Z", 1)


def test_an_override_or_a_patch_of_the_helper_still_runs() -> None:
    after = DEEP.apply(METHOD).source
    module = load(after)
    book_class = module["Book"]

    class Cheaper(book_class):  # type: ignore[misc, valid-type]
        def _rule_for(self, route, cls):
            return {"base": 0, "fees": [], "tags": ["sub"]}

    assert Cheaper(_rules()).price("A-B", "Y", 1) == [False, 0, ["sub"]]
    book = book_class(_rules())
    fake = {"base": 99, "fees": [], "tags": ["mock"]}
    with mock.patch.object(book, "_rule_for", return_value=fake):
        assert book.price("A-B", "Y", 1) == [True, 0, ["mock"]]
    with mock.patch.object(book_class, "_rule_for", lambda self, r, c: fake):
        assert book_class(_rules()).price("A-B", "Y", 1) == [True, 0, ["mock"]]
    assert book.price("A-B", "Y", 1) == [True, 2, ["x"]]


SHARED = 'import copy\nfrom copy import deepcopy\nT = {"a": {"n": [1, 2], "s": "x"}}\n\n'
SPELLINGS = {
    "function with parameters": (
        SHARED + "def _row(table, key):\n    return deepcopy(table[key])\n\n"
        "def f(key):\n    row = _row(T, key)\n    return [len(row['n']), row['n']]\n",
        "    row = _row_view(T, key)\n",
    ),
    "bound to a name, then returned": (
        SHARED + "def _row(table, key):\n    row = copy.deepcopy(table[key])\n    return row\n\n"
        "def f(key):\n    row = _row(T, key)\n    return [row['s'] == 'x', row['n']]\n",
        "    row = table[key]\n    return row\n",
    ),
    "a .get with a default": (
        SHARED + "def _row(key):\n    return deepcopy(T.get(key, T['a']))\n\n"
        "def f(key):\n    row = _row(key)\n    return [row['n'][0] > 0, row['n']]\n",
        "return T.get(key, T['a'])",
    ),
    "an attribute chain": (
        "import copy\n\n\nclass Plans:\n    def __init__(self, cfg):\n"
        "        self.cfg = cfg\n\n    def tier_of(self, name):\n"
        "        return copy.deepcopy(self.cfg.tiers[name])\n\n"
        "    def allowed(self, name, n):\n        tier = self.tier_of(name)\n"
        "        return [n <= tier['limit'], tier['tags']]\n\n\n"
        "class Cfg:\n    tiers = {'a': {'limit': 3, 'tags': ['gold']}}\n\n\n"
        "def f(key):\n    return Plans(Cfg()).allowed(key, 2)\n",
        "        tier = Plans.__tier_of_view(self, name)\n",
    ),
    "formerly refused: the helper does more than return": (
        SHARED + "def _d():\n    print('copying')\n    return copy.deepcopy(T)\n\n"
        "def f(key):\n    c = _d()\n    return [key in c, c['a']['n']]\n",
        "    c = _d_view()\n",
    ),
    "formerly refused: the global is rebound elsewhere": (
        SHARED + "def _d():\n    return copy.deepcopy(T)\n\n"
        "def f(key):\n    c = _d()\n    return [key in c, c['a']['n']]\n\n"
        "def reset():\n    global T\n    T = {}\n",
        "    c = _d_view()\n",
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_other_spellings_get_a_view_with_the_same_results(case: str) -> None:
    source, expected = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert expected in result.source, result.source
    same_results(source, result.source, "f", ("a",), ("zz",))
    module = load(result.source)
    out = module["f"]("a")
    out[-1].append("leaked")  # what leaves is still a copy
    assert "leaked" not in repr({k: v for k, v in module.items() if k in ("T", "Cfg")})
    assert "leaked" not in repr(getattr(module.get("Cfg"), "tiers", {}))


HEAD = 'import copy\nT = {"a": {"n": [1, 2]}}\n\n'
READS = "def f(key):\n    row = _row(T, key)\n    return len(row['n'])\n"
REFUSED = {
    "helper keeps the copy": (
        HEAD + "LAST = []\n\ndef _row(table, key):\n    row = copy.deepcopy(table[key])\n"
        "    LAST.append(row)\n    return row\n\n" + READS,
        "uses the copy row other than by returning it",
    ),
    "helper has a default": (
        HEAD + "def _row(table, key='a'):\n    return copy.deepcopy(table[key])\n\n" + READS,
        "takes a parameter with a default",
    ),
    "call passes *args": (
        HEAD + "def _row(table, key):\n    return copy.deepcopy(table[key])\n\n"
        "def f(*args):\n    row = _row(*args)\n    return len(row['n'])\n",
        "passes *args or **kwargs",
    ),
    "helper defines a lambda": (
        HEAD + "def _row(table, key):\n    pick = lambda t: t[key]\n"
        "    return copy.deepcopy(pick(table))\n\n" + READS,
        "defines a nested function, lambda or class",
    ),
    "helper with a memo": (
        HEAD + "def _row(table, key):\n    return copy.deepcopy(table[key], {})\n\n" + READS,
        "memo or unusual arguments",
    ),
    "caller mutates": (
        HEAD + "def _row(table, key):\n    return copy.deepcopy(table[key])\n\n"
        "def f(key):\n    row = _row(T, key)\n    row['n'].append(3)\n    return row\n",
        "calls row['n'].append()",
    ),
    "method of a class with a base": (
        HEAD + "class B(dict):\n    def _row(self, key):\n        return copy.deepcopy(T[key])\n\n"
        "    def f(self, key):\n        row = self._row(key)\n        return len(row)\n",
        "has a base class or metaclass",
    ),
    "method rebound in the class body": (
        HEAD + "class B:\n    def _row(self, key):\n        return copy.deepcopy(T[key])\n\n"
        "    _row = staticmethod(len)\n\n"
        "    def f(self, key):\n        row = self._row(key)\n        return len(row)\n",
        "bound more than once in the body of B",
    ),
    "helper catches what deepcopy itself raises": (
        HEAD + "D = {'n': []}\n\ndef _row(table, key):\n    try:\n"
        "        return copy.deepcopy(table[key])\n    except TypeError:\n"
        "        return copy.deepcopy(D)\n\n" + READS,
        "catches TypeError around the copy",
    ),
    "helper turns any failure of the copy into its own error": (
        HEAD + "def _row(table, key):\n    try:\n        return copy.deepcopy(table[key])\n"
        "    except Exception:\n        raise LookupError(key) from None\n\n" + READS,
        "catches Exception around the copy",
    ),
    "method's parameter hides the getattr its view's check calls": (
        HEAD + "class B:\n    def _row(self, getattr):\n"
        "        return copy.deepcopy(T[getattr])\n\n"
        "    def f(self, key):\n        row = self._row(key)\n        return len(row)\n",
        "binds getattr, which its view's check calls",
    ),
    "module rebinds the getattr a view's check calls": (
        HEAD + "from operator import getitem as getattr\n\nclass B:\n    def _row(self, key):\n"
        "        return copy.deepcopy(T[key])\n\n"
        "    def f(self, key):\n        row = self._row(key)\n        return len(row)\n",
        "binds getattr, which its view's check calls",
    ),
    "helper changes the data after binding the copy": (
        HEAD + "def _row(table, key):\n    row = copy.deepcopy(table[key])\n"
        "    table[key]['n'].append(0)\n    return row\n\n" + READS,
        "runs code after taking the copy",
    ),
    "helper's finally changes the data after the copy": (
        HEAD + "def _row(table, key):\n    try:\n        return copy.deepcopy(table[key])\n"
        "    finally:\n        table[key]['n'].append(0)\n\n" + READS,
        "runs code after taking the copy",
    ),
    "helper copies inside a with (its exit runs after the copy)": (
        HEAD + "def _row(table, key):\n    with open(key) as handle:\n"
        "        return copy.deepcopy(table[key])\n\n" + READS,
        "runs code after taking the copy",
    ),
    "caller catches what the helper's copy raises": (
        HEAD + "def _row(table, key):\n    return copy.deepcopy(table[key])\n\n"
        "def f(key):\n    try:\n        row = _row(T, key)\n    except TypeError:\n"
        "        return -1\n    return len(row['n'])\n",
        "catches TypeError around the copy",
    ),
    "method called through another self": (
        HEAD + "class B:\n    def _row(self, key):\n        return copy.deepcopy(T[key])\n\n"
        "    def f(self, other, key):\n        row = other._row(key)\n        return len(row)\n",
        "other than the caller's own self",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert result.source == source and not result.changed
    assert why in result.summary, result.summary


def test_a_helper_that_returns_an_uncopied_value_on_some_path_is_not_a_helper() -> None:
    source = (
        HEAD + "def _row(table, key):\n    if key == 'raw':\n        return table\n"
        "    return copy.deepcopy(table[key])\n\n" + READS
    )
    assert not DEEP.apply(source).changed
    assert copy.deepcopy(1) == 1


def test_code_after_the_copy_is_why_those_helpers_are_refused() -> None:
    """The copy was taken before the helper changed the data (a later statement, a finally, a
    with's exit): the caller saw the data as it was; a view would hand out the changed data."""
    for case in ("helper changes the data after binding the copy",):
        module = load(REFUSED[case][0])
        assert module["f"]("a") == 2 and module["T"]["a"]["n"] == [1, 2, 0]


def test_an_uncopyable_value_the_helper_catches_is_why_it_is_refused() -> None:
    """A view leaves the copy out: a helper that catches deepcopy's own failure (a lock, a
    generator in the data) answered its fallback, the view would answer the data."""
    source = REFUSED["helper catches what deepcopy itself raises"][0]
    module = load(source)
    module["T"]["a"]["lock"] = threading.Lock()
    assert module["f"]("a") == 0


DELEGATE = """\
import copy


class Book:
    def __init__(self, rules, parent=None):
        self._rules = rules
        if parent is not None:
            self._rule_for = parent._rule_for

    def _rule_for(self, route):
        return copy.deepcopy(self._rules[route])

    def price(self, route):
        rule = self._rule_for(route)
        return rule["base"] > 3


def f(key):
    return Book({"a": {"base": 1}}, Book({"a": {"base": 9}})).price(key)
"""


def test_the_helper_bound_to_another_instance_still_runs_for_that_instance() -> None:
    """``self._rule_for`` may be another Book's bound method (delegation): same function, other
    ``self``; the view must call it rather than read its own ``self``'s data."""
    result = DEEP.apply(DELEGATE)
    assert result.sites == 1, result.summary
    same_results(DELEGATE, result.source, "f", ("a",), ("zz",))
    assert load(result.source)["f"]("a") is True


FOREIGN = """\
import copy


class Book:
    def __init__(self, rules):
        self._rules = rules

    def _rule_for(self, route):
        return copy.deepcopy(self._rules[route])

    def price(self, route):
        rule = self._rule_for(route)
        return rule["base"] > 1


class Proxy:
    def _rule_for(self, route):
        return {"base": 0}

    def price(self, route):
        return Book.price(self, route)


def f(key):
    return Proxy().price(key), Book({"a": {"base": 5}}).price(key)
"""


def test_a_method_borrowed_by_another_class_still_calls_that_class_helper() -> None:
    """``Book.price(proxy, ...)`` runs Book's caller with a self of another class: the view is
    reached through Book, and its check sends the call to the proxy's own helper."""
    result = DEEP.apply(FOREIGN)
    assert result.sites == 1, result.summary
    same_results(FOREIGN, result.source, "f", ("a",), ("zz",))
    assert load(result.source)["f"]("a") == (False, True)
