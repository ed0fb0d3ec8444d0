"""join-strings where a builder is started or reset by a concatenation with a str operand or by
a call of a module function or a ``self.`` method whose every return is an exact str
(:mod:`efficiency.remediate.codemods.join_exact`): rewritten, and the code runs the same before
and after; where the callee or the operand could hand back something else, refused with the
reason."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

JOIN = codemod("join-strings")

LEDGER = """\
WIDTH = 20


def banner(title):
    return f"== {title} =="


class Ledger:
    def __init__(self, name):
        self.name = name
        self.text = ""

    def _line(self, left, amount=None):
        if amount is None:
            return left[:WIDTH] + "\\n"
        figure = f"{amount:.2f}"
        return f"{left:<12} {figure}\\n"

    def entry(self, label, amounts):
        self.text += self._line(label)
        for a in amounts:
            self.text += self._line("  item", a)

    def render(self, groups):
        self.text = banner(self.name)
        self.text = self.text + "\\nLedger " + self.name + "\\n"
        for label, amounts in groups:
            self.entry(label, amounts)
        return self.text

    def restart(self):
        self.text = "Restart " + self.name + "\\n"
        self.text += self._line("restart")

    def reset(self):
        self.text = self._line("reset")


def run(name, groups):
    led = Ledger(name)
    first = led.render(groups)
    led.restart()
    led.entry("x", [1])
    again = led.text
    led.reset()
    return first, again, led.text, type(led.text) is str
"""

GROUPS = [("rent", [1.5, 2.25]), ("a very long label that is cut", []), ("fees", [3])]


def test_stores_of_concatenations_and_exact_returning_calls_are_rewritten() -> None:
    result = JOIN.apply(LEDGER)
    assert result.changed, result.summary
    assert "text_parts" in result.source
    same_results(LEDGER, result.source, "run", ("N", GROUPS), ("", []), ("N", GROUPS[:1]))
    # the inputs that make the original raise make the rewrite raise too
    same_results(LEDGER, result.source, "run", (3, GROUPS), ("N", [("x", ["s"])]))


SWAPS = {
    "a method returning a parameter": (
        '            return left[:WIDTH] + "\\n"', "            return left"
    ),
    "a method that may end without a return": (
        '        figure = f"{amount:.2f}"\n        return f"{left:<12} {figure}\\n"',
        '        figure = f"{amount:.2f}"\n        if figure:\n'
        '            return f"{left:<12} {figure}\\n"',
    ),
    "a decorated module function": ("def banner(title):", "@staticmethod\ndef banner(title):"),
    "a module function bound twice": ("WIDTH = 20", "WIDTH = 20\nbanner = str"),
    "a generator method": (
        '        figure = f"{amount:.2f}"\n', '        figure = f"{amount:.2f}"\n        yield\n'
    ),
    "a subclass in the module": ("\n\ndef run(", "\n\nclass Sub(Ledger):\n    pass\n\n\ndef run("),
    "a class with a base": ("class Ledger:", "class Ledger(dict):"),
    "the method stored on an object": (
        "        self.name = name\n", "        self.name = name\n        self._line = str\n"
    ),
    "self rebound": (
        "    def reset(self):\n", "    def reset(self):\n        self = Ledger('x')\n"
    ),
    "a + of two unknown operands": (
        '"Restart " + self.name + "\\n"', "self.name + self.name"
    ),
    "a str subclass in the module": (
        "WIDTH = 20", "WIDTH = 20\n\n\nclass Loud(str):\n    def __radd__(self, o):\n"
        "        return Loud(str.__add__(o.upper(), self))"
    ),
    "markupsafe imported": ("WIDTH = 20", "from markupsafe import Markup\nWIDTH = 20"),
    "Markup imported through flask": ("WIDTH = 20", "from flask import Markup\nWIDTH = 20"),
    "a class of the module with its own __radd__": (
        "WIDTH = 20", "WIDTH = 20\n\n\nclass Doc:\n    def __radd__(self, other):\n"
        "        return self"
    ),
    "__add__ set on a class by setattr-free store": (
        "WIDTH = 20", "WIDTH = 20\n\n\nclass Doc:\n    pass\n\n\nDoc.__add__ = max"
    ),
    "a star base that may be str": (
        "WIDTH = 20", "WIDTH = 20\nBASES = (str,)\n\n\nclass Doc(*BASES):\n    pass"
    ),
    "a static holder method (self is any object)": (
        "    def reset(self):\n", "    @staticmethod\n    def reset(self):\n"
    ),
    "the holder reached through the class (a foreign self)": (
        "    led.reset()\n", "    Ledger.reset(led)\n"
    ),
    "the holder reached through type()": (
        "    led.reset()\n", "    type(led).reset(led)\n"
    ),
    "the holder reached by getattr on type()": (
        "    led.reset()\n", "    getattr(type(led), 'reset')(led)\n"
    ),
    "the class reached through type() kept in a name": (
        "    led.reset()\n", "    kind = type(led)\n    kind.reset(led)\n"
    ),
    "a subclass through an alias of the class": (
        "\n\ndef run(", "\n\nAlias = Ledger\n\n\nclass Sub(Alias):\n    pass\n\n\ndef run("
    ),
    "the method defined again under an if": (
        "    def entry(self, label, amounts):\n",
        "    if WIDTH:\n        def _line(self, left, amount=None):\n            return left\n\n"
        "    def entry(self, label, amounts):\n",
    ),
    "an attribute hook assigned in the class": (
        "class Ledger:\n", "class Ledger:\n    __getattribute__ = object.__getattribute__\n\n"
    ),
    "a shadowed object base": (
        "class Ledger:", "class object:\n    pass\n\n\nclass Ledger(object):"
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SWAPS))
def test_a_store_the_module_cannot_show_is_a_str_is_refused(case: str) -> None:
    old, new = SWAPS[case]
    assert old in LEDGER, case
    source = LEDGER.replace(old, new)
    compile(source, case, "exec")
    result = JOIN.apply(source)
    assert "Ledger.text" not in result.summary.split("left:")[0] or not result.changed, case
    assert "not provably a str" in result.summary, result.summary


def test_the_str_subclass_refusal_matters() -> None:
    """What the module check protects: an operand's own ``__radd__`` runs on ``"a" + x``."""
    ns = load(SWAPS["a str subclass in the module"][1] + "\n")
    assert "a" + ns["Loud"]("b") == "Ab"


