"""hoist-re-compile with patterns built per call (re.escape, joins, f-strings over the
function's inputs): the rewrite through a memo keyed on those inputs, the same results before
and after (mutated inputs, str subclasses, numbers, generators, errors), and the refusals."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

HOIST = codemod("hoist-re-compile")

CATALOG = """\
import re

ARTICLES = {"eng": ("the", "a", "an"), "fre": ("le", "la", "l'")}


class Index:
    def __init__(self, articles=None):
        self.articles = articles if articles is not None else ARTICLES

    def filing_key(self, title, language):
        words = self.articles.get(language, ())
        folded = title.casefold().strip()
        if words:
            alternatives = "|".join(
                re.escape(w) + ("" if w.endswith("'") else r"\\s+")
                for w in sorted(words, key=len, reverse=True)
            )
            article = re.compile(rf"^(?:{alternatives})", re.IGNORECASE)
            folded = article.sub("", folded, count=1)
        return folded


def filing_key(articles, title, language):
    return Index(articles).filing_key(title, language)
"""

CATALOG_AFTER = """\
import re
import functools

ARTICLES = {"eng": ("the", "a", "an"), "fre": ("le", "la", "l'")}


@functools.lru_cache(maxsize=512)
def _filing_key_pattern_memo(words):
    alternatives = "|".join(
        re.escape(w) + ("" if w.endswith("'") else r"\\s+")
        for w in sorted(words, key=len, reverse=True)
    )
    return re.compile(rf"^(?:{alternatives})", re.IGNORECASE)


def _filing_key_pattern(words):
    \"\"\"filing_key's pattern, compiled once per input when every input is an exact str.\"\"\"
    words = tuple(words)
    if all(type(item) is str for item in words):
        return _filing_key_pattern_memo(words)
    return _filing_key_pattern_memo.__wrapped__(words)


class Index:
    def __init__(self, articles=None):
        self.articles = articles if articles is not None else ARTICLES

    def filing_key(self, title, language):
        words = self.articles.get(language, ())
        folded = title.casefold().strip()
        if words:
            article = _filing_key_pattern(words)
            folded = article.sub("", folded, count=1)
        return folded


def filing_key(articles, title, language):
    return Index(articles).filing_key(title, language)
"""


@functools.cache
def rewritten(source: str, function: str) -> str:
    result = HOIST.apply(source, function=function)
    assert result.changed, result.summary
    return result.source


class Shouty(str):
    """A str subclass whose escaping differs: it must never meet a plain str's entry."""

    def translate(self, table: object) -> str:  # type: ignore[override]
        return "SHOUT"


def _words(*words: str) -> Iterator[str]:
    yield from words


def test_catalog_spelling_is_memoised_on_a_tuple_of_its_words() -> None:
    assert rewritten(CATALOG, "Index.filing_key") == CATALOG_AFTER
    summary = HOIST.apply(CATALOG, function="Index.filing_key").summary
    assert "compiled the patterns built in filing_key once per distinct input" in summary


def test_catalog_same_results_for_every_input() -> None:
    after = rewritten(CATALOG, "Index.filing_key")
    titles = ["The Old Man", "L'Etranger", "Theory", "A  Tale", "An", "la la", ""]
    tables = [
        None,
        {"eng": ("ye",)},
        {"eng": ["the", "a"]},  # a list: keyed on a tuple of its items
        {"eng": ("a.b", "c|d")},  # escaped
        {"eng": (Shouty("the"), "a")},  # a str subclass: never from the memo
        {"eng": ("the", 3)},  # not a str: the same TypeError
        {"eng": "xy"},  # a str iterated by characters
    ]
    calls = [(t, title, lang) for t in tables for title in titles for lang in ("eng", "fre")]
    same_results(CATALOG, after, "filing_key", *calls)
    same_results(CATALOG, after, "filing_key", *calls)  # again, from the memo


def test_catalog_sees_changes_to_the_table_and_generators() -> None:
    after = rewritten(CATALOG, "Index.filing_key")
    for source in (CATALOG, after):
        index = load(source)["Index"]({"eng": ["the"]})
        assert index.filing_key("The Sea", "eng") == "sea"
        index.articles["eng"].append("sea")
        index.articles["eng"][0] = "a"
        assert index.filing_key("Sea change", "eng") == "change"
        assert index.filing_key("The Sea", "eng") == "the sea"
        index.articles["eng"] = _words("the")
        assert index.filing_key("The End", "eng") == "end"


ATTRIBUTE = """\
import re


class Screen:
    def __init__(self, blocked, prefix):
        self.blocked = blocked
        self.prefix = prefix

    def hit(self, text):
        return re.search("|".join(map(re.escape, self.blocked)), text, re.I) is not None

    def ticket(self, text):
        return bool(re.compile(rf"^{self.prefix}-\\d+$", re.IGNORECASE).match(text))


def hit(blocked, text):
    return Screen(blocked, "").hit(text)


def ticket(prefix, text):
    return Screen((), prefix).ticket(text)
"""


