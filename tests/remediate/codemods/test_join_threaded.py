"""join-strings on a str threaded through a recursion as an accumulator parameter
(``out += piece``, ``out = f(..., out)``, ``return out``): the function keeps its signature as
a wrapper that joins once, around a worker appending to one list. Each sample's ``scenario``
(calls from outside, non-empty initial values, exceptions caught by the caller, pieces that log
their evaluation order) gives the same outcome before and after, run without this file's
``from __future__ import annotations`` (the worker's annotations are evaluated at its def);
each refusal says why."""

from __future__ import annotations

from typing import Any

import pytest

from efficiency.remediate.codemods import codemod
from tests.remediate.codemods.sample import load_registered as load

JOIN = codemod("join-strings")


def _rewritten(source: str, **params: Any) -> str:
    result = JOIN.apply(source, params=params or None)
    assert result.changed, result.summary
    assert "through the recursion" in result.summary, result.summary
    return result.source


def _same(source: str, *cases: Any, **params: Any) -> str:
    new = _rewritten(source, **params)
    old_run, new_run = load(source)["scenario"], load(new)["scenario"]
    for case in cases:
        assert new_run(case) == old_run(case), case
    return new


TREE = '''\
class Node:
    def __init__(self, name, kids=(), bad=False):
        self.name, self.kids, self.bad = name, kids, bad


def render(node, depth, out: str = "", *, log, limit=9) -> str:
    """Indented outline of the tree."""
    if depth > limit:
        out += "...\\n"
        return out
    out += "  " * depth + piece(node, log)
    for kid in node.kids:
        out = render(kid, depth + 1, out, log=log, limit=limit)
    out += f"/{node.name}\\n"
    return out


def piece(node, log):
    log.append(node.name)
    if node.bad:
        raise ValueError("bad node " + node.name)
    return node.name + "\\n"


def scenario(case):
    kind, limit = case
    leaf = Node("leaf", bad=kind == "bad")
    tree = Node("root", (Node("a", (leaf, Node("b"))), Node("c", (Node("d", (Node("e"),)),))))
    log = []
    try:
        if kind == "initial":
            text = render(tree, 0, "HEADER\\n", log=log, limit=limit)
        else:
            text = render(tree, 0, log=log, limit=limit)
    except ValueError as exc:
        return "caught", str(exc), log
    return "value", text, log, render.__doc__, render.__name__
'''


def test_a_module_function_keeps_its_signature_and_results() -> None:
    cases = [(k, lim) for k in ("plain", "initial", "bad") for lim in (0, 1, 2, 9)]
    new = _same(TREE, *cases)
    assert "out_parts = [out]" in new
    assert 'return "".join([part for part in out_parts if part])' in new
    assert "render_parts(node, depth, out_parts, log=log, limit=limit)" in new
    assert "def render_parts(node, depth, out_parts: list[str], *, log, limit=9) -> None:" in new
    assert 'out_parts.append(f"/{node.name}\\n")\n\n\ndef piece' in new  # no trailing return
    assert '        out_parts.append("...\\n")\n        return\n' in new  # an early return


METHOD = """\
class CycleError(ValueError):
    pass


class Bom:
    def __init__(self, children):
        self.children = children

    def row(self, level, part):
        return "." * level + part + "\\n"

    def explode(self, part, level, path, out: str) -> str:
        if part in path:
            raise CycleError("cycle: " + " > ".join((*path, part)))
        out += self.row(level, part)
        for child in self.children.get(part, ()):
            out = self.explode(child, level + 1, (*path, part), out=out)
        return out

    def report(self, top, header=""):
        return "BOM\\n" + self.explode(top, 0, (), header)


def scenario(case):
    children = {"A": ["B", "C"], "B": ["D"], "C": ["D", "E"], "D": []}
    if case == "cycle":
        children["D"] = ["A"]
    bom = Bom(children)
    try:
        text = bom.report("A", "== A ==\\n" if case == "header" else "")
    except CycleError as exc:
        return "caught", str(exc)
    return "value", text, bom.explode("C", 1, (), "x")
"""


def test_a_method_with_a_keyword_accumulator_and_a_caller_catching_the_exception() -> None:
    new = _same(METHOD, "plain", "header", "cycle")
    assert "self.explode_parts(part, level, path, out_parts)" in new
    assert "self.explode_parts(child, level + 1, (*path, part), out_parts=out_parts)" in new
    assert "def explode_parts(self, part, level, path, out_parts: list[str]) -> None:" in new