FOREIGN = """\
class Fmt:
    def head(self):
        return "x"

    @staticmethod
    def build(self, items):
        s = self.head()
        for i in items:
            s += i
        return s

    def again(self, other, items):
        return type(self).build(other, items)


class Other:
    def head(self):
        return ["L"]


class Doc:
    def __radd__(self, other):
        return ["L"]


def via_static(items):
    return Fmt.build(Other(), items)


def via_type(items):
    return Fmt().again(Other(), items)


def via_radd(items, tail):
    s = "head" + tail
    for i in items:
        s += i
    return s
"""


def test_what_the_holder_and_operand_refusals_protect() -> None:
    """``self`` of a static holder (or of one reached through its class) may be any object,
    whose ``head`` returns a list; a class with ``__radd__`` makes ``"head" + tail`` a list:
    ``+=`` extends the list, which a join of the parts could not do."""
    result = JOIN.apply(FOREIGN)
    assert not result.changed, result.source
    ns = load(FOREIGN)
    assert ns["via_static"]("ab") == ns["via_type"]("ab") == ["L", "a", "b"]
    assert ns["via_radd"]("ab", ns["Doc"]()) == ["L", "a", "b"]


HOLDER = """\
import sys


class Fmt:
    def head(self):
        return "x"

    def build(self, items):
        s = self.head()
        for i in items:
            s += i
        return s


def go(items):
    return Fmt().build(items){extra}
"""


@pytest.mark.parametrize(
    "extra",
    [
        "\n\n\ndef via_globals(o):\n    return globals()['Fmt'].build(o, 'ab')",
        "\n\n\ndef by_sys(o):\n    return getattr(sys.modules[__name__], 'F' + 'mt').build(o, '')",
        "\n\n\ndef via_subclasses(o):\n    return object.__subclasses__()[-1].build(o, '')",
        "\n\n\ndef via_type(o):\n    return type(Fmt()).build(o, '')",
        "\n\n\ndef via_name(o):\n    return Fmt.build(o, '')",
        "\n\n\ndef by_exec(f):\n    exec(\"f.head = lambda: ['L']\")\n    return f.build('')",
    ],
)
def test_a_holder_that_may_get_another_self_is_refused(extra: str) -> None:
    """Reached through its class, ``build`` may be handed any ``self``, whose ``head`` runs;
    code in a string may store ``.head`` on an instance."""
    assert JOIN.apply(HOLDER.format(extra="")).changed
    assert not JOIN.apply(HOLDER.format(extra=extra)).changed
