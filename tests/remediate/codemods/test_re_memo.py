"""hoist-re-compile with patterns held in parameters and locals: the exact rewrite through one
bounded memo of re.compile, the same results and errors before and after (flags, compiled
Patterns, bytes, invalid and unhashable patterns), and refusals that say why."""

from __future__ import annotations

import functools
import re

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

HOIST = codemod("hoist-re-compile")
LOOP = codemod("re-loop-pattern")
MEMO = "_re_compiled = functools.lru_cache(maxsize=512, typed=True)(re.compile)\n"

SOURCE = """\
\"\"\"Checks.\"\"\"
import re


def check(rule, value, flags=0):
    return re.fullmatch(rule, value, re.ASCII) is not None


def compiled(rule):
    return re.compile(rule, re.I | re.M)


def clean(rule, text, count):
    return re.sub(rule, "-", text, count, re.I)


def pieces(rule, text):
    return re.split(rule, text, maxsplit=1, flags=re.S), re.findall(rule, text)


def counted(rule, text):
    return re.subn(rule, lambda m: m.group(0).upper(), text, count=2)


def found(rule, text):
    spans = [m.span() for m in re.finditer(rule, text)]
    return spans, bool(re.search(rule, text)), bool(re.match(rule, text))
"""

AFTER = """\
\"\"\"Checks.\"\"\"
import re
import functools

_re_compiled = functools.lru_cache(maxsize=512, typed=True)(re.compile)


def check(rule, value, flags=0):
    return _re_compiled(rule, re.ASCII).fullmatch(value) is not None


def compiled(rule):
    return _re_compiled(rule, re.I | re.M)


def clean(rule, text, count):
    return _re_compiled(rule, re.I).sub("-", text, count)


def pieces(rule, text):
    return _re_compiled(rule, re.S).split(text, maxsplit=1), _re_compiled(rule).findall(text)


def counted(rule, text):
    return _re_compiled(rule).subn(lambda m: m.group(0).upper(), text, count=2)


def found(rule, text):
    spans = [m.span() for m in _re_compiled(rule).finditer(text)]
    return spans, bool(_re_compiled(rule).search(text)), bool(_re_compiled(rule).match(text))
"""

FUNCTIONS = ("check", "compiled", "clean", "pieces", "counted", "found")


@functools.cache
def rewritten(source: str = SOURCE) -> str:
    for function in FUNCTIONS:
        source = HOIST.apply(source, function=function).source
    return source


def test_parameter_patterns_go_through_one_bounded_memo() -> None:
    assert rewritten() == AFTER
    first = HOIST.apply(SOURCE, function="found")
    assert first.sites == 3
    assert first.summary.startswith("compiled the patterns passed as rule through _re_compiled")


PATTERNS = [r"\d+", "ab", r"(?x) a b # c", "A", "", "^$"]
TEXTS = ["a1b22", "AB ab", "\u0661\u06623", "", "ab\nAB"]


def test_same_results_for_strings_flags_and_bytes() -> None:
    after = rewritten()
    calls = [(p, t) for p in PATTERNS for t in TEXTS]
    calls += [(rb"\d+", b"x12y3"), (b"a", b"AaA")]
    same_results(SOURCE, after, "check", *calls)
    same_results(SOURCE, after, "pieces", *calls)
    same_results(SOURCE, after, "counted", *calls)
    same_results(SOURCE, after, "found", *calls)
    same_results(SOURCE, after, "clean", *[(p, t, n) for p, t in calls for n in (0, 1)])
    old, new = load(SOURCE)["compiled"], load(after)["compiled"]
    for p in [*PATTERNS, rb"\w"]:
        assert old(p) == new(p) and new(p) is new(p)
        assert new(p).flags == old(p).flags


def _raised(func: object, *args: object) -> tuple[type, str]:
    try:
        func(*args)  # type: ignore[operator]
    except Exception as exc:  # the same failure is the same behaviour
        return type(exc), str(exc)
    raise AssertionError("did not raise")


