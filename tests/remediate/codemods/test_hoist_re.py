"""hoist-re-compile: exact rewrites, same results before and after, refusals."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

HOIST = codemod("hoist-re-compile")

LOOP = '''\
"""Parse numbers."""

import re
import sys


def parse_line(lines):
    out = []
    for line in lines:  # every line
        pattern = re.compile(r"\\d+", re.I | re.M)  # numbers
        out.append(pattern.findall(line))
        if re.match(r"x", line, re.I):
            out.append(re.sub(
                r"\\s+",
                "_",
                line,
                flags=re.IGNORECASE,
            ))
    return out
'''

LOOP_AFTER = '''\
"""Parse numbers."""

import re
import sys

_RE_PARSE_LINE = re.compile(r"\\d+", re.I | re.M)
_RE_PARSE_LINE_2 = re.compile(r"x", re.I)
_RE_PARSE_LINE_3 = re.compile(r"\\s+", re.IGNORECASE)


def parse_line(lines):
    out = []
    for line in lines:  # every line
        pattern = _RE_PARSE_LINE  # numbers
        out.append(pattern.findall(line))
        if _RE_PARSE_LINE_2.match(line):
            out.append(_RE_PARSE_LINE_3.sub(
                "_",
                line,
            ))
    return out
'''


def test_loop_patterns_become_module_constants() -> None:
    result = HOIST.apply(LOOP)
    assert result.source == LOOP_AFTER
    assert result.changed and result.sites == 3
    assert "parse_line's loop" in result.summary
    assert 're.compile(r"\\d+", re.I | re.M)' in result.summary


def test_hoisted_code_gives_the_same_results() -> None:
    lines = (["a 12 b 3", "X  y\tz 9", "x", ""],)
    same_results(LOOP, HOIST.apply(LOOP).source, "parse_line", lines, ([],), ([None],))


ALIASES = """\
import re as rx
from re import search, IGNORECASE


def count(words):
    total = 0
    while words:
        word = words.pop()
        if search("^a.c$", word, IGNORECASE):
            total += 1
        total += len(rx.findall("b", word))
    return total
"""

ALIASES_AFTER = """\
import re as rx
from re import search, IGNORECASE

_RE_COUNT = rx.compile("^a.c$", IGNORECASE)
_RE_COUNT_2 = rx.compile("b")


def count(words):
    total = 0
    while words:
        word = words.pop()
        if _RE_COUNT.search(word):
            total += 1
        total += len(_RE_COUNT_2.findall(word))
    return total
"""


def test_import_aliases_are_respected() -> None:
    result = HOIST.apply(ALIASES)
    assert result.source == ALIASES_AFTER
    for words in (["ABC", "abc", "abbc", "bbb"], [], ["b" * 5]):
        assert load(ALIASES)["count"](list(words)) == load(result.source)["count"](list(words))


HOT_FUNCTION = """\
import re

IDENT = "x"


def tokens(text):
    return re.findall(r"[a-z]+", text)


def other(text):
    return re.findall(r"[0-9]+", text)
"""


def test_with_a_function_every_call_in_it_is_hoisted_even_outside_loops() -> None:
    result = HOIST.apply(HOT_FUNCTION, function="tokens")
    assert result.source == HOT_FUNCTION.replace(
        "import re\n", 'import re\n\n_RE_TOKENS = re.compile(r"[a-z]+")\n'
    ).replace('re.findall(r"[a-z]+", text)', "_RE_TOKENS.findall(text)")
    assert result.sites == 1
    same_results(HOT_FUNCTION, result.source, "tokens", ("ab 12 cd",), ("",))
    assert HOIST.apply(HOT_FUNCTION).source == HOT_FUNCTION  # no loop, no function: nothing


def test_identical_patterns_share_one_constant_and_comprehensions_are_loops() -> None:
    source = (
        "import re\n\n\ndef f(xs):\n"
        "    a = [re.sub('a+', 'a', x) for x in xs]\n"
        "    return a, [re.sub('a+', 'b', x) for x in xs]\n"
    )
    result = HOIST.apply(source)
    assert result.sites == 2
    assert result.source.count("re.compile('a+')") == 1
    same_results(source, result.source, "f", (["aaa", "bab", ""],))


REFUSED = {
    "pattern an attribute": """\
