"""deepcopy-read-only around static and class methods of the function's own class, and methods
handed the copy (``deepcopy_statics``): each rewrite runs before and after with the same
results and leaves the original as it was; each look-alike keeps its copy, says why, and runs
the same before and after."""

from __future__ import annotations

import copy
import itertools
import sys
import types
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod

DEEP = codemod("deepcopy-read-only")
_counter = itertools.count()


def load(source: str) -> dict[str, Any]:
    """Run ``source`` as a registered module of its own (dataclasses look their module up)."""
    module = types.ModuleType(f"deepcopy_statics_sample_{next(_counter)}")
    sys.modules[module.__name__] = module
    exec(compile(source, module.__name__, "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


HEAD = """\
import copy
import math
from dataclasses import dataclass

PENALTY = 0.004
SITE = {
    "mask": [(0.0, 6.0), (90.0, 12.0), (180.0, 4.0), (270.0, 7.5)],
    "filters": {"V": {"limit": 20.4, "ext": 0.15}, "B": {"limit": 19.8, "ext": 0.25}},
    "moon": 45.0,
}


@dataclass(frozen=True)
class Target:
    alt: float
    az: float
    mag: float
    band: str

"""

# the sky_survey shape: a static method through self, a plain method handed the copy that
# rebinds a name to a tuple of its reads, a module number constant in the arithmetic
PLANNER = (
    "class Planner:\n    def __init__(self):\n        self._site = SITE\n\n"
    "    @staticmethod\n    def airmass(alt: float) -> float:\n"
    "        if alt <= 0:\n            return math.inf\n"
    "        return 1.0 / math.cos(math.radians(90.0 - alt))\n\n"
    "    def _mask(self, profile: dict, az: float) -> float:\n"
    "        mask = profile['mask']\n        if not mask:\n            return 0.0\n"
    "        best = mask[0]\n        for a, h in mask:\n"
    "            if abs(a - az) < abs(best[0] - az):\n                best = (a, h)\n"
    "        return best[1]\n\n"
)
SCORE = (
    "    def score(self, t):\n        profile = copy.deepcopy(self._site)\n"
    "        if t.alt <= self._mask(profile, t.az):\n            return None\n"
    "        am = self.airmass(t.alt)\n        band = profile['filters'].get(t.band)\n"
    "        if band is None:\n            return None\n"
    "        moon = max(0.0, 60.0 - profile['moon']) * PENALTY\n"
    "        return round(band['limit'] - band['ext'] * am - t.mag - moon, 4)\n\n"
)
CALLS = [(30.0, 45.0, 15.0, "V"), (5.0, 90.0, 12.0, "V"), (60.0, 200.0, 19.0, "B"),
         (40.0, 300.0, 14.0, "R"), (89.0, 0.0, 25.0, "V")]  # fmt: skip


def _f(body: str, make: str = "Planner()") -> str:
    return (
        body + f"def f(alt, az, mag, band):\n    return {make}.score(Target(alt, az, mag, band))\n"
    )


SPELLINGS: dict[str, tuple[str, str]] = {
    "a static method through self, a method handed the copy": (
        _f(HEAD + PLANNER + SCORE),
        "        profile = self._site\n",
    ),
    "a static method through the class's name": (
        _f(HEAD + PLANNER + SCORE.replace("self.airmass(", "Planner.airmass(")),
        "        profile = self._site\n",
    ),
    "a class method through self, reading cls": (
        _f(
            HEAD
            + PLANNER.replace(
                "    @staticmethod\n    def airmass(alt: float) -> float:\n",
                "    FLOOR = 0.0\n\n    @classmethod\n    def airmass(cls, alt: float) -> float:\n"
                "        if alt <= cls.FLOOR:\n            return math.inf\n",
            )
            + SCORE
        ),
        "        profile = self._site\n",
    ),
    "a class method caller handing a read to a static method through cls": (
        HEAD + "class Book:\n    RULES = {'V': [20.4, 0.15], 'B': [19.8, 0.25]}\n\n"
        "    @staticmethod\n    def _limit(row: list[float], am: float) -> float:\n"
        "        return row[0] - row[1] * am\n\n"
        "    @classmethod\n    def margin(cls, band, am: float, mag: float):\n"
        "        rules = copy.deepcopy(cls.RULES)\n"
        "        if band not in rules:\n            return None\n"
        "        return cls._limit(rules[band], am) > mag\n\n"
        "def f(alt, az, mag, band):\n    return Book.margin(band, alt / 30.0, mag)\n",
        "        rules = cls.RULES\n",
    ),
    "a part of the copy handed to a plain method that only tests it": (
        HEAD + "class G:\n    def _known(self, names) -> bool:\n"
        "        return (90.0, 12.0) in names\n\n"
        "    def score(self, t):\n        cfg = copy.deepcopy(SITE)\n"
        "        return self._known(cfg['mask']) and cfg['moon'] > t.alt\n\n"
        "def f(alt, az, mag, band):\n    return G().score(Target(alt, az, mag, band))\n",
        "        cfg = SITE\n",
    ),
    "the copy handed to a plain method whose value is compared": (
        HEAD + "class P:\n    def needed(self, profile, band):\n"
        "        return profile['filters'][band]['limit']\n\n"
        "    def score(self, t):\n        profile = copy.deepcopy(SITE)\n"
        "        if t.band not in profile['filters']:\n            return None\n"
        "        return self.needed(profile, t.band) > t.mag\n\n"
        "def f(alt, az, mag, band):\n    return P().score(Target(alt, az, mag, band))\n",
        "        profile = SITE\n",
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_each_spelling_reads_the_original_with_the_same_results(case: str) -> None:
    source, expected = SPELLINGS[case]
    result = DEEP.apply(source)
    assert result.changed, result.summary
    # dropped unless a method relied on is not the module's at run time (deepcopy_guards)
    assert expected.rstrip("\n") + " if _" in result.source, result.source
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy(after["SITE"])
    for args in CALLS:
        assert before["f"](*args) == after["f"](*args), args
    assert after["SITE"] == pristine


# each keeps its copy: run before and after (the same source), the results must agree with
# what the copy guarded, and the original must not change where the copy kept it safe
REFUSED: dict[str, tuple[str, str]] = {
    "a static method that changes its argument": (
        _f(
            HEAD
            + PLANNER.replace(
                "    @staticmethod\n    def airmass(alt: float) -> float:\n",
                "    @staticmethod\n    def trim(p: dict) -> int:\n        p['mask'].clear()\n"
                "        return 0\n\n    @staticmethod\n    def airmass(alt: float) -> float:\n",
            )
            + SCORE.replace("        am = ", "        self.trim(profile)\n        am = ")
        ),
        "self.trim",
    ),
    "a plain method that changes the copy it is handed": (
        _f(
            HEAD
            + PLANNER.replace(
                "        mask = profile['mask']\n",
                "        mask = profile['mask']\n        profile['moon'] = 0.0\n",
            )
            + SCORE
        ),
        "self._mask",
    ),
    "a plain method that keeps its argument on self": (
        _f(
            HEAD
            + PLANNER.replace(
                "        mask = profile['mask']\n",
                "        mask = profile['mask']\n        self.kept = profile\n",
            )
            + SCORE
            + "    def spoil(self):\n        self.kept['moon'] = 0.0\n\n",
            "_spoiled()",
        )
        + "\ndef _spoiled():\n    p = Planner()\n    p.score(Target(50.0, 45.0, 10.0, 'V'))\n"
        "    p.spoil()\n    return p\n",
        "self._mask",
    ),
    "a subclass in the module that overrides the method": (
        _f(
            HEAD + PLANNER + SCORE + "class Careless(Planner):\n    def _mask(self, profile, az):\n"
            "        profile['mask'].clear()\n        return 0.0\n\n",
            "Careless()",
        ),
        "may be overridden by Careless, which derives from Planner",
    ),
    "a class method that changes class data the copy was made of": (
        HEAD + "class Book:\n    RULES = {'V': [20.4, 0.15]}\n\n"
        "    @classmethod\n    def _seen(cls, band) -> int:\n"
        "        cls.RULES.setdefault(band, [0.0, 0.0])\n        return 1\n\n"
        "    def margin(self, band, mag):\n        rules = copy.deepcopy(self.RULES)\n"
        "        n = self._seen(band)\n"
        "        return len(rules) + n - mag if band in rules else None\n\n"
        "def f(alt, az, mag, band):\n    return Book().margin(band, mag)\n",
        "self._seen",
    ),
    "a plain method through the class's name, handed the copy": (
        _f(HEAD + PLANNER + SCORE.replace("self._mask(profile", "Planner._mask(self, profile")),
        "is a plain method called through the class",
    ),
    "a method whose value, a part of the copy, leaves the function": (
        HEAD + "class P:\n    def _pick(self, profile):\n        return profile['mask']\n\n"
        "    def score(self, t):\n        profile = copy.deepcopy(SITE)\n"
        "        return self._pick(profile)\n\n"
        "def f(alt, az, mag, band):\n    got = P().score(Target(alt, az, mag, band))\n"
        "    got.append((1.0, 1.0))\n    return len(SITE['mask'])\n",
        "the value of self._pick()",
    ),
    "a tuple rebinding holding another object": (
        HEAD + "class P:\n    def __init__(self):\n        self.extra = [1.0]\n\n"
        "    def score(self, t):\n        profile = copy.deepcopy(SITE)\n"
        "        best = profile['mask'][0]\n"
        "        if t.alt > 10:\n            best = (profile['moon'], self.extra)\n"
        "        return best\n\n"
        "def f(alt, az, mag, band):\n    p = P()\n    got = p.score(Target(alt, az, mag, band))\n"
        "    return got[1] is p.extra\n",
        "best is bound more than once, not always to a value read from the copy",
    ),
    "a number constant bound twice in the module": (
        _f(HEAD + "PENALTY = [0.004]\n\n" + PLANNER + SCORE),
        "flows into `max(0.0, 60.0 - profile['moon']) * PENALTY`",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = DEEP.apply(source)
    assert not result.changed and result.source == source, result.source
    assert why in result.summary, result.summary
    before, after = load(source), load(result.source)
    pristine = copy.deepcopy(before["SITE"])
    for args in CALLS:
        try:
            expected: Any = before["f"](*args)
        except TypeError as error:  # the constant bound to a list: both fail alike
            expected = repr(error)
        assert before["SITE"] == pristine, "the copy kept the original safe"
        try:
            got: Any = after["f"](*args)
        except TypeError as error:
            got = repr(error)
        assert got == expected, args


def test_a_static_method_that_changes_its_argument_would_change_the_original() -> None:
    """Why the first refusal matters: without the copy, ``trim`` empties the site's mask."""
    source = REFUSED["a static method that changes its argument"][0]
    dropped = load(source.replace("copy.deepcopy(self._site)", "self._site"))
    dropped["f"](*CALLS[0])
    assert dropped["SITE"]["mask"] == []
    kept = load(source)
    kept["f"](*CALLS[0])
    assert kept["SITE"]["mask"]


def test_the_class_name_bound_in_the_caller_is_not_the_class() -> None:
    """``Planner.airmass`` where the caller binds ``Planner`` itself (a parameter) may be any
    object's method: not taken (the class's name is bound twice in the module), and here it
    would change the original the copy shielded."""
    source = _f(
        HEAD + "class Spoiler:\n    @staticmethod\n    def airmass(alt):\n"
        "        SITE['filters'].clear()\n        return 1.0\n\n"
        + PLANNER
        + SCORE.replace("def score(self, t):", "def score(self, t, Planner=Spoiler):").replace(
            "self.airmass(", "Planner.airmass("
        )
    )
    result = DEEP.apply(source)
    assert not result.changed, result.source
    assert "Planner, which is bound more than once" in result.summary, result.summary
    assert load(source)["f"](*CALLS[0]) is not None  # the copy still had its filters