@pytest.mark.parametrize(
    ("function", "args"),
    [
        ("check", ("(unclosed", "x")),  # re.error, never cached
        ("check", ("(unclosed", "x")),
        ("check", (re.compile("a"), "a")),  # a Pattern with flags: ValueError
        ("compiled", (re.compile("a"),)),
        ("found", (["a"], "a")),  # unhashable: TypeError in both
        ("found", ({"a": 1}, "a")),
        ("found", (5, "a")),  # hashable, not a pattern: TypeError
        ("check", ("a", b"a")),  # str pattern, bytes text: TypeError
        ("compiled", (b"(?L)a",)),  # LOCALE and IGNORECASE both fine for bytes
        ("compiled", ("(?L)a",)),  # LOCALE with str: ValueError
    ],
)
def test_errors_are_the_same(function: str, args: tuple[object, ...]) -> None:
    after = rewritten()
    old, new = load(SOURCE)[function], load(after)[function]
    try:
        expected = ("value", old(*args))
    except Exception:
        expected = ("raised", _raised(old, *args))
    if expected[0] == "value":
        assert ("value", new(*args)) == expected
    else:
        assert ("raised", _raised(new, *args)) == expected


def test_a_compiled_pattern_comes_back_itself() -> None:
    pattern = re.compile(r"\d")
    new = load(rewritten())
    assert new["_re_compiled"](pattern) is pattern
    assert new["found"](pattern, "a1")[0] == [(1, 2)]


def test_str_subclass_patterns_stay_apart_as_in_re() -> None:
    class Rule(str):
        pass

    new = load(rewritten())["compiled"]
    assert type(new(Rule("a")).pattern) is Rule
    assert type(new("a").pattern) is str


def test_the_memo_is_bounded_as_re_cache_is() -> None:
    memo = load(rewritten())["_re_compiled"]
    for n in range(600):
        memo(f"a{n}")
    assert memo.cache_info().maxsize == re._MAXCACHE == 512  # type: ignore[attr-defined]
    assert memo.cache_info().currsize == 512


LOCAL = """\
import re as regex
from re import compile


def rules(text, names):
    out = []
    for name in names:
        rx = name + "+"
        out.append(bool(regex.search(rx, text)))
        out.append(compile(rx).pattern)
    return out
"""


def test_aliases_locals_and_a_loop_without_a_function_filter() -> None:
    result = HOIST.apply(LOCAL)
    assert result.sites == 2
    assert "_re_compiled = functools.lru_cache(maxsize=512, typed=True)(regex.compile)\n" in (
        result.source
    )
    assert "out.append(bool(_re_compiled(rx).search(text)))" in result.source
    assert "out.append(_re_compiled(rx).pattern)" in result.source
    same_results(LOCAL, result.source, "rules", ("aab", ["a", "b", "("]), ("aab", ["a", "b"]))


def test_literal_and_memo_sites_in_one_function_nest_correctly() -> None:
    source = (
        "import re\n\n\ndef f(p, s):\n"
        "    return bool(re.search(r'\\d', re.sub(p, '', s))), re.compile(p).pattern\n"
    )
    result = HOIST.apply(source, function="f")
    assert result.sites == 3
    assert "bool(_RE_F.search(_re_compiled(p).sub('', s))), _re_compiled(p).pattern" in (
        result.source
    )
    assert result.source.index("_re_compiled =") < result.source.index("_RE_F =")
    same_results(source, result.source, "f", ("a", "a1a2"), ("[", "x"))


def test_both_codemods_share_one_memo() -> None:
    table = 'T = ["a+", "b+"]\n\n\ndef g(s):\n    return [re.search(p, s) for p in T]\n'
    source = SOURCE + "\n\n" + table
    first = HOIST.apply(source, function="check").source
    second = LOOP.apply(first, function="g")
    assert second.changed and second.source.count("functools.lru_cache") == 1
    assert "[_re_compiled(p).search(s) for p in T]" in second.source
    # an unbounded memo (re-loop-pattern's) is not used for caller patterns
    unbounded = LOOP.apply(source, function="g").source
    third = HOIST.apply(unbounded, function="check").source
    assert "_re_compiled_2 = functools.lru_cache(maxsize=512, typed=True)" in third
    assert "_re_compiled_2(rule, re.ASCII).fullmatch(value)" in third


def test_applying_twice_changes_nothing_more() -> None:
    once = rewritten()
    assert rewritten(once) == once
    assert once.count(MEMO) == 1


