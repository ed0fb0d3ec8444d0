"""set-membership, a list attribute that ``__init__`` binds to a new list and then fills with
``append``/``extend``/``+=``: its set is made once, right after the last statement that grows
it; same answers before and after, odd items and values included; refused where ``self`` could
get out before the list is finished, where the list changes anywhere else, or where
``__init__`` could return before the set."""

from __future__ import annotations

from pathlib import Path

import pytest

from efficiency.remediate.codemods import codemod
from efficiency.remediate.other_modules import OtherModules
from tests.remediate.codemods.sample import LooseEq, Text, load, same_results
from tests.remediate.codemods.test_attr_set import NAN, ODD_LISTS, ODD_VALUES

SET = codemod("set-membership")

# the dev program's spelling: a loop that skips bad rows, fills another attribute beside it
# and logs; a read of the list after the loop; three tests per call
TARIFF = """\
import logging

log = logging.getLogger(__name__)


class Tariff:
    def __init__(self, rows, origins=()):
        self._codes: list = []
        self.names = {}
        for row in rows:
            if isinstance(row, str) and len(row) != 4:
                log.warning("skipping %r", row)
                continue
            self._codes.append(row)
            self.names.setdefault(str(row)[:2], row)
        self.origins = tuple(origins)
        log.info("loaded %d codes", len(self._codes))

    def resolve(self, code):
        if code in self._codes:
            return code, "accepted"
        if not isinstance(code, str):
            return None, "rejected"
        residual = code[:2] + "00"
        if residual in self._codes:
            return residual, "reclassified"
        return None, "rejected"


def run(rows, codes):
    tariff = Tariff(rows)
    return [tariff.resolve(c) for c in codes], list(tariff._codes)
"""

MADE = (
    "        self._codes_set = ((self._codes, frozenset(self._codes)) if all(type(v) is str or "
    "type(v) is int for v in self._codes) else None)\n"
)


def test_the_dev_programs_spelling_makes_the_set_after_the_loop() -> None:
    result = SET.apply(TARIFF, function="Tariff.resolve")
    assert result.changed and result.sites == 1, result.summary
    assert "membership in Tariff._codes" in result.summary and "left:" not in result.summary
    loop_end = "            self.names.setdefault(str(row)[:2], row)\n"
    assert loop_end + MADE + "        self.origins = tuple(origins)\n" in result.source
    assert "    _codes_set = None\n" in result.source
    assert result.source.count("self._codes_set[0] is self._codes") == 2


def test_same_answers_for_odd_items_and_odd_values() -> None:
    after = SET.apply(TARIFF).source
    rows = [*ODD_LISTS, ["1200", "1234", "ab", 7], ["1200", Text("3400")], ["1200", LooseEq()]]
    for items in rows:
        same_results(TARIFF, after, "run", (items, [*ODD_VALUES, "1234", "1299", "3400"]))
    got = load(after)["run"](["1200", NAN], [NAN])
    assert got == load(TARIFF)["run"](["1200", NAN], [NAN])


GROWN = """\
class Rules:
    def __init__(self, base, extra, more=(), skip=False):
        self._allowed = []
        self._denied = list(base)
        for name in extra:
            self._allowed.append(name)
            if skip:
                break
            self._denied.extend([name + "-x"])
        self._allowed += list(more)
        self._allowed.extend(n for n in more if n not in self._allowed)
        self.size = len(self._allowed) + len(self._denied)
        if "z" in self._allowed:
            raise ValueError("z")

    def check(self, names):
        return [(n in self._allowed, n not in self._denied) for n in names], self.size


def run(base, extra, more, names):
    try:
        rules = Rules(base, extra, more)
    except ValueError:
        return "raised"
    again = Rules(base, extra, more, skip=True)
    return rules.check(names), again.check(names)
"""


