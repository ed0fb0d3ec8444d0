"""hoist-re-compile with a pattern built per call into a local from an item or a view of a
container (``self.rules[queue]``, ``d.values()``, ``d.items()``): the memo keyed on the
content of what was read, the same results before and after (mutation between calls, str
subclasses, non-str items), the call nested in a builtin, and the refusals."""

from __future__ import annotations

import functools
import re

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

HOIST = codemod("hoist-re-compile")

TRIAGE = """\
import re

RULES = {"billing": ("invoice", "c++", "credit card"), "bugs": ("crash", "null")}


class Router:
    def __init__(self, rules=None):
        self.rules = dict(rules or RULES)

    def score(self, queue, text):
        keywords = self.rules[queue]
        pattern = r"(?<!\\w)(?:" + "|".join(re.escape(k) for k in keywords) + r")(?!\\w)"
        return len(re.findall(pattern, text, flags=re.IGNORECASE))


def score(rules, queue, text):
    return Router(rules).score(queue, text)
"""

PARAMETER = """\
import re


def redact(words, text, mark):
    pattern = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.sub(pattern, mark, text, flags=re.I)
"""

ITEMS = """\
import re


class Tagger:
    def __init__(self, aliases):
        self.aliases = aliases

    def tags(self, text):
        pattern = "|".join(f"(?P<{name}>{re.escape(word)})" for name, word in self.aliases.items())
        return [m.lastgroup for m in re.finditer(pattern, text)]


def tags(aliases, text):
    return Tagger(aliases).tags(text)
"""