REFUSED = {
    "variable flags": (
        "import re\n\ndef f(p, s, fl):\n    return re.search(p, s, fl)\n",
        "flags are not re.<FLAG> constants",
    ),
    "debug flags": (
        "import re\n\ndef f(p, s):\n    return re.search(p, s, re.DEBUG)\n",
        "flags are not re.<FLAG> constants",
    ),
    "debug as an int": (
        "import re\n\ndef f(p, s):\n    return re.compile(p, 128)\n",
        "flags are not re.<FLAG> constants",
    ),
    "template as an int": (
        "import re\n\ndef f(p, s):\n    return re.compile(p, 1)\n",
        "TEMPLATE excluded",
    ),
    "a call among the arguments": (
        "import re\n\ndef f(p, s):\n    return re.search(p, s.strip())\n",
        "the argument s.strip() is not a name, literal or lambda",
    ),
    "an attribute pattern": (
        "import re\n\ndef f(o, s):\n    return re.search(o.p, s)\n",
        "the pattern o.p is not a literal, a parameter or a local",
    ),
    "a module-level name": (
        'import re\n\nP = "a" * 2\n\ndef f(s):\n    return re.search(P, s)\n',
        "P is bound at module or class level",
    ),
    "a global rebinding": (
        "import re\n\ndef f(s):\n    global P\n    P = 'a'\n    return re.search(P, s)\n",
        "P is bound at module or class level",
    ),
    "purge in the file": (
        "import re\n\ndef f(p, s):\n    re.purge()\n    return re.search(p, s)\n",
        "the file calls re.purge",
    ),
    "purge imported": (
        "import re\nfrom re import purge\n\ndef f(p, s):\n    return re.search(p, s)\n",
        "the file calls re.purge",
    ),
    "star args": (
        "import re\n\ndef f(p, a):\n    return re.sub(p, *a)\n",
        "*args/**kwargs",
    ),
    "too many positionals": (
        "import re\n\ndef f(p, s):\n    return re.search(p, s, 0, 1)\n",
        "more positional arguments than re.search takes",
    ),
    "an unknown keyword": (
        "import re\n\ndef f(p, s):\n    return re.search(p, s, pos=1)\n",
        "keyword 'pos' has no counterpart",
    ),
    "the pattern by keyword": (
        "import re\n\ndef f(p, s):\n    return re.search(pattern=p, string=s)\n",
        "the pattern is not the first positional argument",
    ),
    "functools taken": (
        "import re\n\nfunctools = None\n\ndef f(p, s):\n    return re.search(p, s)\n",
        "the name functools is bound to something other than the module",
    ),
    "called before a later import": (
        "import re\n\ndef f(p, s):\n    return re.search(p, s)\n\nf('a', 'a')\nimport functools\n",
        "code before the last import could call a rewritten function before the memo",
    ),
    "a decorator before a later import": (
        "import re\n\n@print\ndef f(p, s):\n    return re.search(p, s)\n\nimport functools\n",
        "code before the last import could call a rewritten function before the memo",
    ),
    "only search imported": (
        "from re import search\n\ndef f(p, s):\n    return search(p, s)\n",
        "no module-level `import re` for the memo to compile with",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_and_say_why(case: str) -> None:
    source, why = REFUSED[case]
    result = HOIST.apply(source, function="f")
    assert result.source == source and not result.changed
    assert why in result.summary


def test_calls_outside_the_selected_function_or_at_module_level_are_left() -> None:
    source = "import re\n\nP = re.compile(input)\n\ndef f(p, s):\n    return re.search(p, s)\n"
    assert not HOIST.apply(source).changed  # no loop, no function named
    assert not HOIST.apply(source, function="g").changed


def test_a_call_before_the_memo_would_be_bound_still_runs() -> None:
    """The memo goes after the last import; a module-level call above it must not meet an
    unbound ``_re_compiled``."""
    for case in ("called before a later import", "a decorator before a later import"):
        source = REFUSED[case][0]
        load(source)
        load(HOIST.apply(source, function="f").source)


def test_literal_sites_are_hoisted_when_the_memo_is_refused() -> None:
    """A literal pattern beside a parameter pattern, with a call before the last import: the
    literal is still hoisted, the parameter's call is left with the memo's reason, and the
    module runs the same (this combination used to raise inside the codemod)."""
    source = """\
import re


def f(items, p):
    return [x for x in items if re.match(r"a+", x) and re.search(p, x)]


FOUND = f(["aa", "b"], "a")
import functools
"""
    result = HOIST.apply(source)
    assert '_RE_F = re.compile(r"a+")' in result.source
    assert "re.search(p, x)" in result.source
    assert "code before the last import could call a rewritten function" in result.summary
    assert load(result.source)["FOUND"] == load(source)["FOUND"] == ["aa"]
