"""join-strings on the str values of a local dict grown with ``d[k] += piece`` in a loop: the
pieces go to a dict of lists, each key's parts joined and added once in a ``finally``. The
function returns the same dict (values and key order) before and after, and leaves it in the
same state when a piece raises (read from the traceback's frame); everything the rewrite rests
on that the function does not show is refused, with the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load

JOIN = codemod("join-strings")

SOURCE = """\
from collections import defaultdict


def lanes_of(tasks, stop=None):
    lanes = defaultdict(str)
    lanes["head"] += "H\\n"
    for owner, text in tasks:
        if owner == stop:
            break
        lanes[owner] += text() + "\\n"
    return lanes
"""

AFTER = """\
from collections import defaultdict


def lanes_of(tasks, stop=None):
    lanes = defaultdict(str)
    lanes["head"] += "H\\n"
    lanes_parts = {}
    try:
        for owner, text in tasks:
            if owner == stop:
                break
            lanes_parts.setdefault(owner, []).append(text() + "\\n")
    finally:
        for lanes_key, lanes_list in lanes_parts.items():
            lanes[lanes_key] += "".join(lanes_list)
    return lanes
"""


def test_the_rewrite() -> None:
    result = JOIN.apply(SOURCE, function="lanes_of")
    assert result.source == AFTER
    assert result.sites == 1
    assert result.summary == (
        "kept the str values of the local dict lanes (lanes_of) as lists of parts, joined once "
        "per key after the loop, instead of `d[k] += ...` (1 loop)"
    )
    assert JOIN.apply(SOURCE).source == AFTER  # no profile: every loop


def _outcome(func: Callable[..., Any], name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """What ``func(*args)`` returns (dicts as their items, in order), or the exception it
    raises with the dict ``name`` as its frame held it then."""

    def shown(value: Any) -> Any:
        if isinstance(value, dict):
            return type(value).__name__, list(value.items())
        if isinstance(value, tuple):
            return tuple(shown(v) for v in value)
        return value

    try:
        return "value", shown(func(*args))
    except Exception as exc:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_name != func.__name__:
            tb = tb.tb_next
        assert tb is not None
        return "raised", type(exc).__name__, shown(tb.tb_frame.f_locals.get(name))


def _same(source: str, function: str, name: str, calls: list[tuple[Any, ...]]) -> str:
    result = JOIN.apply(source, function=function)
    assert result.changed, result.summary
    old, new = load(source)[function], load(result.source)[function]
    for args in calls:
        assert _outcome(new, name, args) == _outcome(old, name, args), args
    return result.source


def _piece(text: str) -> Callable[[], str]:
    return lambda: text


def _boom() -> str:
    raise ValueError("piece")


def test_same_dict_on_break_and_a_raising_piece() -> None:
    calls = [
        ([],),
        ([("b", _piece("1")), ("a", _piece("2")), ("b", _piece("3"))],),
        ([("b", _piece("1")), ("a", _piece("2")), ("c", _piece("3"))], "a"),
        ([("b", _piece("1")), ("a", _boom), ("c", _piece("3"))],),  # a is in, with ""
        ([("head", _piece("x")), ("z", _boom)],),
        ([(["unhashable"], _piece("x"))],),
    ]
    _same(SOURCE, "lanes_of", "lanes", calls)


NESTED = """\
import collections

LINE = "-" * 3


def booklet(sections, stop=None):
    docs: dict[str, str] = {"paper": "", "key": LINE + "\\n", "x": f"{LINE}!"}
    docs["paper"] += "Title\\n"
    notes = collections.defaultdict(str)
    number = 0
    for index, (title, questions) in enumerate(sections, start=1):
        if not questions:
            continue
        docs["paper"] += f"Section {index}: {title}\\n"
        for q in questions:
            number += 1
            if q == stop:
                return "stopped"
            docs["paper"] += f"{number}. {q}\\n"
            for letter in "AB":
                docs["paper"] += f"  ({letter}) {q.lower()}\\n"
                notes[q, letter] += letter
            else:
                notes[q,] += "."
            docs["key"] += f"{number}. A\\n"
        notes[title] += str(len(questions))
    else:
        docs["x"] += "done"
    docs["paper"] += "End.\\n"
    return docs["paper"], docs["key"], docs, notes
"""


def test_nested_loops_several_dicts_continue_return_and_else() -> None:
    source = _same(
        NESTED,
        "booklet",
        "docs",
        [
            ([],),
            ([("S", ["Q1", "Q2"]), ("Empty", []), ("T", ["Q3"])],),
            ([("S", ["Q1", "Q2"]), ("T", ["Q3"])], "Q2"),
            ([("S", ["Q1", 7])],),  # 7.lower() raises mid-loop
        ],
    )
    assert source.count("try:") == 1 and "docs_parts = {}\n    notes_parts = {}" in source
    assert 'docs["paper"] += "Title\\n"' in source  # before the loop: left as it was
    assert "notes_parts.setdefault((q, letter), []).append(letter)" in source
    assert "notes_parts.setdefault((q,), []).append" in source
    calls = [([("S", ["Q1", 7])],), ([("S", ["Q1"]), (None, ["Q2"])],)]
    for args in calls:  # the defaultdict's state when a piece raises
        assert _outcome(load(source)["booklet"], "notes", args) == _outcome(
            load(NESTED)["booklet"], "notes", args
        )


WHILE = """\
from collections import defaultdict as dd


