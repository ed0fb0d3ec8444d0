"""join-strings on an attribute appended to once per item by a method that a loop outside the
class drives (``export_batch`` → ``exporter.add`` → ``self._emit`` → ``self._payload += ...``),
and read or reset by unpacking (``payload, self._payload = self._payload, ""``): the attribute
becomes a property over a list of parts, and every read (a return, ``len()``, a comparison, the
swap) sees the same str as before. Unpacking that does not show a str literal going into the
attribute, and the class shapes the property cannot be proved for, are refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")

# the dev program's spelling: the loop is in a module function, two calls up the stack
EXPORTER = """\
def _field(value):
    return f"{int(value)}i" if float(value).is_integer() else repr(value)


class Exporter:
    def __init__(self, prefix="iot"):
        self.prefix = prefix
        self.points = 0
        self._payload = ""

    def _emit(self, name, tags, value, ts):
        tag_part = ",".join(f"{k}={v}" for k, v in tags)
        self._payload += f"{name},{tag_part} value={_field(value)} {ts}\\n"

    def add(self, reading):
        name, value, ts = reading
        if value != value:
            return False
        self._emit(f"{self.prefix}_{name}", [("site", "a b")], value, ts)
        self.points += 1
        return True

    def pending(self):
        return len(self._payload)

    def flush(self):
        payload, self._payload = self._payload, ""
        return payload


def export_batch(readings, prefix="iot"):
    exporter = Exporter(prefix)
    for reading in readings:
        exporter.add(reading)
    return exporter.flush(), exporter.points
"""

READINGS = [("t", 1.5, 1), ("h", 2.0, 2), ("t", float("nan"), 3), ("co2", 412.0, 4)]


def _export(module: dict[str, Any]) -> list[Any]:
    exporter = module["Exporter"]("plant")
    sizes = []
    for reading in READINGS:
        exporter.add(reading)
        sizes.append(exporter.pending())
    first = exporter.flush()
    again = exporter.flush()
    exporter.add(("x", 7.0, 9))
    before = exporter._payload
    batches = [module["export_batch"](READINGS), module["export_batch"]([])]
    last = [before, exporter.flush(), exporter._payload == "", type(exporter._payload).__name__]
    return [*batches, sizes, first, again, *last]


def test_the_program_spelling_is_kept_as_parts_and_reads_the_same() -> None:
    result = JOIN.apply(EXPORTER, function="Exporter._emit")
    assert result.sites == 1
    assert result.summary == (
        "kept Exporter._payload as a list of parts behind a property (joined when read) "
        "instead of += in _emit (1 attribute)"
    )
    assert 'self._payload_parts.append(f"{name},' in result.source
    assert 'payload, self._payload = self._payload, ""' in result.source  # through the property
    assert JOIN.apply(EXPORTER).source == result.source  # the module's own loop drives it
    assert _export(load(result.source)) == _export(load(EXPORTER))


def test_a_swap_leaves_one_part_holding_the_reset_value() -> None:
    exporter = load(JOIN.apply(EXPORTER).source)["Exporter"]()
    exporter.add(("t", 1.0, 1))
    exporter.add(("t", 2.0, 2))
    assert exporter.flush() == "iot_t,site=a b value=1i 1\niot_t,site=a b value=2i 2\n"
    assert exporter._payload_parts == [""]


# a concatenation append, driven by a comprehension, read through len() and a comparison
CONCAT = """\
class Buffer:
    def __init__(self):
        self.buf = ""

    def write(self, word):
        self.buf = self.buf + word + " "
        return len(self.buf)

    def full(self, limit):
        return len(self.buf) >= limit or self.buf == "stop "


def fill(words, limit=12):
    buffer = Buffer()
    sizes = [buffer.write(w) for w in words]
    return sizes, buffer.full(limit), buffer.buf
"""

# another class's loop drives the appends; the reset swaps the other way round, in a list
OTHER_CLASS = """\
class Sink:
    def __init__(self):
        self.text = ""

    def line(self, row):
        self.text += "|".join(row) + "\\n"

    def take(self):
        old, self.text = self.text, ""
        return old

    def take_listed(self):
        [self.text, old] = ["", self.text]
        return old


class Report:
    def __init__(self):
        self.sink = Sink()

    def render(self, rows):
        for row in rows:
            self.sink.line(row)
        first = self.sink.take()
        for row in reversed(rows):
            self.sink.line(row)
        return first, self.sink.take_listed(), self.sink.text
"""

# a while loop in a module function pops and pushes; the reset is nested unpacking
WHILE = """\
class Stack:
    def __init__(self):
        self.trace = ""
        self.depth = 0

    def push(self, item):
        self.depth += 1
        self.trace += f"{self.depth}:{item};"

    def reset(self):
        (self.depth, (self.trace, kept)) = (0, ("", self.trace))
        return kept


