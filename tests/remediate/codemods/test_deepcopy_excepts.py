"""deepcopy-read-only where the function catches an exception by name (``deepcopy_excepts``):
the name unused, formatted (f-string, ``str``/``repr``, ``"%s" %``), tested with
``isinstance`` or re-raised lets the copy go; the look-alikes that keep it (the exception
stored, returned, passed on, its attributes read, chained, a class formatting itself with code
of its own, ``with ... as``)."""

from __future__ import annotations

import copy

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

DEEP = codemod("deepcopy-read-only")

HEAD = """\
import copy

RATES = {
    "lines": {"BI": {"N": 100.0, "S": 80.0}, "PD": {"N": 60.0}},
    "minimum": 35.0,
    "tags": ["filed"],
}


class RateMissing(KeyError):
    pass


"""

TOTAL = """\
def total(regions, lines=("BI", "PD")):
    notes = []
    total = 0.0
    for region in regions:
        book = copy.deepcopy(RATES)
        for line in lines:
            try:
                total += book["lines"][line][region]
            except (KeyError, RateMissing) as exc:
                if isinstance(exc, RateMissing):
                    raise exc
                notes.append(f"{line}/{region}: no rate {exc!r} ({exc})")
                notes.append("%s in %s" % (exc, line) + str(exc) + repr(exc))
            except TypeError as unused:
                notes.append("bad region")
            except ValueError as exc:
                raise
    return round(max(total, RATES["minimum"]), 2), notes
"""

CALLS = [(("N",),), (("N", "S"),), (("S",),), (("Q",), ("XX",)), ([["unhashable"]],), ((),)]


def test_an_exception_only_formatted_tested_or_reraised_lets_the_copy_go() -> None:
    source = HEAD + TOTAL
    result = DEEP.apply(source)
    assert result.sites == 1, result.summary
    assert "        book = RATES\n" in result.source
    same_results(source, result.source, "total", *CALLS)
    after = load(result.source)
    pristine = copy.deepcopy(after["RATES"])
    for args in CALLS:
        after["total"](*args)[1].clear()
    assert after["RATES"] == pristine


