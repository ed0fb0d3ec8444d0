"""re-pattern-method: exact rewrites, same results before and after, refusals."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import same_results

METHOD = codemod("re-pattern-method")

SOURCE = """\
import re

_WORD = re.compile(r"[a-z]+", re.I)
_SEP: re.Pattern = re.compile(r"\\s*,\\s*")


def scan(text):
    out = []
    for part in re.split(_SEP, text, maxsplit=3):  # pieces
        found = re.match(_WORD, part)
        out.append(found.group(0) if found else None)
        out.append(re.sub(_WORD, "w", part, count=1))
        out.append(re.findall(_WORD, string=part))
    return out, re.subn(_SEP, ";", text)
"""

AFTER = """\
import re

_WORD = re.compile(r"[a-z]+", re.I)
_SEP: re.Pattern = re.compile(r"\\s*,\\s*")


def scan(text):
    out = []
    for part in _SEP.split(text, maxsplit=3):  # pieces
        found = _WORD.match(part)
        out.append(found.group(0) if found else None)
        out.append(_WORD.sub("w", part, count=1))
        out.append(_WORD.findall(string=part))
    return out, _SEP.subn(";", text)
"""


def test_calls_through_re_become_pattern_methods() -> None:
    result = METHOD.apply(SOURCE, function="scan")
    assert result.source == AFTER
    assert result.sites == 5
    assert result.summary.startswith("called _SEP.split, _SEP.subn, _WORD.findall")


def test_same_results_before_and_after() -> None:
    after = METHOD.apply(SOURCE).source
    same_results(SOURCE, after, "scan", ("ab, 12 ,Cd,e,f,g",), ("",), ("x",), (None,))


HEAD = "import re\nP = re.compile('a')\n\n"
REFUSED = {
    "flags argument": HEAD + "def f(s):\n    return re.match(P, s, 0)\n",
    "flags keyword": HEAD + "def f(s):\n    return re.sub(P, '', s, flags=0)\n",
    "rebound later": HEAD + "P = 'a'\n\ndef f(s):\n    return re.match(P, s)\n",
    "global rebinding": """\
import re
P = re.compile('a')

def reset():
    global P
    P = 'b'

def f(s):
    return re.match(P, s)
""",
    "shadowed by a parameter": HEAD + "def f(s, P):\n    return re.match(P, s)\n",
    "deleted": HEAD + "def f(s):\n    return re.match(P, s)\n\ndel P\n",
    "bound in a function only": (
        "import re\n\ndef f(s):\n    P = re.compile('a')\n    return re.match(P, s)\n"
    ),
    "star args": HEAD + "def f(a):\n    return re.match(P, *a)\n",
    "not the re module": (
        "import regex as re\nP = re.compile('a')\n\ndef f(s):\n    return re.match(P, s)\n"
    ),
    "literal pattern": "import re\n\ndef f(s):\n    return re.match('a', s)\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = METHOD.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_refusals_say_why() -> None:
    assert "a flags argument" in METHOD.apply(REFUSED["flags argument"]).summary
    assert "bound more than once" in METHOD.apply(REFUSED["rebound later"]).summary
