"""join-strings over a run: appends before, between and after the loops, several loops, one
join after the last append. Same results before and after (failing inputs included), the
places where the run stops, refusals, and every earlier fixture rewritten as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

JOIN = codemod("join-strings")
BEFORE_RUNS = Path(__file__).parents[2] / "data" / "codemods" / "join_strings_before_runs.json"

DOCUMENT = """\
def render(title, rows):
    doc = "# Report\\n"  # the document
    doc += "## " + title + "\\n"
    doc = doc + "| name | qty |\\n" + "|---|---|\\n"
    width = len(title)
    for row in rows:
        doc += "| " + row["name"].ljust(width)
        doc = "".join([doc, " | ", str(row["qty"])])
        doc += " |\\n"
    doc += f"\\n{len(rows)} rows\\n"
    lines = doc.count("\\n")
    return doc, lines
"""

DOCUMENT_AFTER = """\
def render(title, rows):
    doc_parts = ["# Report\\n"]  # the document
    doc_parts.append("## " + title + "\\n")
    doc_parts.extend(("| name | qty |\\n", "|---|---|\\n"))
    width = len(title)
    for row in rows:
        doc_parts.append("| " + row["name"].ljust(width))
        doc_parts.extend((" | ", str(row["qty"])))
        doc_parts.append(" |\\n")
    doc_parts.append(f"\\n{len(rows)} rows\\n")
    doc = "".join(doc_parts)
    lines = doc.count("\\n")
    return doc, lines
"""

ROWS = [{"name": "ab", "qty": 1}, {"name": "c", "qty": 20}]


def test_header_rows_and_footer_are_one_site_joined_after_the_footer() -> None:
    result = JOIN.apply(DOCUMENT)
    assert result.source == DOCUMENT_AFTER
    assert result.sites == 1
    assert result.summary.startswith("built doc with list.append + str.join")
    failing = [{"name": "a", "qty": 1}, {"qty": 2}, {"name": "b", "qty": 3}]  # KeyError mid-loop
    calls = (("T", ROWS), ("T", []), ("T", failing), ("T", [{"name": 5, "qty": 1}]), (None, ROWS))
    same_results(DOCUMENT, result.source, "render", *calls)


TWO_LOOPS = """\
def ini(sections, defaults):
    text = ""
    text += "[DEFAULT]\\n"
    for key, value in defaults.items():
        text += f"{key} = {value}\\n"
    count = len(defaults)
    for name, entries in sections.items():
        text += "\\n[" + name + "]\\n"
        for key in entries:
            text = text + key + " = " + str(entries[key]) + "\\n"
            count += 1
    text += "; end\\n"
    return text, count
