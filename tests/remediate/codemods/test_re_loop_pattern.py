"""re-loop-pattern: exact rewrites, same results before and after (the tables changed at run
time too), refusals that leave the text alone and say why."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

LOOP = codemod("re-loop-pattern")

SOURCE = """\
\"\"\"Rules.\"\"\"
import re

RULES = [
    (r"(?i)(quiz)$", r"\\1zes"),
    (r"(?i)(x|ch|ss|sh)$", r"\\1es"),
    (r"(?i)([^aeiouy]|qu)y$", r"\\1ies"),
    (r"$", "s"),
]
WORDS = {"sheep", "fish"}
SPLITTERS = {r"\\s*,\\s*": "comma", r"\\s*;\\s*": "semicolon"}


def _rule(singular, plural):
    RULES.insert(0, ("(?i)(%s)%s$" % (singular[0], singular[1:]), plural[1:]))


def pluralize(word):
    for word_re in WORDS:
        if re.search(r"(?i)\\b(%s)\\Z" % word_re, word):
            return word
    for rule, replacement in RULES:
        if re.search(rule, word, re.I | re.M):
            return re.sub(rule, replacement, word, 1)
    return word


def parts(text):
    return [(name, re.split(sep, text, maxsplit=2)) for sep, name in SPLITTERS.items()]


_rule("person", "people")
"""

AFTER = """\
\"\"\"Rules.\"\"\"
import re
import functools

_re_compiled = functools.lru_cache(maxsize=None)(re.compile)

RULES = [
    (r"(?i)(quiz)$", r"\\1zes"),
    (r"(?i)(x|ch|ss|sh)$", r"\\1es"),
    (r"(?i)([^aeiouy]|qu)y$", r"\\1ies"),
    (r"$", "s"),
]
WORDS = {"sheep", "fish"}
SPLITTERS = {r"\\s*,\\s*": "comma", r"\\s*;\\s*": "semicolon"}


def _rule(singular, plural):
    RULES.insert(0, ("(?i)(%s)%s$" % (singular[0], singular[1:]), plural[1:]))


def pluralize(word):
    for word_re in WORDS:
        if _re_compiled(r"(?i)\\b(%s)\\Z" % word_re).search(word):
            return word
    for rule, replacement in RULES:
        if _re_compiled(rule, re.I | re.M).search(word):
            return _re_compiled(rule).sub(replacement, word, 1)
    return word


def parts(text):
    return [(name, _re_compiled(sep).split(text, maxsplit=2)) for sep, name in SPLITTERS.items()]


