"""join-strings: exact rewrites, same results before and after (also for generated inputs),
refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

JOIN = codemod("join-strings")

SOURCE = """\
def render(rows, sep):
    text = ''  # the report
    for row in rows:
        if row:
            text += str(row) + sep  # one line
        else:
            text += "-"; count = 1
    else:
        done = True
    return text
"""

AFTER = """\
def render(rows, sep):
    text_parts = []  # the report
    for row in rows:
        if row:
            text_parts.append(str(row) + sep)  # one line
        else:
            text_parts.append("-"); count = 1
    else:
        done = True
    text = ''.join(text_parts)
    return text
"""


def test_the_loop_appends_and_joins_once() -> None:
    result = JOIN.apply(SOURCE)
    assert result.source == AFTER
    assert result.sites == 1
    assert result.summary.startswith("built text with list.append + str.join")


def test_same_results_and_same_failures() -> None:
    after = JOIN.apply(SOURCE).source
    same_results(SOURCE, after, "render", ([1, 0, "a", None], "\n"), ([], ","), (None, ","))


def test_a_clashing_name_gets_a_suffix_and_nested_loops_work() -> None:
    source = (
        "def f(grid):\n    out_parts = None\n    out = ''\n    for row in grid:\n"
        "        for cell in row:\n            out += cell\n        out += '|'\n    return out\n"
    )
    result = JOIN.apply(source)
    assert "out_parts_2 = []" in result.source and "out = ''.join(out_parts_2)" in result.source
    same_results(source, result.source, "f", ([["a", "b"], [], ["c"]],), ([],))


def test_while_loops_and_module_level_loops() -> None:
    source = (
        "def f(n):\n    s = ''\n    while n > 0:\n        n -= 1\n        s += str(n)\n"
        "    return s\n"
        "\n\nTABLE = ''\nfor i in range(3):\n    TABLE += chr(65 + i)\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 2
    assert load(result.source)["TABLE"] == "ABC"
    same_results(source, result.source, "f", (0,), (5,), (-1,))


# -- refusals ------------------------------------------------------------------------------
REFUSED = {
    "read in the loop": """\
def f(xs):
    s = ''
    for x in xs:
        s += x
        print(s)
    return s
""",
    "read in the piece": """\
def f(xs):
    s = ''
    for x in xs:
        s += s + x
    return s
""",
    "prepended in the loop": """\
def f(xs):
    s = ''
    for x in xs:
        s = x + s
    return s
""",
    "read in a concatenated piece": """\
def f(xs):
    s = ''
    for x in xs:
        s = s + x + s
    return s
""",
    "joined with a separator": """\
def f(xs):
    s = ''
    for x in xs:
        s = ','.join([s, x])
    return s
""",
    "assigned otherwise in the loop": """\
def f(xs):
    s = ''
    for x in xs:
        s += x
        s = s.strip()
    return s
""",
    "loop else reads it": """\
def f(xs):
    s = ''
    for x in xs:
        s += x
        if x:
            break
    else:
        s += '.'
    return s
""",
    "while test reads it": """\
def f(x):
    s = ''
    while len(s) < 5:
        s += x
    return s
""",
    "closure reads it": """\
def f(xs):
    s = ''
    def peek():
        return s
    for x in xs:
        s += x
    return s
""",
    "global": """\
def f(xs):
    global s
    s = ''
    for x in xs:
        s += x
""",
    "inside try": """\
def f(xs):
    try:
        s = ''
        for x in xs:
            s += x
    except TypeError:
        return s
    return s
""",
    "inside with": """\
import contextlib

def f(xs):
    with contextlib.suppress(TypeError):
        s = ''
        for x in xs:
            s += x
    return s
""",
    "read between the init and the loop": """\
def f(xs):
    s = ''
    n = len(s)
    for x in xs:
        s += x
    return s, n
""",
    "def between the init and the loop": """\
def f(xs):
    s = ''
    def peek():
        return s
    for x in xs:
        s += x
    return s + peek()
""",
    "module-level call between could read the global": """\
S = ''
print('start')
for x in 'ab':
    S += x
""",
    "module global read by a function": """\
S = ''

def peek():
    return S

for x in 'ab':
    S += x
""",
    "class body": "class C:\n    s = ''\n    for x in 'ab':\n        s += x\n",
    "locals()": """\
def f(xs):
    s = ''
    for x in xs:
        s += x
    return locals()['s']
""",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = JOIN.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_with_open_is_not_a_reason_to_refuse(tmp_path) -> None:
    source = (
        "def f(path):\n    with open(path) as handle:\n        s = ''\n"
        "        for line in handle:\n            s += line.upper()\n    return s\n"
    )
    (tmp_path / "in.txt").write_text("a\nb\n")
    result = JOIN.apply(source)
    assert result.sites == 1
    same_results(source, result.source, "f", (str(tmp_path / "in.txt"),))


BETWEEN = """\
def report(rows, title):
    out = ""
    header = title.upper()
    count = 0
    for row in rows:
        count += 1
        out += f"{header}:{row};"
    return out, count