def drain(queue):
    stack = Stack()
    while queue:
        stack.push(queue.pop())
    return stack.reset(), stack.trace, stack.depth
"""

# no loop in the module: the caller is elsewhere, and the profile names the appending method
NO_LOOP = """\
class Journal:
    def __init__(self):
        self.log = ""

    def record(self, event):
        self.log += event + "\\n"
        return self.log
"""


def _run(source: str, name: str, *args: Any) -> Any:
    return load(source)[name](*args)


SPELLINGS: dict[str, tuple[str, str | None, Callable[[str], Any]]] = {
    "concatenation, comprehension, len and ==": (
        CONCAT,
        None,
        lambda s: [
            _run(s, "fill", ["ab", "cd", "efg"]),
            _run(s, "fill", ["stop"], 99),
            _run(s, "fill", []),
        ],
    ),
    "another class's loop, swaps": (
        OTHER_CLASS,
        None,
        lambda s: [_run(s, "Report").render([("a", "b"), ("c",)]), _run(s, "Report").render([])],
    ),
    "while loop, nested unpacking": (
        WHILE,
        None,
        lambda s: [_run(s, "drain", [1, 2, 3]), _run(s, "drain", [])],
    ),
    "no loop, the profile names the method": (
        NO_LOOP,
        "Journal.record",
        lambda s: [[j.record(e) for e in "abc"] + [j.log] for j in [_run(s, "Journal")]],
    ),
}


@pytest.mark.parametrize("case", sorted(SPELLINGS))
def test_other_spellings_are_rewritten_and_behave_the_same(case: str) -> None:
    source, function, story = SPELLINGS[case]
    result = JOIN.apply(source, function=function) if function else JOIN.apply(source)
    assert result.sites == 1, result.summary
    assert "_parts.append(" in result.source or "_parts.extend(" in result.source
    assert "@property" in result.source
    assert story(result.source) == story(source)


def test_a_number_counted_up_beside_it_is_no_string_and_no_refusal() -> None:
    """``self.points += 1`` in the same driven method is a counter: neither rewritten nor
    reported as a refused string (``self.points = 0`` shows it is a number)."""
    result = JOIN.apply(EXPORTER)
    assert "points" not in result.summary and "self.points += 1" in result.source
    counter = NO_LOOP.replace('self.log = ""', "self.log = 0.5").replace('event + "\\n"', "1")
    result = JOIN.apply(counter, function="Journal.record")
    assert not result.changed and "Journal" not in result.summary


def test_without_a_profile_an_undriven_append_is_not_the_pattern() -> None:
    result = JOIN.apply(NO_LOOP)
    assert not result.changed
    assert "Journal" not in result.summary


def _flush(reset: str) -> str:
    """The exporter with its flush's reset spelled ``reset``."""
    return EXPORTER.replace('payload, self._payload = self._payload, ""', reset)