def test_attribute_spellings() -> None:
    after = rewritten(rewritten(ATTRIBUTE, "Screen.hit"), "Screen.ticket")
    assert "_hit_pattern(self.blocked).search(text)" in after
    assert "_ticket_pattern(self.prefix).match(text)" in after
    blocked = [("spam", "e.g."), ["x+y"], (Shouty("spam"),), ("ok", None), ()]
    texts = ["SPAM here", "eXg. and x+y", "nothing", "SHOUT"]
    same_results(ATTRIBUTE, after, "hit", *[(b, t) for b in blocked for t in texts])
    prefixes = ["ab", "a.b", Shouty("ab"), 12, None]
    tickets = ["AB-12", "ab-x", "a.b-3", "axb-3", "12-4", "None-1", "SHOUT-1"]
    same_results(ATTRIBUTE, after, "ticket", *[(p, t) for p in prefixes for t in tickets])


MODULE_AND_PARAMETERS = """\
import re

STOP = ["a", "the"]


def strip_stop(texts):
    out = []
    for text in texts:
        out.append(re.sub(r"\\b(?:" + "|".join(STOP) + r")\\b\\s*", "", text))
    return out


def count(word, text):
    return len(re.findall(rf"\\b{re.escape(word)}\\b", text))


def versioned(version, text):
    return re.fullmatch(f"v{version}", text) is not None


def between(sep, end, text):
    return re.compile(rf"{re.escape(sep)}(\\d+){re.escape(end)}").findall(text)
"""


def test_module_constant_and_parameter_spellings() -> None:
    after = MODULE_AND_PARAMETERS
    for function in ("strip_stop", "count", "versioned", "between"):
        after = rewritten(after, function)
    assert "out.append(_strip_stop_pattern(STOP).sub(" in after
    assert "_count_pattern(word).findall(text)" in after
    assert "_between_pattern(sep, end).findall(text)" in after
    same_results(MODULE_AND_PARAMETERS, after, "strip_stop", (["the cat", "a dog", "x"],))
    words = ["cat", "c.t", Shouty("cat"), 5]
    same_results(MODULE_AND_PARAMETERS, after, "count", *[(w, "cat c.t cot") for w in words])
    versions = [1, 1.0, True, "1", Shouty("1")]  # equal keys, different patterns
    for _ in range(2):
        same_results(MODULE_AND_PARAMETERS, after, "versioned",
                     *[(v, t) for v in versions for t in ("v1", "v1.0", "vTrue")])  # fmt: skip
    same_results(MODULE_AND_PARAMETERS, after, "between",
                 ("[", "]", "[1] [22] (3)"), (".", "$", "a.5$ .6"), ("[", 1, "x"))  # fmt: skip
    old, new = load(MODULE_AND_PARAMETERS), load(after)
    for module in (old, new):
        module["STOP"].append("cat")
    assert old["strip_stop"](["the cat sat"]) == new["strip_stop"](["the cat sat"]) == ["sat"]


def test_invalid_built_pattern_raises_the_same_error_every_time() -> None:
    after = rewritten(MODULE_AND_PARAMETERS, "versioned")
    same_results(MODULE_AND_PARAMETERS, after, "versioned", ("(", "v("), ("(", "v("))


REFUSED = """\
import re


def make(words):
    return "|".join(words)


def called(words, text):
    return re.search(make(words), text)


def twice(words, text):
    return re.search("|".join(words) + "|".join(words), text)


def two_attributes(self, text):
    return re.search(rf"{self.a}{self.b}", text)


def variable_flags(word, text, flags):
    return re.search(rf"{word}", text, flags)


def spec(word, text):
    return re.search(rf"{word:>5}", text)


def loose_argument(word, text):
    return re.search(rf"{word}", text.lower())


def kept_local(words, text):
    alternatives = "|".join(words)
    found = re.search(alternatives + "x", text)
    return found, alternatives


def constant(text):
    return re.search("a" + "b", text)


def as_bytes(word, text):
    return re.search(b"x" + word, text)


def debug(word, text):
    return re.search(rf"{word}", text, re.DEBUG)
"""


@pytest.mark.parametrize(
    ("function", "why"),
    [
        ("called", "the call make(words)"),
        ("twice", "words is read twice"),
        ("two_attributes", "self.b is read after another input"),
        ("variable_flags", "flags are not re.<FLAG> constants"),
        ("spec", "a conversion or format spec"),
        ("loose_argument", "the argument text.lower() is not a name, literal or lambda"),
        ("kept_local", "alternatives"),
        ("constant", "reads no input"),
        ("as_bytes", "a bytes literal"),
        ("debug", "flags are not re.<FLAG> constants"),
    ],
)
def test_refusals_say_why(function: str, why: str) -> None:
    result = HOIST.apply(REFUSED, function=function)
    assert not result.changed
    assert why in result.summary, result.summary


