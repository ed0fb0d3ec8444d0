"""deepcopy-read-only where the function, or a function or method it calls, raises an exception
class of the module that is as plain as a builtin one (``deepcopy_raised``); the look-alikes
whose making could run code, or that the module patches or hands on, keep their copy, and so
does ``raise Class`` of a class whose ``__init__`` could change the data."""

from __future__ import annotations

import copy

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

CLASSES = '''

class QuoteError(ValueError):
    """A quote that cannot be made."""

    status = 400
    label: str = "quote"


class UnknownZone(QuoteError):
    def __init__(self, zone, hint="check the zone"):
        super().__init__(f"unknown zone {zone}")
        self.zone = zone
        self.hint = hint


class Tiny(QuoteError): pass
'''

HEAD = (
    "import copy\n\n"
    'TARIFF = {"zones": {"A": {"rate": 2.5, "tags": ["peak"]}, "B": {"rate": 1.0, "tags": []}},'
    ' "floor": 3.0}\n' + CLASSES
)

BODY = """

def _check(tariff, zone, kwh):
    if zone not in tariff["zones"]:
        raise UnknownZone(zone)
    if kwh < 0:
        raise QuoteError(f"negative use {kwh}")
    if kwh > 1e6:
        raise Tiny


def quote(zone: str, kwh: float):
    t = copy.deepcopy(TARIFF)
    _check(t, zone, kwh)
    z = t["zones"][zone]
    if not z["tags"] and kwh == 0:
        raise QuoteError(f"nothing to quote in {zone}")
    return max(t["floor"], z["rate"] * kwh)


class Quoter:
    def __init__(self, tariff):
        self.tariff = tariff

    def _validate(self, zone):
        if zone not in self.tariff["zones"]:
            raise UnknownZone(zone, hint="zones: " + ", ".join(self.tariff["zones"]))

    def quote(self, zone: str, kwh: float):
        t = copy.deepcopy(self.tariff)
        self._validate(zone)
        return round(t["zones"][zone]["rate"] * kwh, 2)


def quote_all(requests):
    out, errors = [], []
    for zone, kwh in requests:
        try:
            out.append(quote(zone, kwh))
        except QuoteError as exc:
            errors.append((type(exc).__name__, str(exc), isinstance(exc, (UnknownZone, Tiny))))
    return out, errors


def quote_both(zone, kwh):
    return quote(zone, kwh), Quoter(TARIFF).quote(zone, kwh)
"""

CALLS = [("A", 2), ("B", 0), ("C", 1), ("A", -1), ("A", 2e6), ("B", 5)]


def test_plain_exception_classes_of_the_module_let_the_copy_go() -> None:
    source = HEAD + BODY
    result = DEEP.apply(source)
    assert result.sites == 2, result.summary
    assert "    t = TARIFF\n" in result.source
    assert "t = self.tariff if _quoter_unchanged(self, " in result.source
    for call in CALLS:
        same_results(source, result.source, "quote_both", call)
    same_results(source, result.source, "quote_all", (CALLS,))
    after = load(result.source)
    pristine = copy.deepcopy(after["TARIFF"])
    for zone, kwh in CALLS:
        try:
            after["quote_both"](zone, kwh)
        except after["QuoteError"] as exc:
            assert all(isinstance(a, str) for a in exc.args)
            assert all(isinstance(v, str) for v in vars(exc).values())
    assert after["TARIFF"] == pristine