REFUSED = {
    "the exception appended to a list": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    errors = []\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        errors.append(exc)\n    return errors\n",
        "the except clause's `exc` is used other than formatted",
    ),
    "the exception returned": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        return exc\n",
        "the except clause's `exc` is used other than formatted",
    ),
    "the exception's arguments read": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        return len(exc.args)\n",
        "the except clause's `exc` is used other than formatted",
    ),
    "the exception passed to print": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        print(exc)\n",
        "the except clause's `exc` is used other than formatted",
    ),
    "the exception chained to a new one": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        raise LookupError('no line') from exc\n",
        "the except clause's `exc` is used other than formatted",
    ),
    "the name also bound by an assignment": (
        "def f(line):\n    exc = None\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n        pass\n",
        "`exc` of an except clause is also bound or used outside its handlers",
    ),
    "the copy's own name bound by the clause": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as book:\n        pass\n",
        "is bound more than once",
    ),
    "a caught class of the module with its own __str__": (
        "AUDIT = []\n\nclass Loud(KeyError):\n    def __str__(self):\n"
        "        AUDIT.append(self.args)\n        return 'loud'\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except Loud as exc:\n"
        "        return f'{exc}'\n",
        "Loud may format itself with code of its own",
    ),
    "a subclass of the builtin caught, with its own __repr__": (
        "class Loud(RateMissing):\n    __repr__ = lambda self: 'loud'\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except LookupError as exc:\n"
        "        return repr(exc)\n",
        "Loud, which the except clause may catch, may format itself",
    ),
    "a class of the module with a base of unknown origin": (
        "class Odd(copy.Error):\n    pass\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except Exception as exc:\n"
        "        return str(exc)\n",
        "Odd, which the except clause may catch, may format itself",
    ),
    "a caught class named through a module": (
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except copy.Error as exc:\n"
        "        return f'{exc}'\n",
        "the except clause's class is not a plain name",
    ),
    "a builtin exception name rebound": (
        "KeyError = RateMissing\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        return f'{exc}'\n",
        "KeyError may format itself",
    ),
    "isinstance against a class whose metaclass may hook the check": (
        "class Spy(type):\n    def __instancecheck__(cls, obj):\n        return False\n\n"
        "class Seen(metaclass=Spy):\n    pass\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        return isinstance(exc, (IndexError, Seen))\n",
        "tested with isinstance against a class that may hook it",
    ),
    "a caught class made by a metaclass that may add a __str__": (
        "class Stamp(type):\n    def __new__(mcs, name, bases, ns):\n"
        "        ns['__str__'] = lambda self: 'stamped'\n"
        "        return super().__new__(mcs, name, bases, ns)\n\n"
        "class Stamped(KeyError, metaclass=Stamp):\n    pass\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except Stamped as exc:\n"
        "        return f'{exc}'\n",
        "Stamped may format itself with code of its own",
    ),
    "isinstance against classes held in a name": (
        "WANTED = (KeyError,)\n\n"
        "def f(line):\n    book = copy.deepcopy(RATES)\n    try:\n"
        "        return book['lines'][line]['N']\n    except KeyError as exc:\n"
        "        return isinstance(exc, WANTED)\n",
        "tested with isinstance against a class that may hook it",
    ),
    "a with ... as": (
        "def f(line, lock):\n    book = copy.deepcopy(RATES)\n    with lock as held:\n"
        "        return book['lines'][line]['N']\n",
        "the function binds a name with `as`",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_look_alikes_keep_their_copy_and_say_why(case: str) -> None:
    body, why = REFUSED[case]
    source = HEAD + body
    result = DEEP.apply(source)
    assert result.source == source and result.sites == 0, result.summary
    assert why in result.summary, result.summary


CARRIER = (
    HEAD
    + """\
class Tag:
    def __init__(self, names):
        self.names = names


BOOK = {"tag": Tag(["filed"])}
SEEN = {}


def f():
    book = copy.deepcopy(BOOK)
    try:
        return SEEN[book["tag"]]
    except KeyError as exc:
        exc.args[0].names.append("changed by the handler")
        return len(exc.args[0].names)
"""
)


def test_an_exception_may_carry_a_piece_of_the_copy_for_its_handler_to_change() -> None:
    """Why a handler that reads the exception's attributes keeps the copy: ``KeyError`` holds
    the key looked up, here a piece of the copy, which the handler then changes."""
    result = DEEP.apply(CARRIER)
    assert result.sites == 0 and "`exc` is used other than formatted" in result.summary
    kept = load(CARRIER)
    assert kept["f"]() == 2 and kept["BOOK"]["tag"].names == ["filed"]
    dropped = load(CARRIER.replace("copy.deepcopy(BOOK)", "BOOK"))
    assert dropped["f"]() == 2 and dropped["BOOK"]["tag"].names != ["filed"]


HOOKED = CARRIER.replace(
    "def f():",
    """class Spy(type):
    def __instancecheck__(cls, obj):
        KEPT.append(obj)
        return False


class Seen(metaclass=Spy):
    pass


KEPT = []


def f():""",
).replace(
    """        exc.args[0].names.append("changed by the handler")
        return len(exc.args[0].names)""",
    "        return isinstance(exc, Seen)",
)


def test_isinstance_hands_the_exception_to_a_metaclass_that_may_keep_it() -> None:
    """``isinstance(exc, Seen)`` calls ``type(Seen).__instancecheck__(Seen, exc)``: here it keeps
    the exception, whose key is a piece of the copy, for the caller to change later."""
    result = DEEP.apply(HOOKED)
    assert result.sites == 0 and "tested with isinstance against a class" in result.summary
    kept = load(HOOKED)
    assert kept["f"]() is False
    kept["KEPT"][0].args[0].names.append("changed by the caller")
    assert kept["BOOK"]["tag"].names == ["filed"]
    dropped = load(HOOKED.replace("copy.deepcopy(BOOK)", "BOOK"))
    assert dropped["f"]() is False
    dropped["KEPT"][0].args[0].names.append("changed by the caller")
    assert dropped["BOOK"]["tag"].names != ["filed"]