def test_refused_when_the_file_purges_re() -> None:
    source = MODULE_AND_PARAMETERS + "\n\ndef reset():\n    re.purge()\n"
    result = HOIST.apply(source, function="count")
    assert not result.changed
    assert "re.purge" in result.summary


def test_refused_when_the_module_binds_a_builtin_the_memo_needs() -> None:
    source = MODULE_AND_PARAMETERS.replace("STOP = [", "tuple = list\nSTOP = [")
    result = HOIST.apply(source, function="count")
    assert not result.changed
    assert "the module binds tuple" in result.summary


def test_literal_stage_still_runs_first() -> None:
    source = (
        "import re\n\n\ndef both(word, text):\n"
        '    return bool(re.search(r"\\d+", text)), bool(re.search(rf"{re.escape(word)}", text))\n'
    )
    result = HOIST.apply(source, function="both")
    assert result.sites == 2
    assert "(_RE_BOTH.search(text)), bool(_both_pattern(word).search(text))" in result.source
    same_results(source, result.source, "both", ("a.", "1 a. b"), ("x", "none"))


MORE = """\
import re


def hits(word, texts):
    return [t for t in texts if re.search(rf"\\b{re.escape(word)}\\b", t)]


def parts(words, text):
    escaped = [re.escape(w) for w in words if w]
    joined = "|".join(escaped)
    return re.split(f"(?:{joined})", text)


def outer(sep):
    def inner(text):
        return re.findall(rf"{re.escape(sep)}\\w+", text)

    return inner


def closure(sep, text):
    return outer(sep)(text)


def formatted(word, text):
    return re.search("{}x".format(word), text)
"""


def test_comprehension_local_list_and_closure_spellings() -> None:
    after = MORE
    for function in ("hits", "parts", "inner"):
        after = rewritten(after, function)
    assert "if _hits_pattern(word).search(t)]" in after
    assert "return _parts_pattern(words).split(text)" in after
    assert "return _inner_pattern(sep).findall(text)" in after
    texts = ["x a.b y", "aXb", "a.b", ""]
    same_results(MORE, after, "hits", *[(w, texts) for w in ("a.b", "", Shouty("a"), 3)])
    same_results(MORE, after, "parts",
                 (["a", "", "b.c"], "xaYb.cZ"), ([], "abc"), ("ab", "xaybz"),
                 (("a",), "bab"), (["a", None], "x"))  # fmt: skip
    same_results(MORE, after, "closure", ("$", "$ab c$d"), ("", "ab"), (None, "x"))


def test_str_format_is_refused() -> None:
    # "{0.upper}".format(w) would show a bound method's address: not a function of the text
    result = HOIST.apply(MORE, function="formatted")
    assert not result.changed
    assert 'the call "{}x".format(word)' in result.summary


MORE_REFUSED = {
    "lambda": (
        "def f(w, s):\n    g = lambda t: re.search(rf'{w}x', t)\n    return g(s)\n",
        "f",
        "a lambda or class",
    ),
    "star args": ("def f(w, a):\n    return re.search(rf'{w}x', *a)\n", "f", "*args"),
    "too many": (
        "def f(w, s):\n    return re.search(rf'{w}x', s, 0, 1)\n",
        "f",
        "more positional arguments than re.search takes",
    ),
    "keyword": (
        "def f(w, s):\n    return re.search(rf'{w}x', s, pos=1)\n",
        "f",
        "keyword 'pos' has no counterpart",
    ),
    "introspection": (
        "def f(w, s):\n    p = w + 'x'\n    r = re.search(p + 'y', s)\n    return r, locals()\n",
        "f",
        "locals()/vars()/eval",
    ),
    "comment": (
        "def f(w, s):\n    p = w + 'x'  # the stem\n    return re.search(p + 'y', s)\n",
        "f",
        "a comment in the statements",
    ),
    "not first": (
        "def f(w, s):\n    p = w + 'x'\n    return g(s) or re.search(p + 'y', s)\n",
        "f",
        "not the first thing its statement evaluates",
    ),
    "deleted": (
        "def f(w, s):\n    r = re.search(rf'{w}x', s)\n    del w\n    return r\n",
        "f",
        "w is deleted in the function",
    ),
    "per item": (
        "def f(self, xs):\n    return re.search('|'.join(x + self.s for x in xs), 'a')\n",
        "f",
        "self.s is read for every item",
    ),
    "sorted key": (
        "def f(ws, s):\n    return re.search('|'.join(sorted(ws, key=str.lower)), s)\n",
        "f",
        "sorted() with key=str.lower",
    ),
    "map other": (
        "def f(ws, s):\n    return re.search('|'.join(map(str.upper, ws)), s)\n",
        "f",
        "map over str.upper",
    ),
    "two fors": (
        "def f(ws, s):\n    return re.search('|'.join(a for w in ws for a in w), s)\n",
        "f",
        "more than one for",
    ),
    "unpacking": (
        "def f(ws, s):\n    return re.search('|'.join(a for a, b, c in ws), s)\n",
        "f",
        "unpacks its items",
    ),
    "truth of input": (
        "def f(w, s):\n    return re.search('a' if w else 'b', s)\n",
        "f",
        "the truth of w",
    ),
    "ordering": (
        "def f(w, s):\n    return re.search(rf'{w}' if w < 'm' else 'x', s)\n",
        "f",
        "the comparison",
    ),
}