VALUES = """\
import re


def any_flagged(table, text):
    words = table.values()
    pattern = "\\\\b(?:" + "|".join(re.escape(w) for w in words) + ")\\\\b"
    return re.search(pattern, text) is not None
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


def test_instance_dict_of_lists_is_memoised_on_the_items_content() -> None:
    after = rewritten(TRIAGE, "Router.score")
    assert "len(_score_pattern(self.rules[queue]).findall(text))" in after
    assert "rules = tuple(rules)" in after
    assert "re.compile(pattern, re.IGNORECASE)" in after
    assert "_re_compiled" not in after  # the building is memoised, not only the compile
    assert "keywords = self.rules[queue]" not in after.split("class Router")[1]


def test_instance_dict_of_lists_same_results() -> None:
    after = rewritten(TRIAGE, "Router.score")
    tables = [
        None,
        {"billing": ["Invoice", "a.b"], "bugs": []},
        {"billing": (Shouty("crash"), "x"), "bugs": ("crash",)},
        {"billing": ("invoice", 3), "bugs": ("null",)},  # not a str: the same TypeError
        {"billing": "ab", "bugs": ("b",)},  # a str iterated by characters
    ]
    texts = ["INVOICE for c++ crash", "credit card null null", "nothing", "a b ab aXb SHOUT"]
    calls = [(t, q, x) for t in tables for q in ("billing", "bugs", "missing") for x in texts]
    same_results(TRIAGE, after, "score", *calls)
    same_results(TRIAGE, after, "score", *calls)  # again, from the memo


def test_mutation_between_calls_is_seen() -> None:
    after = rewritten(TRIAGE, "Router.score")
    for source in (TRIAGE, after):
        router = load(source)["Router"]({"bugs": ["crash"]})
        assert router.score("bugs", "crash null") == 1
        router.rules["bugs"].append("null")
        assert router.score("bugs", "crash null") == 2
        router.rules["bugs"][0] = "boom"
        assert router.score("bugs", "crash null") == 1
        router.rules["bugs"] = iter(["crash"])
        assert router.score("bugs", "crash null") == 1


def test_parameter_list_same_results() -> None:
    after = rewritten(PARAMETER, "redact")
    assert "return _redact_pattern(words).sub(mark, text)" in after
    words = [["cat", "ca"], ("a+b",), [Shouty("x"), "y"], ["ok", None], []]
    texts = ["a CAT and a+b", "xy SHOUT", ""]
    calls = [(w, t, m) for w in words for t in texts for m in ("*", r"[\g<0>]")]
    same_results(PARAMETER, after, "redact", *calls)
    same_results(PARAMETER, after, "redact", *calls)


def test_generator_over_items_same_results() -> None:
    after = rewritten(ITEMS, "Tagger.tags")
    assert "_tags_pattern(self.aliases.items())" in after
    assert "type(item) is tuple and len(item) == 2" in after
    tables = [
        {"money": "$", "pct": "%"},
        {"a": "x.y"},
        {"a": Shouty("q")},
        {"a": 1},  # not a str: the same TypeError
        {"1bad": "x"},  # an invalid group name: the same re.error
    ]
    calls = [(t, x) for t in tables for x in ("$5 is 10% x.y", "q SHOUT", "")]
    same_results(ITEMS, after, "tags", *calls)
    same_results(ITEMS, after, "tags", *calls)


def test_dict_values_local_same_results() -> None:
    after = rewritten(VALUES, "any_flagged")
    assert "return _any_flagged_pattern(table.values()).search(text) is not None" in after
    tables = [{"a": "spam"}, {"a": "eggs", "b": "ham"}, {}, {"a": Shouty("z")}, {"a": 2}]
    calls = [(t, x) for t in tables for x in ("spam and ham", "SHOUT", "")]
    same_results(VALUES, after, "any_flagged", *calls)
    same_results(VALUES, after, "any_flagged", *calls)


def _refusal(source: str, function: str) -> str:
    """The summary of a run that leaves the building alone (re's compile may still be
    memoised by re_memo: the graceful fallback)."""
    result = HOIST.apply(source, function=function)
    assert "_pattern_memo" not in result.source
    return result.summary


def test_refuses_a_shadowed_re() -> None:
    for shadow in ("import regex as re\n", "import re\nfrom textkit import re\n"):
        source = TRIAGE.replace("import re\n", shadow)
        result = HOIST.apply(source, function="Router.score")
        assert not result.changed and result.source == source
        assert "nothing to hoist" in result.summary


def test_refuses_a_global_read_after_the_item() -> None:
    source = TRIAGE.replace('r")(?!\\w)"', "SUFFIX").replace(
        "class Router", 'SUFFIX = ")"\n\n\nclass Router'
    )
    assert '"|".join(re.escape(k) for k in keywords) + SUFFIX' in source
    summary = _refusal(source, "Router.score")
    assert "SUFFIX is read after code that could rebind it" in summary


def test_refuses_an_item_read_for_every_word() -> None:
    source = TRIAGE.replace(
        "re.escape(k) for k in keywords", "re.escape(k) + self.rules[queue][0] for k in keywords"
    )
    summary = _refusal(source, "Router.score")
    assert "self.rules[queue][0] is not an item or a view of a name or attribute" in summary


def test_refuses_an_item_keyed_by_a_call() -> None:
    source = TRIAGE.replace("self.rules[queue]", "self.rules[queue.lower()]")
    summary = _refusal(source, "Router.score")
    assert "the key of self.rules[queue.lower()] is not a parameter" in summary
    assert (
        "_re_compiled(pattern, re.IGNORECASE).findall(text)"
        in HOIST.apply(source, function="Router.score").source
    )  # the compile is still memoised: the fallback


def test_refuses_a_pattern_local_used_again() -> None:
    source = TRIAGE.replace(
        "        return len(re.findall(pattern, text, flags=re.IGNORECASE))",
        "        self.last = pattern\n        return len(re.findall(pattern, text, flags=re.I))",
    )
    summary = HOIST.apply(source, function="Router.score").summary
    assert "_pattern_memo" not in HOIST.apply(source, function="Router.score").source
    assert "pattern" in summary


def test_refuses_when_something_else_runs_before_the_call() -> None:
    source = TRIAGE.replace(
        "return len(re.findall(pattern, text, flags=re.IGNORECASE))",
        "return self.bump() + len(re.findall(pattern, text, flags=re.IGNORECASE))",
    )
    summary = _refusal(source, "Router.score")
    assert "not the first thing its statement evaluates" in summary


def test_a_len_that_is_not_the_builtin_is_refused() -> None:
    source = TRIAGE.replace("class Router", "def len(x):\n    return 0\n\n\nclass Router")
    summary = _refusal(source, "Router.score")
    assert re.search(r"not the first thing|binds len", summary)


PAIRS = """\
import re


