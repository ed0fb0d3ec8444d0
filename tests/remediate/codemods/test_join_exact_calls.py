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
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(SWAPS))
def test_a_store_the_module_cannot_show_is_a_str_is_refused(case: str) -> None:
    old, new = SWAPS[case]
    assert old in LEDGER, case
    source = LEDGER.replace(old, new)
    result = JOIN.apply(source)
    assert "Ledger.text" not in result.summary.split("left:")[0] or not result.changed, case
    assert "not provably a str" in result.summary, result.summary


def test_the_str_subclass_refusal_matters() -> None:
    """What the module check protects: an operand's own ``__radd__`` runs on ``"a" + x``."""
    ns = load(SWAPS["a str subclass in the module"][1] + "\n")
    assert "a" + ns["Loud"]("b") == "Ab"