@pytest.mark.parametrize("case", sorted(MORE_REFUSED))
def test_more_refusals_say_why(case: str) -> None:
    body, function, why = MORE_REFUSED[case]
    source = "import re\n\n\n" + body
    result = HOIST.apply(source, function=function)
    assert result.source == source and not result.changed
    assert why in result.summary, result.summary


def test_refused_without_import_re_or_with_functools_taken() -> None:
    source = "from re import compile, escape\n\n\ndef f(w):\n    return compile(escape(w))\n"
    assert not HOIST.apply(source, function="f").changed
    taken = "import re\n\nfunctools = None\n\n\ndef f(w, s):\n    return re.search(rf'{w}x', s)\n"
    result = HOIST.apply(taken, function="f")
    assert not result.changed and "the name functools is taken" in result.summary


SHADOWING_INPUTS = """\
import re


class Rule:
    def __init__(self, type, re):
        self.type = type
        self.re = re

    def kind(self, text):
        return re.search(re.escape(self.type) + r"\\d", text) is not None

    def mark(self, text):
        return re.search(rf"{self.re}\\d", text, re.I) is not None


def kind(type, text):
    return Rule(type, "").kind(text)


def mark(mark, text):
    return Rule("", mark).mark(text)
"""


def test_parameters_never_shadow_what_the_new_functions_use() -> None:
    # an input named type (or tuple, all, str) or re must not hide the builtin or the module
    after = rewritten(rewritten(SHADOWING_INPUTS, "Rule.kind"), "Rule.mark")
    for function in ("kind", "mark"):
        same_results(SHADOWING_INPUTS, after, function, ("x", "x1"), ("x", "X2 y"), ("a", "b"))


REBOUND_BETWEEN_READS = """\
import re

SEP = "b"


class Word(str):
    def translate(self, table):
        global SEP
        SEP = "z"
        return str.translate(self, table)

    def __add__(self, other):
        global SEP
        SEP = "z"
        return str.__add__(self, other)


class Words:
    def __iter__(self):
        self.hook()
        yield "a"


def after_escape(word, text):
    return re.search(re.escape(word) + SEP, text)


def per_item(text):
    return re.search("|".join(SEP + w for w in ("a", "c")), text)


def nonlocal_later(sep, text, words):
    def bump():
        nonlocal sep
        sep = "z"

    words.hook = bump
    return re.search("|".join(words) + sep, text)
"""


def test_global_rebound_between_reads_is_refused() -> None:
    # the original reads SEP after code that rebinds it has run; the rewrite read it first
    for function in ("after_escape", "per_item"):
        result = HOIST.apply(REBOUND_BETWEEN_READS, function=function)
        assert not result.changed, function
        assert "SEP is read after code that could rebind it" in result.summary


def test_nonlocal_rebound_between_reads_is_refused() -> None:
    result = HOIST.apply(REBOUND_BETWEEN_READS, function="nonlocal_later")
    assert not result.changed
    assert "sep is read after code that could rebind it" in result.summary


def test_an_argument_that_may_be_unbound_is_refused() -> None:
    # the original raises NameError/UnboundLocalError before compiling; the rewrite compiled
    # first, so an invalid pattern raised re.error instead
    source = (
        "import re\n\n\ndef f(w, flag):\n    if flag:\n        text = 'x'\n"
        "    return re.search(rf'{w}x', text)\n"
    )
    result = HOIST.apply(source, function="f")
    assert not result.changed
    assert "text may be unbound when it is read" in result.summary
    bound = source.replace("    if flag:\n        text = 'x'\n", "    text = 'x' if flag else ''\n")
    after = rewritten(bound, "f")
    same_results(bound, after, "f", ("(", True), ("a", False), ("a", True))
