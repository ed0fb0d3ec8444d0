"""join-strings on a builder (attribute or local) that starts from, or is reset to, a value
that is provably an exact str without being a literal: a conditional of literals, an
f-string, a module constant, ``"".join``, a ``%``/``format`` template with text. The code runs
the same before and after; starts that may not be an exact str are refused and say why."""

from __future__ import annotations

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load, same_results

JOIN = codemod("join-strings")

CAPTIONS = """\
class Captions:
    def __init__(self, fmt="srt"):
        self.count = 0
        self._doc = "WEBVTT\\n\\n" if fmt == "vtt" else ""

    def add(self, text):
        self.count += 1
        self._doc += f"{self.count}\\n"
        self._doc += text + "\\n\\n"

    def reset(self, fmt):
        self._doc = "WEBVTT\\n\\n" if fmt == "vtt" else ""

    def extend(self, texts):
        for t in texts:
            self.add(t)
        return self

    def getvalue(self):
        return self._doc


def run(fmt, texts):
    c = Captions(fmt).extend(texts)
    first = c.getvalue()
    c.reset("srt" if fmt == "vtt" else "vtt")
    c.extend(texts[:1])
    return first, c.getvalue(), type(c._doc) is str
"""

LOCAL = """\
def render(title, rows):
    out = f"# {title}\\n"
    for r in rows:
        out += f"- {r}\\n"
    return out, type(out) is str
"""

CONSTANT = """\
HEADER = "id,name\\n"


class Csv:
    def __init__(self):
        self.text = HEADER

    def clear(self):
        self.text = HEADER

    def write(self, rows):
        for r in rows:
            self.text += ",".join(r) + "\\n"
        return self.text


def run(rows):
    c = Csv()
    a = c.write(rows)
    c.clear()
    return a, c.write(rows[:1]), type(c.text) is str
"""

LOCAL_KINDS = """\
SEP = "-" * 3


def render(rows, tag):
    out = "".join(["<", tag, ">"]) if tag else "%s:" % (len(rows),)
    for r in rows:
        out += r + SEP
    return out
"""

ROWS = (["a", "b"], ["c", "d"])


def _apply(source: str) -> str:
    result = JOIN.apply(source)
    assert result.changed, result.summary
    return result.source


def test_a_conditional_reset_of_a_class_attribute_is_rewritten() -> None:
    after = _apply(CAPTIONS)
    assert "_doc_parts" in after
    assert '"WEBVTT\\n\\n" if fmt == "vtt" else ""' in after  # the value is kept
    for fmt in ("srt", "vtt"):
        same_results(CAPTIONS, after, "run", (fmt, ["hi", "there"]), (fmt, []))


def test_a_local_started_by_an_f_string_keeps_it_as_first_part() -> None:
    after = _apply(LOCAL)
    assert 'out_parts = [f"# {title}\\n"]' in after
    same_results(LOCAL, after, "render", ("T", ["x", "y"]), ("T", []), (3, [1]))


def test_a_reset_to_a_module_constant_is_rewritten() -> None:
    after = _apply(CONSTANT)
    assert "self.text = HEADER" in after
    same_results(CONSTANT, after, "run", (list(ROWS),), ([["z", "w"]],))


def test_join_percent_and_a_repeated_constant_are_exact() -> None:
    after = _apply(LOCAL_KINDS)
    assert 'out_parts = ["".join(["<", tag, ">"]) if tag else "%s:" % (len(rows),)]' in after
    same_results(LOCAL_KINDS, after, "render", (["a", "b"], "t"), (["a"], ""), ([], ""))
    assert load(after)["render"](["a"], "") == "1:a---"


SUBCLASS = """\
class Loud(str):
    def __add__(self, other):
        return Loud(str.__add__(self, other.upper()))
"""

BAD = {
    "a parameter": (
        "class W:\n    def __init__(self, start=''):\n        self.out = start\n\n",
        "start",
    ),
    "an unknown call": (
        "class W:\n    def __init__(self):\n        self.out = make()\n\n",
        "make()",
    ),
    "a str subclass": (
        SUBCLASS + "\n\nclass W:\n    def __init__(self):\n        self.out = Loud('')\n\n",
        "Loud('')",
    ),
    "a non-str branch": (
        "class W:\n    def __init__(self, n):\n        self.out = '' if n else None\n\n",
        "'' if n else None",
    ),
    "str() of something": (
        "class W:\n    def __init__(self, x):\n        self.out = str(x)\n\n",
        "str(x)",
    ),
    "a lone f-string field": (
        "class W:\n    def __init__(self, x):\n        self.out = f'{x}'\n\n",
        "f'{x}'",
    ),
    "a format template without text": (
        "class W:\n    def __init__(self, x):\n        self.out = '{}'.format(x)\n\n",
        "'{}'.format(x)",
    ),
    "a % of a bare name": (
        "class W:\n    def __init__(self, x):\n        self.out = 'n=%s' % x\n\n",
        "'n=%s' % x",
    ),
    "a + of two parameters": (
        "class W:\n    def __init__(self, h):\n        self.out = h + h if h else ''\n\n",
        "h + h if h else ''",
    ),
    "a constant bound twice": (
        "HEAD = ''\n\n\ndef f():\n    global HEAD\n    HEAD = 1\n\n\n"
        "class W:\n    def __init__(self):\n        self.out = HEAD\n\n",
        "HEAD",
    ),
}
LOOP = (
    "    def build(self, xs):\n        for x in xs:\n            self.out += x\n"
    "        return self.out\n"
)


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_start_that_may_not_be_an_exact_str_is_refused(case: str) -> None:
    head, shown = BAD[case]
    result = JOIN.apply(head + LOOP)
    assert not result.changed
    assert f".out is also set to `{shown}`, not provably a str" in result.summary