REFUSED = {
    "unpacked from a call": (
        _flush("payload, self._payload = self._payload, str()"),
        "._payload is stored by unpacking other than from an exact str",
    ),
    "unpacked from a non-display": (
        _flush('payload, self._payload = (self._payload, "")[::-1]'),
        "._payload is stored by unpacking other than from an exact str",
    ),
    "a swap of two attributes": (
        _flush("payload, self._payload = self._payload, self.prefix"),
        "._payload is stored by unpacking other than from an exact str",
    ),
    "starred unpacking": (
        _flush('payload, *self._payload = self._payload, ""'),
        "._payload is stored by unpacking other than from an exact str",
    ),
    "lengths that do not pair": (
        _flush('payload, self._payload = self._payload, "", ""'),
        "._payload is stored by unpacking other than from an exact str",
    ),
    "a loop target": (
        _flush('payload = self._payload\n        for self._payload in [""]:\n            pass'),
        "._payload is stored by unpacking other than from an exact str, by a loop",
    ),
    "stored from outside the class": (
        EXPORTER + "\n\ndef resume(exporter, saved):\n    exporter._payload = saved\n",
        "._payload is also set to `saved`, not provably a str",
    ),
    "subclassed": (EXPORTER + "\n\nclass Gzip(Exporter):\n    pass\n", "Gzip subclasses Exporter"),
    "an appending method read from the class": (
        EXPORTER + "\n\ndef borrow(other, readings):\n    for r in readings:\n"
        "        Exporter.add(other, r)\n",
        "Exporter.add is read from the class (it could run on an object without the parts)",
    ),
    "an appending method taken by getattr": (
        EXPORTER + "\n\nclass Twin:\n    _emit = getattr(Exporter, '_emit')\n",
        "Exporter._emit is read from the class (it could run on an object without the parts)",
    ),
    "slots": (
        EXPORTER.replace("    def __init__", "    __slots__ = ()\n\n    def __init__"),
        "class Exporter defines __slots__",
    ),
    "a dataclass": (
        EXPORTER.replace("class Exporter:", "@dataclass\nclass Exporter:"),
        "class Exporter is decorated with dataclass",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_cannot_be_proved_is_refused_with_the_reason(case: str) -> None:
    source, reason = REFUSED[case]
    for function in (None, "Exporter._emit"):
        result = JOIN.apply(source, function=function) if function else JOIN.apply(source)
        assert result.source == source
        assert not result.changed and result.sites == 0
        assert "`self._payload += ...` in Exporter (_emit): " in result.summary
        assert reason in result.summary


def test_a_refused_swap_still_runs_as_written() -> None:
    """The refusals keep shapes whose behaviour the property would change: a starred target
    stores a list, which the original's next ``+=`` extends by characters (a list of parts
    would fail to join it)."""
    exporter = load(REFUSED["starred unpacking"][0])["Exporter"]()
    exporter.add(("t", 1.0, 1))
    assert exporter.flush() == "iot_t,site=a b value=1i 1\n"
    assert exporter._payload == [""]
    exporter.add(("t", 2.0, 2))
    assert exporter._payload[:4] == ["", "i", "o", "t"]


def test_an_appending_method_run_on_another_object_still_works() -> None:
    """``Sink.line(plain, row)`` appends to a Plain object, which has no list of parts."""
    source = (
        'class Sink:\n    def __init__(self):\n        self.text = ""\n\n'
        '    def line(self, row):\n        self.text += row + "\\n"\n\n\n'
        'class Plain:\n    def __init__(self):\n        self.text = ""\n\n\n'
        "def fill(rows):\n    plain = Plain()\n    for row in rows:\n"
        "        Sink.line(plain, row)\n    return plain.text\n"
    )
    assert _run(source, "fill", ["a", "b"]) == "a\nb\n"
    result = JOIN.apply(source)
    assert not result.changed
    assert "Sink.line is read from the class" in result.summary


# a piece computed by a callable the object holds (or the method is given) appends itself:
# the original's += then drops that inner append (it stores the value read before the call)
REENTERED = """\
class Log:
    def __init__(self, fmt):
        self.text = ""
        self.fmt = fmt

    def note(self, s):
        self.text += s

    def add(self, item):
        self.text += str(item)

    def add_with(self, item, fmt):
        self.text += fmt(item)


def run(items):
    log = Log(None)
    log.fmt = lambda item: (log.note("!"), str(item))[1]
    for item in items:
        log.add_with(item, log.fmt)
        log.add(item)
    return log.text
"""


@pytest.mark.parametrize(
    ("spelling", "shown"), [("self.fmt(item)", "self.fmt"), ("fmt(item)", "fmt")]
)
def test_a_piece_from_a_callable_held_or_given_is_refused(spelling: str, shown: str) -> None:
    source = REENTERED.replace("self.text += fmt(item)", f"self.text += {spelling}")
    assert _run(REENTERED, "run", ["a", "b"]) == _run(source, "run", ["a", "b"]) == "aabb"
    result = JOIN.apply(source, function="Log.add")
    assert not result.changed
    assert f"`{shown}` in an appended piece is a callable the module does not define" in (
        result.summary
    )


# a special method that appends, run implicitly while a piece is computed (an f-string field)
FORMATTED = """\
class Log:
    def __init__(self):
        self.text = ""

    def add(self, item):
        self.text += f"{item};"


class Item:
    def __init__(self, log, name):
        self.log = log
        self.name = name

    def __format__(self, spec):
        self.log.add("seen")
        return self.name


def run(names):
    log = Log()
    for name in names:
        log.add(Item(log, name))
    return log.text
"""


def test_a_special_method_that_appends_is_refused() -> None:
    assert _run(FORMATTED, "run", ["a", "b"]) == "a;b;"  # the inner appends are dropped
    result = JOIN.apply(FORMATTED)
    assert not result.changed
    assert "__format__ stores .text, and an appended piece could run it implicitly" in (
        result.summary
    )


# a str subclass whose + differs (markupsafe's Markup escapes the other side): the original's
# += runs it, a join of the parts does not
MARKUP = """\
class Markup(str):
    def __radd__(self, other):
        return Markup(other.replace("<", "&lt;") + str(self))


class Page:
    def __init__(self):
        self.html = ""

    def add(self, piece):
        self.html += piece


def render(pieces):
    page = Page()
    for piece in pieces:
        page.add(piece)
    return page.html
"""


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (MARKUP, "Markup subclasses str and defines __radd__"),
        ("from markupsafe import Markup\n\n\n" + MARKUP.split("\n\n\n", 1)[1], "markupsafe"),
    ],
)
def test_a_str_subclass_with_its_own_addition_is_refused(source: str, why: str) -> None:
    result = JOIN.apply(source)
    assert not result.changed
    assert why in result.summary
    assert "could be appended, and its + is not a join" in result.summary