def test_extend_and_augmented_growth_make_each_set_after_its_last_change() -> None:
    result = SET.apply(GROWN)
    assert result.changed and result.sites == 2, result.summary
    lines = result.source.splitlines()
    assert set(lines[1:3]) == {"    _denied_set = None", "    _allowed_set = None"}
    denied = lines.index('            self._denied.extend([name + "-x"])')
    assert lines[denied + 1].startswith("        self._denied_set = ((self._denied,")
    allowed = next(i for i, s in enumerate(lines) if s.startswith("        self._allowed.extend("))
    assert lines[allowed + 1].startswith("        self._allowed_set = ((self._allowed,")
    calls = [
        ([], [], [], ["a"]),
        (["a", 1], ["b", "c"], ["d", "b"], ["a", "b", "b-x", "c-x", "d", 1, 1.0, "e"]),
        (["a"], ["b"], ["z"], ["a"]),
        ([LooseEq()], [Text("B")], [], ["b", "B", "x"]),
        (["a"], [1, True], [2.0], [1, True, 2, 2.0, "1"]),
    ]
    for args in calls:
        same_results(GROWN, result.source, "run", args)


PAIR = """\
class Pair:
    def __init__(self, a, b):
        self._a = list(a)
        self._b = list(b)

    def check(self, x):
        return x in self._a, x in self._b
"""


@pytest.mark.parametrize("source", [PAIR, GROWN])
def test_two_lists_of_one_init_each_get_their_class_level_none(source: str) -> None:
    """An instance whose ``__init__`` has not reached its lists scans them (or fails on the
    list's name) as before, for every list the method binds, not only the last one proved."""
    after = SET.apply(source).source
    assert after.count("_set = None\n") == 2
    for text in (source, after):
        cls = next(v for k, v in load(text).items() if k in ("Pair", "Rules"))
        bare = cls.__new__(cls)
        with pytest.raises(AttributeError, match=r"attribute '_(a|allowed)'$"):
            bare.check(["a"])


DEDUPE = """\
class Index:
    def __init__(self, words):
        self._seen = []
        for word in words:
            if word not in self._seen:
                self._seen.append(word)

    def has(self, word):
        return word in self._seen


def run(words, probes):
    index = Index(words)
    return [index.has(p) for p in probes], list(index._seen)
"""


def test_a_list_tested_while_it_is_built_scans_until_its_set_is_made() -> None:
    result = SET.apply(DEDUPE)
    assert result.changed and result.sites == 1, result.summary
    assert "(2 membership tests)" in result.summary
    for words in (["a", "b", "a"], ["a", LooseEq(), "b"], [1, 1.0, True, "1"], []):
        same_results(DEDUPE, result.source, "run", (words, ["a", "b", 1, "x", LooseEq()]))


def test_init_run_again_on_the_object_binds_a_new_list_and_a_new_set() -> None:
    after = SET.apply(DEDUPE, function="Index.has").source
    index = load(after)["Index"](["a"])
    assert index.has("a") and not index.has("b")
    old = index._seen
    index._seen = ["b"]  # bound where the module cannot see: scanned
    assert index.has("b") and not index.has("a")
    index._seen = old
    assert index.has("a")