_rule("person", "people")
"""

WORDS = [("quiz",), ("box",), ("city",), ("day",), ("sheep",), ("Person",), ("",), ("FISH",)]


def test_table_patterns_go_through_one_memo_of_re_compile() -> None:
    result = LOOP.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 4
    assert result.summary.startswith("compiled each pattern of RULES, SPLITTERS, WORDS once")
    assert "in parts, pluralize" in result.summary


def test_same_results_before_and_after() -> None:
    after = LOOP.apply(SOURCE).source
    same_results(SOURCE, after, "pluralize", *WORDS, (None,), (3,))
    same_results(SOURCE, after, "parts", ("a , b;c,d ; e",), ("",), (b"x",))


def test_tables_changed_at_run_time_give_the_same_results() -> None:
    """Nothing is snapshotted: rules added or removed after import are seen, and a broken
    one raises the same error as before."""
    after = LOOP.apply(SOURCE).source
    outcomes = []
    for text in (SOURCE, after):
        module = load(text)
        got = [module["pluralize"](w) for w in ("fish", "ox", "box")]
        module["WORDS"].discard("fish")
        module["RULES"].insert(0, (r"(?i)^(ox)$", r"\1en"))
        got += [module["pluralize"](w) for w in ("fish", "ox", "box")]
        module["RULES"].insert(0, (r"(unclosed", "x"))
        try:
            module["pluralize"]("box")
        except Exception as exc:  # the same failure is the same behaviour
            got.append(type(exc).__name__)
        outcomes.append(got)
    assert outcomes[0] == outcomes[1] == [
        "fish", "oxes", "boxes", "fishes", "oxen", "boxes", "error",
    ]  # fmt: skip


def test_an_existing_functools_import_is_used_and_a_function_filter_holds() -> None:
    source = SOURCE.replace("import re\n", "import functools\nimport re\n", 1)
    result = LOOP.apply(source, function="parts")
    assert result.sites == 1
    assert result.source.count("import functools") == 1
    assert "_re_compiled(sep).split" in result.source
    assert "re.search(rule, word, re.I | re.M)" in result.source


HEAD = 'import re\n\nT = ["a+", "b+"]\n\n'
REFUSED = {
    "a parameter": "import re\n\ndef f(p, s):\n    for _ in s:\n        re.search(p, s)\n",
    "an attribute": (
        "import re\n\nclass C:\n    def f(self, s):\n"
        "        for rule in self.rules:\n            re.search(rule, s)\n"
    ),
    "a local table": (
        'import re\n\ndef f(s):\n    t = ["a"]\n    for p in t:\n        re.search(p, s)\n'
    ),
    "a table built by a call": (
        'import re\n\nT = list("ab")\n\ndef f(s):\n    for p in T:\n        re.search(p, s)\n'
    ),
    "a non-literal pattern in the table": (
        "import re\n\nX = 'a'\nT = [X, 'b']\n\ndef f(s):\n"
        "    for p in T:\n        re.search(p, s)\n"
    ),
    "a table bound twice": (
        HEAD + 'T = ["c"]\n\ndef f(s):\n    for p in T:\n        re.search(p, s)\n'
    ),
    "a table rebound through global": (
        HEAD + "def g():\n    global T\n    T = ['(']\n\n"
        "def f(s):\n    for p in T:\n        re.search(p, s)\n"
    ),
    "the loop variable rebound": (
        HEAD + "def f(s):\n    for p in T:\n        p = p + s\n        re.search(p, s)\n"
    ),
    "a pattern that does not compile": (
        'import re\n\nT = ["(a", "b"]\n\ndef f(s):\n    for p in T:\n        re.search(p, s)\n'
    ),
    "variable flags": HEAD + "def f(s, fl):\n    for p in T:\n        re.search(p, s, fl)\n",
    "debug flags": HEAD + "def f(s):\n    for p in T:\n        re.search(p, s, re.DEBUG)\n",
    "star args": HEAD + "def f(a):\n    for p in T:\n        re.search(p, *a)\n",
    "not in a loop": HEAD + "def f(s, p):\n    return re.search(p, s)\n",
    "at module level": HEAD + "for p in T:\n    re.compile(p)\n    re.search(p, 'a')\n",
    "not the re module": (
        'import regex as re\n\nT = ["a"]\n\ndef f(s):\n    for p in T:\n        re.search(p, s)\n'
    ),
    "functools taken": (
        HEAD + "functools = None\n\ndef f(s):\n    for p in T:\n        re.search(p, s)\n"
    ),
    "the call after the loop": (
        HEAD + "def f(s):\n    for p in T:\n        pass\n"
        "    for _ in s:\n        re.search(p, s)\n"
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = LOOP.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


@pytest.mark.parametrize(
    ("case", "why"),
    [
        ("a parameter", "p is not a local loop variable here (a parameter or a global)"),
        ("an attribute", "the loop iterates self.rules, not a module-level table"),
        ("a local table", "the loop iterates t, a local or parameter, not a module-level table"),
        ("a table built by a call", "T is not bound to a list, tuple, set or dict display"),
        ("a non-literal pattern in the table", "a pattern in T is not a string literal: X"),
        ("a table bound twice", "T is bound more than once"),
        ("a table rebound through global", "T is bound more than once"),
        ("the loop variable rebound", "p is bound more than once"),
        ("a pattern that does not compile", "the pattern does not compile"),
        ("variable flags", "flags are not re.<FLAG> constants"),
        ("debug flags", "flags are not re.<FLAG> constants"),
        ("star args", "*args/**kwargs"),
        ("functools taken", "the name functools is bound to something other than the module"),
        ("the call after the loop", "the call is not inside the loop over T"),
    ],
)
def test_refusals_say_why(case: str, why: str) -> None:
    assert why in LOOP.apply(REFUSED[case]).summary


def test_a_second_function_reuses_the_memo_an_earlier_rewrite_made() -> None:
    first = LOOP.apply(SOURCE, function="pluralize")
    second = LOOP.apply(first.source, function="parts")
    assert second.source == AFTER
    assert second.source.count("functools.lru_cache") == 1