def labelled(pairs, text):
    return re.findall("|".join(rf"{re.escape(a)}={re.escape(b)}" for a, b in pairs), text)
"""


def test_parameter_pairs_fall_back_for_items_that_are_not_str_tuples() -> None:
    after = rewritten(PAIRS, "labelled")
    assert "return _labelled_pattern(pairs).findall(text)" in after
    pairs = [
        [("a", "1"), ("b", "2")],
        [["a", "1"]],  # lists, not tuples: the original code, uncached
        [(Shouty("a"), "1")],
        [("a", 1)],  # not a str: the same TypeError
        [("a", "1", "x")],  # too many values: the same ValueError
    ]
    for items in pairs:
        same_results(PAIRS, after, "labelled", (items, "a=1 b=2 c=3 SHOUT=1"))
    for source in (PAIRS, after):
        assert load(source)["labelled"](iter([("c", "3")]), "c=3 c=4") == ["c=3"]


MAPPED = """\
import re

STOP = {"en": ["the", "a.b"], "de": ["der", "die"]}


def strip_stop(lang, text):
    words = STOP[lang]
    pattern = r"\\b(?:" + "|".join(map(re.escape, words)) + r")\\b\\s*"
    return re.sub(pattern, "", text, 0, re.IGNORECASE)
"""


def test_module_dict_item_passed_to_map_same_results() -> None:
    after = rewritten(MAPPED, "strip_stop")
    assert 'return _strip_stop_pattern(STOP[lang]).sub("", text, 0)' in after
    calls = [(lang, t) for lang in ("en", "de", "fr") for t in ("The a.b ab DIE x", "")]
    same_results(MAPPED, after, "strip_stop", *calls)
    for source in (MAPPED, after):
        module = load(source)
        module["STOP"]["en"].append("x")
        assert module["strip_stop"]("en", "the x y") == "y"


# review: an f-string inside an implicit concatenation, inputs iterated per item or only in
# one branch of a conditional

CONCATENATED = """\
import re


def find(words, suffix, text):
    pattern = "(?:" + "|".join(map(re.escape, words)) + ")" f"{suffix}"
    return re.findall(pattern, text)
"""


def test_an_fstring_in_an_implicit_concatenation_is_keyed_on() -> None:
    result = HOIST.apply(CONCATENATED, function="find")
    assert "return _find_pattern(words, suffix).findall(text)" in result.source
    calls = [(["ab", "c"], suffix, "ab abx c cx") for suffix in ("x", "", "x")]
    same_results(CONCATENATED, result.source, "find", *calls)


PER_ITEM = """\
import re


def find(words, text):
    pattern = "|".join(w + "(?:" + "|".join(words) + ")" for w in ("a", "b"))
    return re.findall(pattern, text)
"""

PER_ITEM_LOCAL = """\
import re


class Finder:
    def __init__(self, rules):
        self.rules = rules

    def find(self, text):
        words = self.rules["k"]
        pattern = "|".join(w + "(?:" + "|".join(words) + ")" for w in ("a", "b"))
        return re.findall(pattern, text)


def find(rules, text):
    return Finder(rules).find(text)