import re

def f(xs, o):
    for x in xs:
        re.match(o.p, x)
""",
    "f-string pattern": """\
import re

def f(xs, p):
    for x in xs:
        re.match(f'{p}', x)
""",
    "not in a loop": "import re\n\ndef f(x):\n    return re.match('a', x)\n",
    "bad pattern": """\
import re

def f(xs):
    for x in xs:
        re.match('(', x)
""",
    "warning pattern": """\
import re

def f(xs):
    for x in xs:
        re.match('[[a]', x)
""",
    "debug flag": """\
import re

def f(xs):
    for x in xs:
        re.compile('a', re.DEBUG)
""",
    "flags variable": """\
import re

def f(xs, fl):
    for x in xs:
        re.compile('a', fl)
""",
    "local import": """\
def f(xs):
    import re
    for x in xs:
        re.match('a', x)
""",
    "re shadowed": """\
import re

def f(xs, re):
    for x in xs:
        re.match('a', x)
""",
    "not the re module": """\
import regex as re

def f(xs):
    for x in xs:
        re.match('a', x)
""",
    "star args": """\
import re

def f(xs, a):
    for x in xs:
        re.sub('a', *a)
""",
    "comment in removed arg": """\
import re

def f(xs):
    for x in xs:
        re.match(
            'a',  # the pattern
            x,
        )
""",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    source = REFUSED[case]
    result = HOIST.apply(source)
    assert result.source == source
    assert not result.changed and result.sites == 0
    assert result.summary.startswith("hoist-re-compile: nothing to hoist")


def test_a_refused_site_is_named_in_the_summary() -> None:
    result = HOIST.apply(REFUSED["bad pattern"])
    assert "does not compile" in result.summary
    assert "DEBUG" in HOIST.apply(REFUSED["debug flag"]).summary


def test_applying_twice_changes_nothing_more() -> None:
    once = HOIST.apply(LOOP).source
    assert HOIST.apply(once).source == once
    assert HOIST.apply(once, function="parse_line").source == once


CONSTANT_PATTERNS = """\
import re

WORD = r"[a-z]+"
SEP: str = ","


def split_words(lines):
    return [re.compile(WORD).findall(line) for line in lines]


def fields(lines):
    out = []
    for line in lines:
        out.append(re.split(SEP, line))
    return out
"""


def test_patterns_named_by_module_string_constants_are_hoisted_after_them() -> None:
    result = HOIST.apply(CONSTANT_PATTERNS)
    assert result.sites == 2
    assert (
        'SEP: str = ","\n\n_RE_SPLIT_WORDS = re.compile(WORD)\n_RE_FIELDS = re.compile(SEP)\n'
        in (result.source)
    )
    lines = ["ab,cd 1", "", "x,,y"]
    same_results(CONSTANT_PATTERNS, result.source, "split_words", (lines,), ([None],))
    same_results(CONSTANT_PATTERNS, result.source, "fields", (lines,), ([1],))


@pytest.mark.parametrize(
    "source",
    [
        # rebound at module level
        'import re\n\nP = "a"\nP = "b"\n\ndef f(xs):\n    return [re.match(P, x) for x in xs]\n',
        # rebound through global
        'import re\n\nP = "a"\n\ndef g():\n    global P\n    P = "b"\n\n\n'
        "def f(xs):\n    return [re.match(P, x) for x in xs]\n",
        # not a literal
        'import re\n\nP = "a" * 2\n\ndef f(xs):\n    return [re.match(P, x) for x in xs]\n',
    ],
)
def test_names_that_are_not_one_module_literal_are_left_alone(source: str) -> None:
    result = HOIST.apply(source)
    assert not result.changed and result.source == source