def test_an_exception_of_the_module_carrying_a_proven_number_is_fine() -> None:
    source = HEAD + (
        "def check(caps: dict[str, int], key: str) -> int:\n    c = copy.deepcopy(caps)\n"
        "    if c[key] > 3:\n        raise UnknownZone(c[key], key)\n    return c[key]\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    c = caps\n" in result.source, result.summary
    calls = [({"a": 1, "b": 9}, "a"), ({"a": 1, "b": 9}, "b"), ({"a": 1}, "z")]
    same_results(source, result.source, "check", *calls)


HOOK = "\n\ndef _hook(self, *args):\n    TARIFF['zones']['A']['tags'].clear()\n"
INIT = '    def __init__(self, zone, hint="check the zone"):\n'


def _changed(old: str, new: str, why: str = "UnknownZone()", before: str = "") -> tuple[str, str]:
    """A look-alike: the module with ``old`` in its classes made ``new`` (``before`` put
    ahead), and the reason its refusal gives."""
    return before + HEAD.replace(old, new) + BODY, why


REFUSED = {
    "an __init__ that changes data": _changed(
        INIT,
        INIT + "        TARIFF['zones']['A']['tags'].clear()\n",
        "UnknownZone(), which could mutate the data",
    ),
    "an __init__ that stores what it is given elsewhere": _changed(
        "        self.hint = hint\n",
        "        self.hint = hint\n        LOG = zone\n",
        "UnknownZone(), which could mutate the data",
    ),
    "an __init__ storing into args (whose setter converts)": _changed(
        "        self.hint = hint\n", "        self.args = hint\n"
    ),
    "an __init__ taking *args": _changed('zone, hint="check the zone"):', "zone, *hint):"),
    "a default that is no literal": _changed('hint="check the zone"', "hint=TARIFF"),
    "a metaclass": _changed(
        "(ValueError):", "(ValueError, metaclass=Meta):", before="class Meta(type):\n    pass\n\n"
    ),
    "a class decorator": _changed(
        "class QuoteError",
        "@register\nclass QuoteError",
        before="def register(cls):\n    return cls\n\n",
    ),
    "a subclass with a metaclass (handed the class)": (
        "class Meta(type):\n    pass\n\n"
        + HEAD
        + BODY
        + "\n\nclass Later(QuoteError, metaclass=Meta):\n    pass\n",
        "UnknownZone()",
    ),
    "__init_subclass__": _changed(
        "    status = 400\n",
        "    status = 400\n\n    def __init_subclass__(cls):\n        TARIFF.clear()\n",
    ),
    "a descriptor as a class attribute": _changed(
        "    status = 400\n", "    status = property(lambda self: 400)\n"
    ),
    "__slots__": _changed("    status = 400\n", "    __slots__ = ()\n"),
    "a base that is no exception class": _changed(
        "(ValueError):",
        "(Mixin, ValueError):",
        before="class Mixin:\n    def __init__(self, *args):\n        TARIFF.clear()\n\n\n",
    ),
    "the class rebound": (HEAD + "QuoteError = KeyError\n" + BODY, "UnknownZone()"),
    "the class patched": (HEAD + HOOK + "\nQuoteError.__init__ = _hook\n" + BODY, "UnknownZone()"),
    "the class patched by setattr": (
        HEAD + HOOK + "\nsetattr(QuoteError, '__init__', _hook)\n" + BODY,
        "calls setattr()",
    ),
    "the class handed on as a value": (
        HEAD + "\nKINDS = {QuoteError: 'quote'}\n" + BODY,
        "UnknownZone()",
    ),
    "super rebound": (HEAD + "\n\ndef super():\n    return TARIFF\n" + BODY, "UnknownZone()"),
    "an exception carrying a list of the copy": (
        HEAD
        + BODY.replace(
            'raise QuoteError(f"nothing to quote in {zone}")',
            'raise QuoteError("nothing to quote", z["tags"])',
        ),
        "is carried by QuoteError()",
    ),
    "an exception made from *args": (
        HEAD + BODY.replace('QuoteError(f"nothing to quote in {zone}")', 'QuoteError(*z["tags"])'),
        "calls QuoteError(), which could mutate the data",
    ),
}


#: the look-alikes in ``quote`` alone (``Quoter.quote``'s copy may go)
ONLY_QUOTE = {"an exception carrying a list of the copy", "an exception made from *args"}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    load(source)  # a valid module
    result = DEEP.apply(source)
    assert "    t = copy.deepcopy(TARIFF)\n" in result.source, result.summary
    if case not in ONLY_QUOTE:  # the class itself is not plain: the method's copy stays too
        assert "        t = copy.deepcopy(self.tariff)\n" in result.source, result.summary
    assert why in result.summary, result.summary


def test_a_patched_class_is_why_the_copy_stays() -> None:
    """``QuoteError.__init__ = _hook``: making one clears the original's tags, which the copy
    had kept apart from what ``quote`` reads after ``_check`` raised nothing but made one."""
    source, _ = REFUSED["the class patched"]
    module = load(source)
    try:
        module["_check"](module["TARIFF"], "A", -1)
    except module["QuoteError"]:
        pass
    assert module["TARIFF"]["zones"]["A"]["tags"] == []


RAISE_CLASS = """import copy

BOOK = {"tags": ["a"], "n": 3}


class Wipe(Exception):
    def __init__(self):
        BOOK["tags"].clear()


def count(k):
    book = copy.deepcopy(BOOK)
    tags = book["tags"]
    try:
        if k not in book:
            raise Wipe
    except Exception:
        pass
    return len(tags)
"""


def test_raising_a_class_whose_init_runs_code_keeps_the_copy() -> None:
    result = DEEP.apply(RAISE_CLASS)
    assert result.sites == 0 and "the function raises Wipe" in result.summary, result.summary
    module = load(RAISE_CLASS)
    assert module["count"]("zz") == 1  # the copy's tags, read before Wipe cleared BOOK's
    assert module["BOOK"]["tags"] == []


def test_raising_a_plain_class_or_what_was_caught_lets_the_copy_go() -> None:
    source = RAISE_CLASS.replace(
        '    def __init__(self):\n        BOOK["tags"].clear()\n', "    pass\n"
    ).replace(
        "    except Exception:\n        pass\n", "    except Wipe as exc:\n        raise exc\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    book = BOOK\n" in result.source, result.summary
    same_results(source, result.source, "count", ("n",), ("zz",))


#: a module whose ``count`` drops its copy where ``BookError`` is plain; each case below
#: reaches the class through an instance or a subclass, not its name, and patches it
REACHED = """import copy

BOOK = {"tags": ["a"], "n": 3}


class BookError(ValueError):
    def __init__(self, msg):
        super().__init__(msg)
        self.msg = msg


class Later(BookError):
    pass


def _hook(self, *args):
    BOOK["tags"].clear()


def count(k):
    book = copy.deepcopy(BOOK)
    tags = book["tags"]
    try:
        if k not in book:
            raise BookError("missing")
    except BookError:
        pass
    return len(tags)


def go(k):
    setup()
    return count(k)


"""

PATCHES = {
    "type() of a caught instance": (
        "def setup():\n    try:\n        raise BookError('x')\n"
        "    except BookError as e:\n        type(e).__init__ = _hook\n"
    ),
    "an alias made by type()": (
        "def setup():\n    kind = type(BookError('x'))\n    kind.__init__ = _hook\n"
    ),
    "__class__ of an instance held": (
        "def setup():\n    made = BookError('x')\n    kind = made.__class__\n"
        "    kind.__init__ = _hook\n"
    ),
    "a subclass's __bases__": "def setup():\n    Later.__bases__[0].__init__ = _hook\n",
    "a subclass's __base__": "def setup():\n    Later.__base__.__init__ = _hook\n",
    "a subclass's mro()": "def setup():\n    Later.mro()[1].__init__ = _hook\n",
    "a descriptor put on a base found by mro()": (
        "def setup():\n    base = Later.mro()[1]\n    base.msg = property(lambda s: 0, _hook)\n"
    ),
    "a descriptor put on the class through type()": (
        "def setup():\n    kind = type(BookError('x'))\n"
        "    kind.msg = property(lambda s: 0, _hook)\n"
    ),
}


@pytest.mark.parametrize("case", sorted(PATCHES))
def test_a_class_reached_through_an_instance_or_subclass_and_patched_keeps_the_copy(
    case: str,
) -> None:
    """Patching ``BookError.__init__`` through ``type(e)``, ``e.__class__`` or a subclass's
    ``__bases__`` makes ``raise BookError(...)`` clear the original's tags, which the copy had
    kept apart from what ``count`` reads after."""
    source = REACHED + PATCHES[case]
    before = load(source)
    assert before["go"]("zz") == 1  # the copy's tags, though the hook cleared BOOK's
    result = DEEP.apply(source)
    assert result.sites == 0, result.source
    assert "BookError(), which could mutate the data" in result.summary, result.summary


def test_reading_the_name_of_a_caught_exceptions_class_still_lets_the_copy_go() -> None:
    source = REACHED + (
        "def setup():\n    try:\n        raise Later('x')\n    except BookError as e:\n"
        "        again = type(e)('y'), e.__class__('z')\n"
        "        return type(e).__name__, e.__class__.__qualname__, type(e) is Later, again\n"
    )
    result = DEEP.apply(source)
    assert result.sites == 1 and "    book = BOOK\n" in result.source, result.summary
    same_results(source, result.source, "go", ("zz",), ("n",))