def pages(words, width):
    out = []
    for w in words:
        if w == "!":
            continue
        page = dd(str)
        i = 0
        while i < len(w):
            page[i % width] += w[i]
            i += 1
        out.append(page)
    return out
"""


def test_a_dict_bound_in_an_outer_loop_gets_fresh_parts_each_time() -> None:
    source = _same(WHILE, "pages", "page", [([], 2), (["abcde", "!", "xy"], 2), (["ab"], 0)])
    assert "    for w in words:\n" in source and "page_parts = {}\n        try:\n" in source


def test_only_the_loop_holding_a_sampled_line_and_lines_moved_by_an_earlier_stage() -> None:
    source = (
        "from collections import defaultdict\n\n\n"
        "def f(xs):\n"
        '    s = ""\n'
        "    for x in xs:\n"
        "        s += x\n"
        "    d = defaultdict(str)\n"
        "    for x in xs:\n"  # line 9
        "        d[x] += s\n"  # line 10
        "    for x in xs:\n"  # line 11
        "        d[x[:1]] += x\n"  # line 12
        "    return d\n"
    )
    result = JOIN.apply(source, function="f", params={"sampled_lines": [12]})
    assert "d_parts.setdefault(x[:1], []).append(x)" in result.source
    assert "        d[x] += s\n" in result.source  # line 10 was not sampled
    assert "s_parts.append(x)" in result.source  # the first stage ignores the lines
    result = JOIN.apply(source, function="f", params={"sampled_lines": [10]})
    assert "d_parts.setdefault(x, []).append(s)" in result.source
    assert "        d[x[:1]] += x\n" in result.source
    calls = [([],), (["ab", "c", "ab"],)]
    old, new = load(source)["f"], load(result.source)["f"]
    for args in calls:
        assert _outcome(new, "d", args) == _outcome(old, "d", args)
    assert "d_parts" not in JOIN.apply(source, params={"sampled_lines": [5, 13]}).source
    with pytest.raises(ValueError, match="sampled_lines"):
        JOIN.apply(source, params={"sampled_lines": ["10"]})


def test_a_profile_blaming_another_function_changes_nothing() -> None:
    source = SOURCE + "\n\ndef other():\n    return 1\n"
    assert not JOIN.apply(source, function="other").changed


def test_an_attribute_or_keyword_named_like_the_dict_is_no_use_of_it() -> None:
    source = (
        "from collections import defaultdict\n\n\n"
        "def f(xs, o):\n"
        "    d = defaultdict(str)\n"
        "    for x in xs:\n"
        "        d[x] += o.d + str(dict(d=x))\n"
        "    return d\n"
    )
    _same(source, "f", "d", [([], None), (["a", "b", "a"], type("O", (), {"d": "!"}))])


def test_names_clash_and_counters_are_passed_by() -> None:
    source = (
        "from collections import defaultdict\n\n\n"
        "def f(xs, lanes_parts=1):\n"
        "    counts = defaultdict(int)\n"
        "    lanes = defaultdict(str)\n"
        "    for x in xs:\n"
        "        counts[x] += 1\n"
        "        lanes[x] += x * lanes_parts\n"
        "    return counts, lanes\n"
    )
    result = _same(source, "f", "lanes", [([],), (["a", "b", "a"],)])
    assert "lanes_parts_2 = {}" in result and "counts[x] += 1" in result
    assert "left:" not in JOIN.apply(source).summary


HEAD = "import sys\nfrom collections import defaultdict\n\n\n"
BODY = (
    "def f(xs{params}):\n"
    "    d = {start}\n"
    "{between}"
    "    for x in xs:\n"
    "{before}"
    "        d[{key}] += {piece}\n"
    "{after}"
    "    return d\n"
)

REFUSALS = {
    "param": ({"params": ", d=None", "start": "d"}, "d is a parameter"),
    "star param": ({"params": ", **d", "start": "d"}, "d is a parameter"),
    "lambda param": ({"between": "    g = lambda d: 1\n"}, "bound more than once"),
    "global": ({"start": "None\n    def g():\n        nonlocal d\n"}, "global/nonlocal"),
    "twice": ({"between": "    d = defaultdict(str)\n"}, "bound more than once"),
    "deleted": ({"after": "    del d\n"}, "bound more than once (or deleted)"),
    "loop target": ({"after": "        for d in []: pass\n"}, "bound more than once"),
    "unpacked": ({"start": "e = defaultdict(str), 1"}, "bound by a statement"),
    "not dominated": (
        {"start": "None\n    if xs:\n        del d\n        d = defaultdict(str)"},
        "bound more than once",
    ),
    "in a branch": (
        {"start": "1\n    del d", "between": "    if xs:\n        d = defaultdict(str)\n"},
        "bound more than once",
    ),
    "nested def": ({"after": "        def g():\n            return d\n"}, "nested function"),
    "lambda": ({"between": "    g = lambda: d\n"}, "nested function, lambda"),
    "locals": ({"after": "    locals()\n"}, "locals()"),
    "frame": ({"after": "    sys._getframe()\n"}, "reaches frames"),
    "generator": ({"after": "    yield 1\n"}, "generator"),
    "read between": ({"between": "    n = len(d)\n"}, "between its binding and the loop"),
    "alias": ({"between": "    e = d\n"}, "between its binding and the loop"),
    "read in loop": ({"before": "        if x in d: pass\n"}, "used in the loop other"),
    "concatenation": ({"after": "        d[x] = d[x] + x\n"}, "used in the loop other"),
    "del item": ({"after": "        del d[x]\n"}, "used in the loop other"),
    "iterable": ({"between": "    xs = d or xs\n"}, "between its binding"),
    "piece reads": ({"piece": "d[x]"}, "used in the loop other"),
    "slice": ({"key": "1:2"}, "not a plain key"),
    "finally reads": (
        {"between": "    try:\n        pass\n    finally:\n        d\n"},
        "between its binding",
    ),
    "try in loop": (
        {
            "before": "        try:\n            d[x] += x\n        except TypeError:\n"
            "            pass\n"
        },
        "an append sits in try/with in the loop",
    ),
    "plain key": ({"start": '{"a": ""}'}, "not a str literal of the dict display"),
    "missing key": ({"start": '{"a": ""}', "key": '"b"'}, "not a str literal of the dict"),
    "tuple key": ({"start": '{"a": ""}', "key": '"a",'}, "not a str literal of the dict"),
    "empty": ({"start": "{}", "key": '"a"'}, "not a str literal of the dict display"),
    "dict()": ({"start": "dict()", "key": '"a"'}, "not a str literal of the dict display"),
    "value": ({"start": '{"a": str(1)}', "key": '"a"'}, "`str(1)` is not provably a str"),
    "key": ({"start": '{1: ""}', "key": "1"}, "the key `1` is not a str literal"),
    "spread": ({"start": '{**{"a": ""}}', "key": '"a"'}, "unpacks another mapping"),
    "call": ({"start": "make()"}, "is not defaultdict(str)"),
    "factory": ({"start": "defaultdict(lambda: '')"}, "is not defaultdict(str)"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals(case: str) -> None:
    fields = {"params": "", "start": "defaultdict(str)", "between": "", "before": "",
              "key": "x", "piece": 'f"<{x}>"', "after": ""}  # fmt: skip
    changes, why = REFUSALS[case]
    source = HEAD + BODY.format(**{**fields, **changes})
    compile(source, "<refusal>", "exec")
    result = JOIN.apply(source)
    assert not result.changed, result.source
    assert why in result.summary and "`d[...] += ...` in f: " in result.summary


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (
            "from collections import defaultdict\nstr = repr\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    for x in xs:\n        d[x] += f'{x}!'\n",
            "str is bound in the module",
        ),
        (
            "def defaultdict(f):\n    return {}\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    for x in xs:\n        d[x] += f'{x}!'\n",
            "is not defaultdict(str)",
        ),
        (
            "from collections import *\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    for x in xs:\n        d[x] += f'{x}!'\n",
            "is not defaultdict(str)",
        ),
        (
            "def dict():\n    return {}\n\n"
            "def f(xs):\n    d = dict()\n    for x in xs:\n        d['a'] += f'{x}!'\n",
            "dict is bound in the module",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    global d\n    d = defaultdict(str)\n    for x in xs:\n"
            "        d[x] += f'{x}!'\n",
            "d is declared global/nonlocal",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    for x in d or xs:\n"
            "        d[x] += f'{x}!'\n",
            "used in the loop other",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    while len(d) < 3:\n"
            "        d[len(xs)] += f'{xs}!'\n    return d\n",
            "used in the loop other",
        ),
        (
            "from collections import defaultdict\n\n"
            "async def f(xs):\n    d = defaultdict(str)\n    for x in xs:\n"
            "        d[x] += f'{x}!'\n",
            "async",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    d = defaultdict(str)\n    try:\n        for x in xs:\n"
            "            d[x] += f'{x}!'\n    except TypeError:\n        pass\n    return d\n",
            "the loop sits in try/with",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    with lock:\n        d = defaultdict(str)\n        for x in xs:\n"
            "            d[x] += f'{x}!'\n    return d\n",
            "the loop sits in try/with",
        ),
        (
            "from collections import defaultdict\n\n"
            "def f(xs):\n    for x in xs:\n        d[x] += f'{x}!'\n    d = defaultdict(str)\n",
            "sits where the binding may not have run",
        ),
    ],
)
def test_module_and_scope_refusals(source: str, why: str) -> None:
    result = JOIN.apply(source)
    assert not result.changed, result.source
    assert why in result.summary