"""


def test_consecutive_loops_with_statements_between_are_one_site() -> None:
    result = JOIN.apply(TWO_LOOPS)
    assert result.sites == 1
    assert result.summary.endswith("(2 loops)")
    after = result.source
    assert "text +=" not in after and "text = text" not in after
    assert after.count('text = "".join(text_parts)') == 1
    assert after.index('text_parts.append("; end\\n")') < after.index('text = "".join')
    sections = {"a": {"x": 1, "y": [2]}, "b": {}}
    calls = ((sections, {"k": "v"}), ({}, {}), ({"a": None}, {}), ({"a": {1: 2}}, {"k": 0}))
    same_results(TWO_LOOPS, after, "ini", *calls)


def test_an_f_string_or_bytes_start_and_a_module_level_run() -> None:
    source = (
        "def banner(name, items):\n    s = f'<{name}>'\n    s += '['\n    for i in items:\n"
        "        s += str(i)\n        s += ','\n    s += ']'\n    return s\n\n\n"
        "def frame(chunks):\n    buf = b''\n    buf += b'\\x02'\n    for c in chunks:\n"
        "        buf += c\n    buf += b'\\x03'\n    return buf\n\n\n"
        "OUT = ''\nOUT += '<'\nfor i in range(3):\n    OUT += chr(65 + i)\nOUT += '>'\nDONE = 1\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 3
    assert "s_parts = [f'<{name}>']" in result.source and "s = ''.join(s_parts)" in result.source
    assert "buf = b''.join(buf_parts)" in result.source
    assert load(result.source)["OUT"] == "<ABC>"
    same_results(source, result.source, "banner", ("n", [1, 2]), ("n", []), (object(), [3]))
    chunks = [b"a", bytearray(b"b"), memoryview(b"c")]
    same_results(source, result.source, "frame", (chunks,), ([],), ([b"a", "x", b"b"],))


def test_the_join_goes_after_the_last_append_so_later_statements_are_untouched() -> None:
    source = (
        "def f(xs, log):\n    s = 'x'\n    for v in xs:\n        s += v\n    log.append(1)\n"
        "    s += '!'\n    log.append(2)\n    return s\n"
    )
    result = JOIN.apply(source)
    lines = result.source.splitlines()
    assert lines[-3:] == ["    s = ''.join(s_parts)", "    log.append(2)", "    return s"]
    same_results(source, result.source, "f", (["a", "b"], []), ([], []), ([1], []))


def test_two_strings_built_in_one_loop_are_both_joined() -> None:
    source = (
        "def f(xs):\n    s = ''\n    t = '>'\n    for x in xs:\n        s += x\n"
        "        t += x * 2\n    return s, t\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 2
    assert "s = ''.join(s_parts)" in result.source and "t = ''.join(t_parts)" in result.source
    same_results(source, result.source, "f", (["a", "b"],), ([],), ([1],))


# -- where the run stops: the join goes before the statement, the rest stays a string ---------
STOPS = {
    "a read between two loops": "        n = len(s)\n",
    "s passed to a call between two loops": "        log(s)\n",
    "a top-level append reading s": "        s += s[:1]\n",
    "a loop reading s": "        for x in xs:\n            s += x\n            log(s)\n",
    "a continue of the outer loop": "        if not xs:\n            continue\n",
}
STOP_AROUND = """\
def f(groups):
    seen = []
    log = seen.append
    s = '?'
    for xs in groups:
        s = '<'
        for x in xs:
            s += x
{stop}        for x in xs:
            s += x.upper()
        log(s)
    return s, seen
"""


@pytest.mark.parametrize("case", sorted(STOPS))
def test_the_run_stops_at_another_use_and_the_later_loop_stays(case: str) -> None:
    source = STOP_AROUND.format(stop=STOPS[case])
    result = JOIN.apply(source)
    assert result.sites == 1
    assert "s_parts.append(x)" in result.source and "s += x.upper()" in result.source
    groups = ([["a", "b"], [], ["c"]], [], [["a"], [1]], [[]])
    same_results(source, result.source, "f", *[(g,) for g in groups])


def test_a_module_level_call_between_two_loops_stops_the_run() -> None:
    source = (
        "S = ''\nfor i in range(2):\n    S += str(i)\nprint('x')\nfor i in range(2):\n"
        "    S += '-'\nS += '.'\n"
    )
    result = JOIN.apply(source)
    assert result.sites == 1 and "S += '-'" in result.source
    assert result.source.index("S = ''.join(S_parts)") < result.source.index("print('x')")
    assert load(result.source)["S"] == load(source)["S"] == "01--."


# -- refusals: the text stays byte-identical -------------------------------------------------
REFUSED = {
    "nested function reads it": """\
def f(rows):
    s = '# t\\n'
    s += '|a|\\n'
    for r in rows:
        s += r
    s += 'end'
    show = lambda: s
    return show()
""",
    "top-level append in try/except": """\
def f(rows):
    try:
        s = '# t\\n'
        s += str(rows[0])
        for r in rows:
            s += r
    except TypeError:
        return s
    return s