"""


def test_an_input_iterated_for_every_item_is_refused() -> None:
    # an iterator is used up by the first item in the original: the memo's tuple is not
    for source in (PER_ITEM, PER_ITEM_LOCAL):
        after = HOIST.apply(source, function="Finder.find" if "class" in source else "find")
        argument = {"k": iter(["x", "y"])} if "class" in source else iter(["x", "y"])
        before = load(source)["find"](argument, "ax by b")
        argument = {"k": iter(["x", "y"])} if "class" in source else iter(["x", "y"])
        assert load(after.source)["find"](argument, "ax by b") == before
        assert "_pattern_memo" not in after.source
        assert "iterated for every item" in after.summary


BRANCH = """\
import re


class Finder:
    def find(self, text):
        mode = "exact"
        pattern = "|".join(map(re.escape, self.words)) if mode == "any" else "^$"
        return re.findall(pattern, text)


def find(text):
    return Finder().find(text)
"""


def test_an_input_read_in_one_branch_only_is_refused() -> None:
    # the original never reads self.words (the branch is not taken): the rewrite would
    after = HOIST.apply(BRANCH, function="Finder.find")
    same_results(BRANCH, after.source, "find", ("",), ("x",))
    assert "_pattern_memo" not in after.source
    assert "read only when" in after.summary


SELF_DOCUMENTING = """\
import re


class Finder:
    def __init__(self, word):
        self.word = word

    def find(self, text):
        return re.findall(f"{self.word=}", text)


def find(word, text):
    return Finder(word).find(text)
"""


def test_a_self_documenting_fstring_field_is_refused() -> None:
    # f"{self.word=}" writes the expression's text: the memo's parameter is named otherwise
    after = HOIST.apply(SELF_DOCUMENTING, function="Finder.find")
    same_results(SELF_DOCUMENTING, after.source, "find", ("ab", "self.word='ab' word='ab'"))
    assert "_pattern_memo" not in after.source


DEFAULTS = TRIAGE.replace("import re\n", "import re\nfrom collections import defaultdict\n")


def test_a_defaultdict_item_read_still_inserts_its_key() -> None:
    after = rewritten(DEFAULTS, "Router.score")
    for source in (DEFAULTS, after):
        router = load(source)["Router"]()
        router.rules = load(source)["defaultdict"](list)
        assert router.score("new", "x y") == 0
        assert dict(router.rules) == {"new": []}


PATCHED = (
    PARAMETER
    + """

def use_plain_escape():
    re.escape = lambda s: s
"""
)


def test_a_file_that_replaces_re_escape_is_refused() -> None:
    # the memo would keep the patterns escaped before re.escape was replaced
    after = HOIST.apply(PATCHED, function="redact")
    results = []
    for source in (PATCHED, after.source):
        module = load(source)
        escape = module["re"].escape
        try:
            first = module["redact"](["a.b"], "a.b axb", "*")
            module["use_plain_escape"]()
            results.append((first, module["redact"](["a.b"], "a.b axb", "*")))
        finally:
            module["re"].escape = escape
    assert results[0] == results[1]
    assert "_pattern_memo" not in after.source


LAZY_BRANCH = """\
import re


class Finder:
    def __init__(self, words):
        self.words = words

    def find(self, text):
        mode = "exact"
        escaped = map(re.escape, self.words)
        pattern = "|".join(escaped) if mode == "any" else "^$"
        return re.findall(pattern, text)


def left_after_find(words, text):
    finder = Finder(words)
    return finder.find(text), list(finder.words)
"""


def test_a_lazy_local_iterated_in_one_branch_only_is_refused() -> None:
    # map() takes the iterator and leaves it alone when the branch is not taken: the memo's
    # tuple would use it up
    after = HOIST.apply(LAZY_BRANCH, function="Finder.find")
    for source in (LAZY_BRANCH, after.source):
        assert load(source)["left_after_find"](iter(["a", "b"]), "") == ([""], ["a", "b"])
    assert "_pattern_memo" not in after.source