DEFAULTS = """\
def walk(n, /, sep=",", out="", *, tail=(".",)):
    if n <= 0:
        out += tail[0]
        return out
    out += str(n) + sep
    out = walk(n - 1, sep, out, tail=tail)
    out += "<" + str(n)
    return out


def scenario(case):
    if case == 0:
        return walk(3), walk(0)
    return walk(case, ";"), walk(case, "-", "start:"), walk(case, tail=("!",))
"""


def test_positional_only_keyword_only_and_defaults_before_the_accumulator() -> None:
    new = _same(DEFAULTS, 0, 1, 4)
    assert "walk_parts(n, sep, out_parts, tail=tail)" in new
    assert 'def walk_parts(n, /, sep=",", out_parts=None, *, tail=(".",)):' in new


def test_sampled_lines_pick_the_function() -> None:
    lines = TREE.splitlines()
    append = next(i for i, t in enumerate(lines, 1) if 'out += "  " * depth' in t)
    call = next(i for i, t in enumerate(lines, 1) if "out = render(" in t)
    _same(TREE, ("plain", 9), sampled_lines=[append])
    _same(TREE, ("plain", 9), sampled_lines=[call])
    assert not JOIN.apply(TREE, params={"sampled_lines": [append - 4]}).changed


def test_other_stages_see_the_rewrite_and_the_names_are_fresh() -> None:
    source = TREE.replace(
        "def scenario(case):", "render_parts = out_parts = 1\n\n\ndef scenario(case):"
    )
    new = _same(source, ("plain", 9), ("bad", 9))
    assert "def render_parts_2(" in new and "out_parts_2 = [out]" in new


def _refused(source: str, reason: str) -> None:
    result = JOIN.apply(source)
    assert not result.changed, result.source
    assert reason in result.summary, result.summary


BASE = """\
def build(n, out: str) -> str:
    if n:
        out += str(n)
        out = build(n - 1, out)
    return out
"""


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (("def build", "@cache\ndef build"), "not a module-level function bound once"),
        (("def build", "async def build"), "a generator or async function"),
        (("    return out", "    yield 1\n    return out"), "a generator or async function"),
        (("out: str)", "out: str, *rest)"), "*args/**kwargs"),
        (("out: str)", "out: str, seen=[])"), "not an immutable literal"),
        (("    if n:", "    with lock:\n      if n:"), "try/with"),
        (("    if n:", "    global total\n    if n:"), "global/nonlocal"),
        (("    if n:", "    locals()\n    if n:"), "frame access"),
        (("    if n:", "    sys._getframe()\n    if n:"), "frame access"),
        (("    return out", "    print(len(out))\n    return out"), "out is used other than"),
        (("build(n - 1, out)", "build(out, n - 1)"), "does not pass out itself"),
        (("build(n - 1, out)", "build(n - 1, other=out)"), "does not pass out itself"),
        (("build(n - 1, out)", "build(n - 1, out, out=out)"), "does not pass out itself"),
        (("build(n - 1, out)", "build(n - 1, out + '')"), "does not pass out itself"),
        (("    return out", "    return out + '!'"), "a return other than `return out`"),
        (("    return out", "    if n:\n        return out"), "can fall off its end"),
        (("out += str(n)", "out += str(n) + out"), "a piece mentions out or calls build"),
        (("out += str(n)", "out += build(0, '')"), "a piece mentions out or calls build"),
        (("    return out", "    f = lambda: out\n    return out"), "out is used other than"),
        (("n, out: str", "n, out"), "nothing shows out is a str"),
        (("build(n - 1, out)", "build(n - 1, out, 5)"), "does not match the signature"),
        (("build(n - 1, out)", "build(out=out)"), "does not match the signature"),
        (("build(n - 1, out)", "build(n - 1, out, n=1)"), "does not match the signature"),
        (("out: str)", "out: str, *, k)"), "does not match the signature"),
        (("    if n:", "    build.__kwdefaults__.clear()\n    if n:"), "__kwdefaults__"),
        (("    if n:", "    f.__defaults__ = (1,)\n    if n:"), "__defaults__"),
        (("    return out", "    return out\n\n\nnames = dir()"), "lists names with dir()"),
        (("    return out", "    return out\n\n\nfrom inspect import getmembers"), "getmembers"),
    ],
)
def test_refusals(change: tuple[str, str], reason: str) -> None:
    source = BASE.replace(*change)
    assert source != BASE
    _refused(source, reason)


