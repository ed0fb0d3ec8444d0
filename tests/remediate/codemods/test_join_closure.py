"""join-strings on a str local that functions nested in its function grow through ``nonlocal``
(``out += piece`` in them): one list of parts, appended to by the nested functions and by the
function's own appends before the first read, joined right before that read. Each sample's
``scenario`` (several trees, pieces that log their evaluation order, exceptions caught by the
caller) gives the same outcome before and after; each refusal says why."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load_registered as load

JOIN = codemod("join-strings")
STAGE = "nested functions grow through `nonlocal`"

NODES = """\
class Node:
    def __init__(self, id, children=(), bad=False):
        self.id, self.children, self.bad = id, children, bad


def forest(kind):
    leaf = Node("leaf", bad=kind == "bad")
    deep = Node("r1", (Node("a", (leaf, Node("b"))), Node("c", (Node("d", (Node("e"),)),))))
    return {"none": [], "one": [Node("solo")], "bad": [deep], "many": [deep, Node("r2")]}.get(
        kind, [deep]
    )


def label(n, log):
    log.append(n.id)
    if n.bad:
        raise ValueError("bad node " + n.id)
    return n.id
"""


def _rewritten(source: str, **params: Any) -> str:
    result = JOIN.apply(source, params=params or None)
    assert result.changed, result.summary
    assert STAGE in result.summary, result.summary
    return result.source


def _same(source: str, *cases: Any, **params: Any) -> str:
    new = _rewritten(source, **params)
    old_run, new_run = load(source)["scenario"], load(new)["scenario"]
    for case in cases:
        assert new_run(case) == old_run(case), case
    return new


KINDS = ("none", "one", "deep", "many", "bad")

GRAPH = (
    NODES
    + """

def render(tree, log):
    out = "digraph {\\n"
    def node(n):
        nonlocal out
        out += f"  {label(n, log)};\\n"
    def visit(n):
        nonlocal out
        node(n)
        for c in n.children:
            out += f"  {n.id} -> {c.id};\\n"
            visit(c)
    for root in tree:
        visit(root)
    out += "}\\n"
    return out


def scenario(kind):
    log = []
    try:
        return "value", render(forest(kind), log), log
    except ValueError as exc:  # escaped render: no string, the pieces logged so far
        return "caught", str(exc), log
"""
)


def test_the_graph_example_is_one_list_joined_before_the_return() -> None:
    new = _same(GRAPH, *KINDS)
    assert 'out_parts = ["digraph {\\n"]' in new
    assert "nonlocal" not in new
    assert 'out_parts.append(f"  {label(n, log)};\\n")' in new
    assert new.index('out = "".join(out_parts)') < new.index("return out")


DEEPER = (
    NODES
    + """

def outline(tree, log, title):
    out = f"# {title}\\n"
    count = 0
    out += "start\\n"
    for n in tree[:1]:
        out += "first " + n.id + "\\n"
    def walk(n, depth):
        def emit(text):
            nonlocal out, count
            count += 1
            out += "  " * depth + text + "\\n"
        emit(label(n, log))
        for c in n.children:
            walk(c, depth + 1)
    for root in tree:
        walk(root, 0)
    out += f"{count} nodes\\n"
    # the finished text
    text = out.upper() if count > 3 else out
    out += "after the read"
    return text, out, count


def scenario(kind):
    log = []
    try:
        return "value", outline(forest(kind), log, kind), log
    except ValueError as exc:
        return "caught", str(exc), log
"""
)


def test_deeper_nesting_appends_before_and_after_the_calls() -> None:
    new = _same(DEEPER, *KINDS)
    assert 'out_parts = [f"# {title}\\n"]' in new
    assert "nonlocal count\n" in new  # the other name stays
    assert 'out_parts.append(f"{count} nodes\\n")' in new
    assert '    # the finished text\n    out = "".join(out_parts)\n    text = ' in new
    assert 'out += "after the read"' in new  # after the read: a str again
    summary = JOIN.apply(DEEPER).summary
    assert "declared global/nonlocal" not in summary, summary  # the loop stage's, now moot


EMPTY = """\
def lines(items):
    out = ""
    def add(x):
        nonlocal out
        out += str(x) + "\\n"
    for x in items:
        add(x)
    if out:
        return out
    return None