""",
    "append in try/except inside the loop": """\
def f(items):
    s = ''
    for x in items:
        try:
            s += x
        except TypeError:
            s += str(x)
    return s
""",
    "continue of the outer loop before the first loop": """\
def f(groups):
    s = '?'
    for xs in groups:
        s = '<'
        if not xs:
            continue
        for x in xs:
            s += x
    return s
""",
    "module-level call between a header and the loop": """\
S = '# t'
S += '\\n'
print('start')
for x in 'ab':
    S += x
""",
    "only top-level appends, no loop": """\
def f(a, b):
    s = '# '
    s += a
    s += b
    return s
""",
    "global": """\
def f(rows):
    global s
    s = ''
    s += 'h'
    for r in rows:
        s += r
""",
    "f-string in a class body": "class C:\n    s = f'{1}'\n    for x in 'ab':\n        s += x\n",
    "non-literal start": """\
def f(a, xs):
    s = a
    s += '#'
    for x in xs:
        s += x
    return s
""",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = JOIN.apply(REFUSED[case])
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


# -- every fixture from before runs existed is rewritten as it was then -----------------------
#: fixtures whose rewrite changed on purpose: the append after the loop joins the run
CHANGED = {
    "test_join_strings.LITERAL_STARTS": (
        "        html_parts.append('<tr>' + str(row) + '</tr>')\n"
        "    html_parts.append('</table>')\n"
        "    html = ''.join(html_parts)\n"
        "    return html\n"
    ),
}
RECORDED = json.loads(BEFORE_RUNS.read_text())


@pytest.mark.parametrize("label", sorted(RECORDED))
def test_earlier_fixtures_are_rewritten_as_before(label: str) -> None:
    case = RECORDED[label]
    rewritten = JOIN.apply(case["source"]).source
    if label in CHANGED:
        assert rewritten != case["rewritten"] and CHANGED[label] in rewritten
    else:
        assert rewritten == case["rewritten"]


# -- generated runs ----------------------------------------------------------------------------
SEGMENTS = {
    "append": "    acc += str(flag)\n",
    "concat": "    acc = acc + '|' + str(n)\n",
    "join": "    acc = ''.join([acc, ';'])\n",
    "raising append": "    acc += items[0]\n",
    "for": "    for x in items:\n        acc += str(x)\n        n += 1\n",
    "for twice": "    for x in items:\n        acc += '<'\n        acc = acc + repr(x) + '>'\n",
    "raising for": "    for x in items:\n        n += 1\n        acc += x\n",
    "while": "    i = 0\n    while i < len(items):\n        acc += str(items[i])\n        i += 1\n",
    "neutral": "    n += 1\n",
    "read": "    n += len(acc)\n",
}


@given(
    start=st.sampled_from(["''", "'<'", "f'<{flag}>'"]),
    segments=st.lists(st.sampled_from(sorted(SEGMENTS)), min_size=1, max_size=6),
    items=st.lists(st.one_of(st.integers(-9, 9), st.text(max_size=3)), max_size=5),
    flag=st.booleans(),
)
def test_generated_runs_return_the_same_string(
    start: str, segments: list[str], items: list, flag: bool
) -> None:
    body = "".join(SEGMENTS[s] for s in segments)
    source = f"def build(items, flag):\n    n = 0\n    acc = {start}\n{body}    return acc, n\n"
    result = JOIN.apply(source)
    first = segments[0]
    if first in ("for", "for twice", "raising for", "while"):
        assert result.changed
    same_results(source, result.source, "build", (list(items), flag))


def test_an_append_caught_inside_the_loop_keeps_its_type_error() -> None:
    """``s += 1`` raises where the handler catches it; ``list.append(1)`` would not."""
    source = REFUSED["append in try/except inside the loop"]
    assert load(source)["f"](["a", 1, "b"]) == "a1b"
    assert "try/with in the loop" in JOIN.apply(source).summary