def test_a_local_from_a_subclass_or_parameter_is_left_alone() -> None:
    for init in ("Loud('')", "start", "str(start)", "f'{start}'"):
        source = (
            SUBCLASS + f"\n\ndef build(xs, start=''):\n    out = {init}\n"
            "    for x in xs:\n        out += x\n    return out\n"
        )
        assert not JOIN.apply(source).changed, init


def test_the_subclass_refusal_matters() -> None:
    """What the refusal protects: ``+=`` on a str subclass runs its own ``__add__``."""
    source = (
        SUBCLASS
        + "\n\ndef build(xs):\n    out = Loud('')\n"
        + "    for x in xs:\n        out += x\n    return out\n"
    )
    assert load(source)["build"](["a", "b"]) == "AB"


HELPER_WITH_LOOP = """\
class Doc:
    def __init__(self, head):
        self.n = 0
        self.text = f"# {head}\\n" if head else ""

    def add(self, words):
        self.n += 1
        self.text += f"{self.n}:"
        for w in words:
            self.text += " " + w
        self.text += "\\n"

    def extend(self, items):
        for words in items:
            self.add(words)
        return self.text


def run(head, items):
    d = Doc(head)
    seen = d.extend(items)
    d.add(["z"])
    return seen, d.text, type(d.text) is str
"""


def test_appends_outside_the_rewritten_loop_go_to_the_parts_too() -> None:
    """The inner loop's rewrite alone would leave the appends a loop elsewhere drives
    quadratic; the attribute also becomes a list of parts."""
    after = _apply(HELPER_WITH_LOOP)
    assert "self._text_parts.append" in after or "self.text_parts.append" in after
    assert "def text(self)" in after
    items = [["a", "b"], [], ["c"]]
    same_results(HELPER_WITH_LOOP, after, "run", ("T", items), ("", items), ("", []))


def test_an_attribute_appended_only_in_its_loop_stays_a_plain_attribute() -> None:
    source = "class C:\n    def __init__(self):\n        self.out = f'{1}:{2}'\n\n" + LOOP
    after = _apply(source)
    assert "@property" not in after
    same_results(
        source + "\n\ndef run(xs):\n    return C().build(xs)\n",
        after + "\n\ndef run(xs):\n    return C().build(xs)\n",
        "run",
        (["a", "b"],),
        ([],),
    )


class _Sub(str):
    pass


class _Obj:
    def __str__(self) -> str:
        return _Sub("q")


def test_a_percent_key_with_nested_parentheses_is_a_lone_field() -> None:
    """``%(a(b))s`` is one field (Python counts the key's parentheses): with no other text,
    the result is the argument's own str, a subclass here, so the start is refused."""
    assert type("%(a(b))s" % {"a(b)": _Obj()}) is _Sub  # noqa: UP031
    head = "class W:\n    def __init__(self, x):\n        self.out = '%(a(b))s' % {'a(b)': x}\n\n"
    result = JOIN.apply(head + LOOP)
    assert not result.changed


REBOUND = (
    SUBCLASS
    + """

HEAD = ""


def loud():
    globals()["HEAD"] = Loud("")


def build(xs):
    out = HEAD
    for x in xs:
        out += x
    return out


def run(xs):
    loud()
    return build(xs)
"""
)


@pytest.mark.parametrize(
    "rebind", ['globals()["HEAD"] = Loud("")', "exec('global HEAD; HEAD = Loud(\\'\\')')"]
)
def test_a_constant_the_module_may_rebind_by_name_is_refused(rebind: str) -> None:
    source = "import sys\n" + REBOUND.replace('globals()["HEAD"] = Loud("")', rebind)
    assert load(source)["run"](["a", "b"]) == "AB"  # Loud's __add__ ran
    assert not JOIN.apply(source).changed


def test_a_constant_rebound_by_a_match_mapping_rest_is_refused() -> None:
    """``case {**HEAD}:`` at module level rebinds ``HEAD`` to a dict: ``+=`` on it raises
    where the build runs, a list of parts would raise only when joined."""
    source = (
        'HEAD = ""\n\nmatch {"a": 1}:\n    case {**HEAD}:\n        pass\n\n\n'
        "def build(xs):\n    out = HEAD\n    for x in xs:\n        out += x\n    return len(xs)\n"
    )
    assert load(source)["HEAD"] == {"a": 1}
    assert not JOIN.apply(source).changed