def scenario(items):
    try:
        return "value", lines(items)
    except TypeError as exc:
        return "caught", type(exc).__name__
"""


def test_an_empty_init_starts_an_empty_list_and_a_compound_read_follows_the_join() -> None:
    new = _same(EMPTY, [], [1, 2, 3], ["a"], None)
    assert "out_parts = []" in new
    assert 'out = "".join(out_parts)\n    if out:' in new


def test_the_list_name_avoids_names_and_string_words() -> None:
    taken = 'TAG = "out_parts"\nout_parts_2 = None\n\n\ndef scenario(items):'
    new = _same(EMPTY.replace("def scenario(items):", taken), [1], [])
    assert "out_parts_3 = []" in new


def test_sampled_lines_pick_an_accumulator_with_an_append_on_one() -> None:
    appended = EMPTY.splitlines().index('        out += str(x) + "\\n"') + 1
    _same(EMPTY, [1, 2], sampled_lines=[appended])
    other = EMPTY.splitlines().index("    for x in items:") + 1
    result = JOIN.apply(EMPTY, params={"sampled_lines": [other]})
    assert not result.changed, result.summary


def test_the_nested_function_a_profile_names_selects_its_accumulator() -> None:
    """py-spy samples the append in ``lines.<locals>.add``: the engine selects that def, and
    the accumulator it grows belongs to ``lines``; a sibling function selects nothing."""
    appended = EMPTY.splitlines().index('        out += str(x) + "\\n"') + 1
    for function in ("lines.<locals>.add", "lines.add"):
        result = JOIN.apply(EMPTY, function=function, params={"sampled_lines": [appended]})
        assert result.changed and STAGE in result.summary, (function, result.summary)
        assert load(result.source)["scenario"]([1, 2]) == load(EMPTY)["scenario"]([1, 2])
    assert not JOIN.apply(EMPTY, function="scenario").changed


def _refused(source: str, why: str) -> None:
    result = JOIN.apply(source)
    assert STAGE not in result.summary, result.summary
    assert not result.changed or "nonlocal out" in result.source
    assert why in result.summary, result.summary


def _closure(inner: str = "", outer: str = "", after: str = "", init: str = '""') -> str:
    """A function ``f`` whose nested ``add`` grows ``out``; extra lines go in ``add``, in
    ``f`` before the calls and after the read."""
    indent = "\n        "
    return (
        f"def f(items):\n    out = {init}\n    def add(x):\n        nonlocal out"
        f"{indent + inner if inner else ''}\n        out += x\n"
        f"{outer}    for x in items:\n        add(x)\n    text = out\n{after}    return text\n"
    )


@pytest.mark.parametrize(
    ("source", "why"),
    [
        (_closure(inner="print(out)"), "add uses out other than by `nonlocal out`"),
        (_closure(inner="out = out + x"), "add uses out other than"),
        (_closure(inner='out = ""'), "add uses out other than"),
        (_closure(outer="    del out\n"), "out is bound again"),
        (_closure(outer="    for out in items: pass\n"), "out is bound again"),
        (_closure(outer="    if (out := 'x'): pass\n"), "out is bound again"),
        (_closure(outer="    out = 'x'\n"), "out is bound again"),
        (_closure(outer="    g = lambda: out\n"), "out is used in a lambda or class"),
        (_closure(outer="    import out\n"), "out in an import or match statement"),
        (_closure(outer="    print(locals())\n"), "locals()/vars()/eval()/exec()"),
        (_closure(inner="yield x"), "a nested function is a generator or async"),
        (_closure(after="    yield text\n"), "a generator or async function"),
        (_closure(outer="    with open('f') as fh: pass\n"), "try/with in the function"),
        (_closure(inner="try:\n            pass\n        except E:\n            pass"), "try/with"),
        (_closure(after="    add('late')\n"), "add is called outside the statements"),
        (_closure(after="    return add\n"), "add is used other than by a direct call"),
        (_closure(outer="    list(map(add, items))\n"), "add is used other than by a direct"),
        (_closure(outer="    cb = lambda: add('x')\n"), "add is called in a lambda"),
        (_closure(outer="    g = (add(x) for x in items)\n"), "generator expression"),
        (_closure(outer="    def add(x): pass\n"), "two nested functions share a name"),
        (
            _closure(after="    def late(y=add('x')):\n        pass\n"),
            "add is called outside the statements",
        ),
        (_closure(outer="    out += add('x') or ''\n"), "a piece calls a nested function"),
        (_closure(outer="    out += 1\n"), "a piece is a number"),
        (_closure().replace("    text = out\n", "    text = ''\n"), "never read"),
        (_closure().replace('    out = ""\n', "    print(out)\n    out = ''\n"), "before its"),
        (_closure().replace("def f(items):", "def f(items, out=''):"), "out is a parameter"),
        (
            _closure().replace("    def add(x):", "    @staticmethod\n    def add(x):"),
            "a nested function is decorated",
        ),
        (
            _closure().replace("    def add(x):", "    class K:\n      def add(x):"),
            "used in a lambda or class",
        ),
        (
            _closure(outer="    def other(x):\n        out += x\n"),
            "other uses out other than",
        ),
        (
            _closure(outer="    def other(x):\n        global out\n        out = x\n"),
            "other uses out other than",
        ),
    ],
)
def test_refusals_name_the_reason(source: str, why: str) -> None:
    _refused(source, why)


def test_the_refusal_helper_sample_itself_is_rewritten() -> None:
    new = _rewritten(_closure())
    assert load(new)["f"](["a", "b"]) == load(_closure())["f"](["a", "b"]) == "ab"


def test_async_function_refused() -> None:
    _refused(_closure().replace("def f(", "async def f("), "a generator or async function")


TWO = """\
class Report:
    def build(self, rows, log):
        head = ""
        body = "rows:"
        def row(r):
            nonlocal head, body; log.append(r)
            body += f" {r}"
            if r > 2:
                head += "big "
        def mark():
            nonlocal head
        for r in rows:
            row(r)
        mark()
        return head, body


