"""append-to-comprehension: exact rewrites, same results before and after (also for generated
loops and inputs), refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

COMP = codemod("append-to-comprehension")

SOURCE = """\
def select(items, flag):
    out = []  # kept
    # what follows
    for x in items:  # each item
        if x % 2 if flag else x:
            out.append(x * 2)
    pairs = []
    for key, value in flag.items() if isinstance(flag, dict) else []: pairs.append(key)
    long_named_result_variable = []
    for some_long_item_name in items:
        long_named_result_variable.append(divmod(some_long_item_name, 3) + (1, 2, 3, 4))
    return out, pairs, long_named_result_variable
"""

AFTER = """\
def select(items, flag):
    # what follows
    # each item
    out = [x * 2 for x in items if (x % 2 if flag else x)]  # kept
    pairs = [key for key, value in (flag.items() if isinstance(flag, dict) else [])]
    long_named_result_variable = [
        divmod(some_long_item_name, 3) + (1, 2, 3, 4)
        for some_long_item_name in items
    ]
    return out, pairs, long_named_result_variable
"""


def test_append_loops_become_comprehensions() -> None:
    result = COMP.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 3
    assert "comprehension" in result.summary and "in select" in result.summary


def test_same_results_and_same_failures() -> None:
    after = COMP.apply(SOURCE).source
    same_results(
        SOURCE,
        after,
        "select",
        ([1, 2, 3, 0], True),
        ([1, 2, 3, 0], {"b": 1, "a": 2}),
        ([], False),
        (None, True),
        (["x"], True),
    )


def test_line_length_is_a_parameter() -> None:
    source = "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out\n"
    result = COMP.apply(source, params={"line_length": 20})
    assert result.source == (
        "def f(xs):\n    out = [\n        x\n        for x in xs\n    ]\n    return out\n"
    )
    same_results(source, result.source, "f", ([1, 2],), ([],))


REFUSED = {
    "loop variable used after": """\
def f(xs):
    out = []
    for x in xs:
        out.append(x)
    return out, x
""",
    "loop variable used before in an outer loop": """\
def f(xss):
    x = 0
    for xs in xss:
        out = []
        for x in xs:
            out.append(x)
    return x
""",
    "other statement": """\
def f(xs):
    out = []
    for x in xs:
        print(x)
        out.append(x)
    return out
""",
    "nested loop": """\
def f(xss):
    out = []
    for xs in xss:
        for x in xs:
            out.append(x)
    return out
""",
    "loop else": """\
def f(xs):
    out = []
    for x in xs:
        out.append(x)
    else:
        pass
    return out
""",
    "if else": """\
def f(xs):
    out = []
    for x in xs:
        if x:
            out.append(x)
        else:
            out.append(0)
    return out
""",
    "reads the list": """\
def f(xs):
    out = []
    for x in xs:
        out.append(len(out))
    return out
""",
    "walrus": """\
def f(xs):
    out = []
    for x in xs:
        out.append((y := x))
    return out
""",
    "yield": """\
def f(xs):
    out = []
    for x in xs:
        out.append((yield x))
    return out
""",
    "class body": """\
class C:
    K = 2
    out = []
    for x in range(3):
        out.append(x * K)
""",
    "inside try": """\
def f(xs):
    out = []
    try:
        out = []
        for x in xs:
            out.append(1 / x)
    except ZeroDivisionError:
        pass
    return out
""",
    "closure reads the list": """\
def f(xs):
    out = []
    size = lambda: len(out)
    for x in xs:
        out.append(x)
    return out
""",
    "attribute target": """\
def f(self, xs):
    out = []
    for self.x in xs:
        out.append(1)
    return out
""",
    "not empty": """\
def f(xs):
    out = [0]
    for x in xs:
        out.append(x)
    return out
""",
    "extend": """\
def f(xs):
    out = []
    for x in xs:
        out.extend(x)
    return out
""",
    "global function reads module list": """\
def size():
    return len(OUT)

OUT = []
for x in range(3):
    OUT.append(size())
""",
    "super": """\
class C(list):
    def f(self, xs):
        out = []
        for x in xs:
            out.append(super().count(x))
        return out
""",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = COMP.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_reusing_the_loop_variable_in_another_loop_is_fine() -> None:
    source = (
        "def f(xs):\n    a = []\n    for x in xs:\n        a.append(x)\n"
        "    b = []\n    for x in xs:\n        b.append(-x)\n    return a, b, [x for x in b]\n"
    )
    result = COMP.apply(source)
    assert result.sites == 2
    same_results(source, result.source, "f", ([1, 2],), ([],))


def test_only_the_named_function_is_rewritten() -> None:
    body = "    out = []\n    for x in xs:\n        out.append(x)\n    return out\n"
    source = f"def a(xs):\n{body}\n\ndef b(xs):\n{body}"
    result = COMP.apply(source, function="a")
    assert result.sites == 1
    assert result.source.endswith(f"def b(xs):\n{body}")


# -- generated programs and inputs ---------------------------------------------------------
ELEMENTS = ["x", "str(x)", "(i, x)", "x * 2", "[x, i]", "x if i % 2 else None"]
GUARDS = [None, "x", "i % 3", "isinstance(x, int)", "str(x) > '1'"]
HEADERS = ["x in items", "i, x in enumerate(items)", "(i, x) in zip(range(3), items)"]


@given(
    element=st.sampled_from(ELEMENTS),
    guard=st.sampled_from(GUARDS),
    header=st.sampled_from(HEADERS),
    items=st.lists(st.one_of(st.integers(-20, 20), st.text(max_size=3)), max_size=8),
)
def test_generated_loops_return_the_same_list(
    element: str, guard: str | None, header: str, items: list
) -> None:
    if "i" in element + (guard or "") and "i," not in header and "(i" not in header:
        header = "i, x in enumerate(items)"
    body = f"out.append({element})"
    if guard is not None:
        body = f"if {guard}:\n            {body}"
    source = f"def build(items):\n    out = []\n    for {header}:\n        {body}\n    return out\n"
    result = COMP.apply(source)
    assert result.changed, result.summary
    assert load(source)["build"](list(items)) == load(result.source)["build"](list(items))


def test_a_refusal_names_each_append_and_why_it_is_not_the_pattern() -> None:
    source = """\
def f(items, extra):
    out = []
    for x in items:
        y = x * 2
        out.append(y)
    rows = list(extra)
    for x in items:
        rows.append(x)
    acc = []
    while len(acc) < 3:
        acc.append(len(acc))
    return out, rows, acc
"""
    result = COMP.apply(source, function="f")
    assert not result.changed and result.source == source
    assert result.summary == (
        "append-to-comprehension: nothing to rewrite (no `out = []` followed by a loop of only "
        "`out.append(...)`: out.append: its for loop does more than out.append(...) (under at "
        "most one if); rows.append: rows is not set to [] by the statement right before its "
        "for loop; acc.append: in a while loop (a comprehension needs a for loop))"
    )