"""

BETWEEN_AFTER = """\
def report(rows, title):
    out_parts = []
    header = title.upper()
    count = 0
    for row in rows:
        count += 1
        out_parts.append(f"{header}:{row};")
    out = "".join(out_parts)
    return out, count
"""


def test_statements_between_the_init_and_the_loop_are_kept_in_place() -> None:
    result = JOIN.apply(BETWEEN, function="report")
    assert result.source == BETWEEN_AFTER
    assert result.sites == 1
    same_results(BETWEEN, result.source, "report", ([1, 2], "t"), ([], "x"), (None, "t"))


def test_a_loop_between_that_does_not_touch_the_string_is_skipped_over() -> None:
    source = (
        "def f(xs):\n    s = ''\n    total = 0\n    for x in xs:\n        total += x\n"
        "    for x in xs:\n        s += str(x)\n    return s, total\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 1
    assert "s_parts.append(str(x))" in result.source
    same_results(source, result.source, "f", ([1, 2, 3],), ([],))


SPELLINGS = """\
class Report:
    def render(self, rows):
        result = ""
        total = 0
        for row in rows:
            piece = str(row)
            result = result + piece + ";"
            total += 1
        return result, total


def to_csv(rows):
    out = ""
    for row in rows:
        line = ",".join(row)
        out = "".join([out, line, "\\r\\n"])
    return out
"""

SPELLINGS_AFTER = """\
class Report:
    def render(self, rows):
        result_parts = []
        total = 0
        for row in rows:
            piece = str(row)
            result_parts.extend((piece, ";"))
            total += 1
        result = "".join(result_parts)
        return result, total


def to_csv(rows):
    out_parts = []
    for row in rows:
        line = ",".join(row)
        out_parts.extend((line, "\\r\\n"))
    out = "".join(out_parts)
    return out
"""


def test_concatenation_and_join_spellings_are_rewritten() -> None:
    result = JOIN.apply(SPELLINGS)
    assert result.source == SPELLINGS_AFTER
    assert result.sites == 2
    before, after = load(SPELLINGS), load(result.source)
    for rows in ([1, "a", None], []):
        assert before["Report"]().render(rows) == after["Report"]().render(rows)
    same_results(SPELLINGS, result.source, "to_csv", ([["a", "b"], [], ["c"]],), ([],), ([[1]],))


def test_one_concatenated_piece_is_appended() -> None:
    source = "def f(xs):\n    s = ''\n    for x in xs:\n        s = s + x.upper()\n    return s\n"
    result = JOIN.apply(source)
    assert "s_parts.append(x.upper())" in result.source
    same_results(source, result.source, "f", (["a", "b"],), ([],), ([1],))


LITERAL_STARTS = """\
def render(rows):
    html = '<table>'
    for row in rows:
        html += '<tr>' + str(row) + '</tr>'
    html += '</table>'
    return html


def frame(chunks):
    buf = b"\\x02"
    for chunk in chunks:
        buf = buf + chunk
    return buf
"""


def test_a_non_empty_or_bytes_start_is_kept_and_joined_in_kind() -> None:
    result = JOIN.apply(LITERAL_STARTS)
    assert result.sites == 2
    assert "html_parts = ['<table>']" in result.source
    assert "html = ''.join(html_parts)" in result.source
    assert 'buf = b"".join(buf_parts)' in result.source
    same_results(LITERAL_STARTS, result.source, "render", ([1, "a"],), ([],), ([None],))
    chunks = [b"ab", bytearray(b"c"), memoryview(b"d")]
    same_results(LITERAL_STARTS, result.source, "frame", (chunks,), ([],), (["str"],), ([1],))


# -- generated programs and inputs ---------------------------------------------------------
PIECES = ["str(x)", "str(x) + ','", "repr(x)", "f'<{x}>'", "str(x) * 2"]
GUARDS = [None, "x", "isinstance(x, int)", "str(x).startswith('a')"]


def _program(piece: str, guard: str | None, elif_piece: str | None) -> str:
    if guard is None:
        body = f"        acc += {piece}\n"
    else:
        body = f"        if {guard}:\n            acc += {piece}\n"
        if elif_piece is not None:
            body += f"        else:\n            acc += {elif_piece}\n"
    return f"def build(items):\n    acc = ''\n    for x in items:\n{body}    return acc\n"


@given(
    piece=st.sampled_from(PIECES),
    guard=st.sampled_from(GUARDS),
    other=st.none() | st.sampled_from(PIECES),
    items=st.lists(st.one_of(st.integers(-50, 50), st.text(max_size=4)), max_size=8),
)
def test_generated_loops_return_the_same_string(
    piece: str, guard: str | None, other: str | None, items: list
) -> None:
    source = _program(piece, guard, other)
    result = JOIN.apply(source)
    assert result.changed
    assert load(source)["build"](list(items)) == load(result.source)["build"](list(items))