def scenario(rows):
    log = []
    return Report().build(rows, log), log
"""


def test_two_accumulators_of_a_method_and_the_emptied_nonlocals() -> None:
    new = _same(TWO, [], [1, 2, 3, 4], [5])
    assert "head_parts = []" in new and 'body_parts = ["rows:"]' in new
    assert "nonlocal" not in new
    assert "            log.append(r)\n" in new
    assert "def mark():\n            pass\n" in new


def test_a_function_named_by_the_caller_is_the_only_one_rewritten() -> None:
    source = EMPTY + EMPTY.replace("def lines(", "def other(").replace("lines(items)", "x")
    result = JOIN.apply(source, function="lines")
    assert result.changed and result.source.count("out_parts = []") == 1, result.source


NESTED_SITES = """\
def f(items):
    out = ""
    def g(x):
        nonlocal out
        res = "["
        def h(y):
            nonlocal res
            res += y
        h(x)
        res += "]"
        out += res
    for x in items:
        g(x)
    total = "<"
    total += out
    out += out
    return total, out


def scenario(items):
    return f(items)
"""


def test_a_nested_function_with_an_accumulator_of_its_own_and_reads_by_appends() -> None:
    new = _same(NESTED_SITES, [], ["a"], ["a", "bc"])
    assert 'res_parts = ["["]' in new and "out_parts = []" in new
    assert '    out = "".join(out_parts)\n    total += out\n    out += out\n' in new
    assert '        res = "".join(res_parts)\n        out_parts.append(res)\n' in new


@pytest.mark.parametrize(
    "seen",
    [
        "builtins.locals()",
        "builtins.vars()",
        "getattr(builtins, 'locals')()",
        "__builtins__['locals']() if isinstance(__builtins__, dict) else __builtins__.locals()",
    ],
)
def test_locals_reached_through_builtins_refused(seen: str) -> None:
    # `builtins.locals()` lists F's locals as `locals()` does: before the join the rewrite
    # has no `out` there (it would show `out_parts` instead)
    source = "import builtins\n\n\n" + _closure(outer=f"    seen = {seen}\n").replace(
        "return text", "return text, seen.get('out')"
    )
    assert load(source)["f"](["a", "b"]) == ("ab", "")
    _refused(source, "locals()/vars()/eval()/exec() or frame access")