_CLASS = "class C:\n    def __init__(self, xs):\n        self._t = []\n"
_FILL = "        for x in xs:\n            self._t.append(x)\n"
_TEST = "\n    def has(self, x):\n        return x in self._t\n"
REFUSED = {
    "another method appends": _CLASS + _FILL + _TEST + "\n    def add(self, x):\n"
    "        self._t.append(x)\n",
    "a function appends": _CLASS + _FILL + _TEST + "\n\ndef add(c, x):\n    c._t.append(x)\n",
    "self handed to a function while filling": _CLASS + "        register(self)\n" + _FILL + _TEST,
    "self handed out in the loop": _CLASS
    + "        for x in xs:\n            self._t.append(x)\n            log(self)\n"
    + _TEST,
    "a method called while filling": _CLASS
    + "        self.setup()\n"
    + _FILL
    + _TEST
    + "\n    def setup(self):\n        pass\n",
    "a property read while filling": _CLASS
    + "        n = self.width\n"
    + _FILL
    + _TEST
    + "\n    @property\n    def width(self):\n        return 1\n",
    "super() while filling": _CLASS.replace(
        "self._t = []\n", "super().__init__()\n        self._t = []\n"
    )
    + _FILL
    + _TEST,
    "returned and changed by callers": _CLASS + _FILL + _TEST + "\n    def codes(self):\n"
    "        return self._t\n\n\ndef grow(c):\n    c.codes().append('x')\n",
    "a subclass appends after super().__init__()": _CLASS + _FILL + _TEST + "\n\nclass D(C):\n"
    "    def __init__(self, xs):\n        super().__init__(xs)\n        self._t.append('d')\n",
    "a return before the last growth": _CLASS.replace("xs):", "xs, stop=False):")
    + "        if stop:\n            return\n"
    + _FILL
    + _TEST,
    "growth in a nested function": _CLASS + "        def more(x):\n            "
    "self._t.append(x)\n        for x in xs:\n            more(x)\n" + _TEST,
    "growth in a lambda": _CLASS + "        self.more = lambda x: self._t.append(x)\n" + _TEST,
    "another object's list grown": _CLASS.replace("xs):", "xs, other):")
    + "        other._t.append(1)\n"
    + _TEST,
    "inserted, not appended": _CLASS + "        self._t.insert(0, xs)\n" + _TEST,
    "extend with a star": _CLASS + "        self._t.extend(*xs)\n" + _TEST,
    "__init__ run explicitly": _CLASS + _FILL + _TEST + "\n\ndef reset(c):\n    c.__init__([])\n",
    "a __new__": _CLASS + _FILL + _TEST + "\n    def __new__(cls, xs):\n"
    "        return object.__new__(cls)\n",
    "growth before the list": "class C:\n    def __init__(self, xs):\n        self._t += xs\n"
    "        self._t = []\n" + _TEST,
}


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("another method appends", "self._t.append may change it or let it out"),
        ("a function appends", "c._t.append may change it or let it out"),
        ("self handed to a function while filling", "__init__ hands self out (`register(self)`"),
        ("self handed out in the loop", "__init__ hands self out (`log(self)`"),
        ("a method called while filling", "__init__ reads self.setup before _t is built"),
        ("a property read while filling", "__init__ reads self.width before _t is built"),
        ("super() while filling", "__init__ calls super() before _t is built"),
        ("returned and changed by callers", "self._t is used other than to read it (Return)"),
        ("a subclass appends after super().__init__()", "D subclasses it in this module"),
        ("a return before the last growth", "may return before the last change of _t"),
        ("growth in a nested function", "grows in a nested function, lambda, class"),
        ("growth in a lambda", "grows in a nested function, lambda, class"),
        ("another object's list grown", "other._t.append may change it or let it out"),
        ("inserted, not appended", "self._t.insert may change it or let it out"),
        ("extend with a star", "self._t.extend may change it or let it out"),
        ("__init__ run explicitly", "c.__init__ runs an __init__ explicitly"),
        ("a __new__", "C has a __new__"),
        ("growth before the list", "self._t grows before _t is bound in __init__"),
    ],
)
def test_refusals_say_why_and_leave_the_text(case: str, why: str) -> None:
    result = SET.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0
    assert why in result.summary, result.summary


def test_the_refused_cases_do_change_the_list_behind_a_set() -> None:
    """What the refusals guard against: a growth after ``__init__`` finishes."""
    namespace = load(REFUSED["a subclass appends after super().__init__()"])
    assert namespace["D"](["a"]).has("d")
    namespace = load(REFUSED["returned and changed by callers"])
    made = namespace["C"](["a"])
    namespace["grow"](made)
    assert made.has("x")


PUBLIC = TARIFF.replace("_codes", "codes")
READER = "from app import Tariff\n\n\ndef show(t: Tariff):\n    return sorted(t.codes)\n"
SUBCLASS = (
    "from app import Tariff\n\n\nclass Local(Tariff):\n    def __init__(self, rows):\n"
    "        super().__init__(rows)\n        self.codes.append('9900')\n"
)


def _apply(tmp_path: Path, others: dict[str, str]) -> tuple[str, str]:
    (tmp_path / "app.py").write_text(PUBLIC)
    for rel, text in others.items():
        (tmp_path / rel).write_text(text)
    params = {"other_modules": OtherModules(tmp_path, "app.py")}
    result = SET.apply(PUBLIC, params=params)
    return result.source, result.summary


def test_a_public_list_other_modules_only_read_is_let_through(tmp_path: Path) -> None:
    after, summary = _apply(tmp_path, {"report.py": READER})
    assert after != PUBLIC and "other modules of the repository only read it" in summary
    same_results(PUBLIC, after, "run", (["1200", "3400"], ["1200", "1299", "3456", 1]))


def test_a_subclass_elsewhere_that_appends_after_super_init_refuses(tmp_path: Path) -> None:
    after, summary = _apply(tmp_path, {"local.py": SUBCLASS})
    assert after == PUBLIC
    assert "codes is public and local.py names it: it could change the list" in summary