def test_refused_when_bound_twice_nested_or_the_method_is_not_provably_called() -> None:
    _refused(BASE + "\n\nbuild = print\n", "not a module-level function bound once")
    nested = "def outer():\n" + "".join(f"    {line}\n" for line in BASE.splitlines())
    _refused(nested, "not a module-level function bound once")
    method = """\
class Base:
    def build(self, n, out: str) -> str:
        if n:
            out += str(n)
            out = self.build(n - 1, out)
        return out


class Sub(Base):
    pass
"""
    _refused(method, "self.build(...) is not provably this method")
    _refused(method.replace("self.build(n - 1", "other.build(n - 1"), "not provably this method")


def test_counters_and_foreign_annotations_are_passed_by_silently() -> None:
    for source in (
        BASE.replace("out += str(n)", "out += 1").replace("out: str", "out"),
        BASE.replace("out: str", "out: list"),
    ):
        result = JOIN.apply(source)
        assert not result.changed and "threaded" not in result.summary, result.summary


IDENTITY = """\
PIECES = {3: "", 2: "", 1: ""}


def build(n, out: str) -> str:
    if n:
        out += PIECES[n]
        out = build(n - 1, out)
    return out


def scenario(case):
    PIECES[2] = "two" * case
    start = "start" * 2
    one, two = build(3, start), build(3, "")
    return one, two, one is start, two is PIECES[2], build(0, start) is start
"""


def test_the_result_is_the_same_object_where_plus_would_keep_one() -> None:
    # `s + ""` is s and `"" + s` is s: the join skips the empty parts, and a join of one
    # part is that part
    _same(IDENTITY, 0, 1)


SHADOWED = """\
class Api:
    def list(self):
        return ["a"]

    def build(self, n, out: str) -> str:
        if n:
            out += str(n)
            out = self.build(n - 1, out)
        return out


def scenario(case):
    return Api().build(case, "x")
"""


def test_the_list_annotation_is_not_evaluated_where_list_is_rebound() -> None:
    new = _same(SHADOWED, 0, 3)
    assert 'out_parts: "list[str]"' in new
    module = "from __future__ import annotations\n" + SHADOWED
    assert "out_parts: list[str]" in _same(module, 3)


NOTED = """\
LOG = []


def note(value):
    LOG.append(value)
    return value


def build(n: note(int), out: str, *, tag: note(str) = "") -> str:
    if n:
        out += str(n) + tag
        out = build(n - 1, out, tag=tag)
    return out


def scenario(case):
    return build(case, ""), LOG
"""


def test_an_annotation_with_effects_runs_once_as_before() -> None:
    new = _same(NOTED, 0, 3)
    assert 'def build_parts(n, out_parts: list[str], *, tag="") -> None:' in new
    lazy = _same("from __future__ import annotations\n" + NOTED, 3)
    assert "def build_parts(n: note(int), out_parts: list[str], *, tag: note(str)" in lazy


FIRST_F_STRING = """\
LOG = []


def build(n, out: str) -> str:
    "doc " f"{LOG.append(n)}"
    if n:
        out += str(n)
        out = build(n - 1, out)
    return out


def scenario(case):
    return build(case, ""), LOG, build.__doc__
"""


def test_a_first_f_string_is_no_docstring_and_runs_at_every_call() -> None:
    _same(FIRST_F_STRING, 0, 3)


def test_the_worker_name_is_not_one_a_string_names() -> None:
    # a slot of the worker's name would conflict with the method: the class could not be made
    slots = SHADOWED.replace("class Api:", 'class Api:\n    __slots__ = ("build_parts",)')
    assert "def build_parts_2(" in _same(slots, 3)
    asked = SHADOWED.replace('"x")', '"x"), hasattr(Api(), "build_parts")')
    assert "def build_parts_2(" in _same(asked, 3)


def test_refused_where_the_module_lists_a_class_s_names() -> None:
    # dir(self) would list the worker method as one more name
    lister = (
        "    def names(self):\n        return [m for m in dir(self) if m.startswith('build')]\n"
    )
    _refused(SHADOWED.replace("    def build(", lister + "\n    def build("), "dir()")
