"""The run-time check that keeps a copy where a method it relied on is not the one written here
(``deepcopy-read-only``).

A copy dropped because the methods of the function's own class reached through ``self`` or
``cls`` (``deepcopy_methods``, ``deepcopy_statics``) only read it holds as long as those
methods are the ones the module defines. A subclass in another module may override one, a
test may patch it on the class (``mock.patch.object(Planner, "_mask")``), or an instance may
hide it (``planner._mask = ...``); each would be handed the original, or run while it is read,
where it was handed a copy. So the rewrite keeps the copy unless every method the proof relied
on is, for this ``self`` (or ``cls``), still the object the class statement made::

    class Planner:                               class Planner:
        def score(self, t):                          def score(self, t):
            profile = copy.deepcopy(self._site)  →       profile = (self._site if all(
            ... self._mask(profile, t.az) ...                inspect.getattr_static(self, n, None)
                                                             is _PLANNER_DEFS[n] for n in
                                                             ("__getattribute__", "_mask"))
                                                             else copy.deepcopy(self._site))
                                                 _PLANNER_DEFS = {n: inspect.getattr_static(
                                                     Planner, n) for n in (...)}

The reference is taken once, right after the class statement, at import: a patch made later
replaces ``Planner.__dict__["_mask"]`` but not the captured object, so comparing with the class's
attribute at the copy site (``type(self)._mask is Planner._mask``) would not do.
``inspect.getattr_static`` looks the name up as the attribute lookup would (an instance's own
attribute, a subclass's override, a data descriptor of a subclass) without running any of it;
``__getattribute__`` is checked too, since a subclass's own would answer every lookup. Through
``cls`` (a class method copying), ``type(cls) is type`` rules out a subclass's metaclass, whose
descriptors or ``__getattribute__`` the static lookup of a class does not weigh. A static method
called through the class's own name needs no check, as a module function does not. The names
the check uses (``all``, ``type``, ``inspect``) must not be bound otherwise in the module.

A list of copies (``[copy.deepcopy(r) for r in self.RULES if r["mode"] == mode]``) is checked
once, before the comprehension, not at each item: the check costs about what copying a small
item does (each name is looked up statically, in Python), so made per item it keeps most of
the copy's cost. The comprehension becomes ``[r for r in ...] if check else [<as it was>]``,
where nothing it runs can patch the class or hide a method between that check and the ones it
replaces: its iterable and filters hold no call, operator, walrus, lambda, f-string or nested
comprehension - only names, attribute reads, subscripts, literals, comparisons and ``and``/
``or``/``not``, the reads the rewrite already assumes run no code that changes anything. (A
check per item relied on that too, for every item after the first: an item taken as the
original before a filter patched the class stays the original.) A comparison, a truth test or
a key runs the operands' own ``__eq__``/``__bool__``/``__hash__``, though: a caller's object
(``rate(mode=<object whose __eq__ patches Rater>)``) would patch the class at the first item's
filter, which the check at that item saw and the check made before the comprehension does not.
So each operand of a comparison, each truth-tested value and each key must be a literal, a read
of the item (whose values compare by value: ``listed_by_value``) or annotated as a scalar
(``mode: str``); otherwise the check stays on each item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from efficiency.remediate.codemods.module_level import with_import
from efficiency.remediate.codemods.pysource import COMPREHENSIONS, code, walk

if TYPE_CHECKING:
    from efficiency.remediate.codemods.deepcopy_types import Types

_BUILTINS = ("all", "type", "isinstance", "object", "str", "bool")


@dataclass
class Guard:
    """The check one dropped copy gets: ``_planner_unchanged(self, "_mask", "airmass")``."""

    #: the copying function's first parameter (``self`` or ``cls``)
    subject: str
    #: the module-level function that checks (one per class), and the methods relied on
    check: str
    names: tuple[str, ...]
    #: the comprehension checked once, before it runs, for all its items (see above), and
    #: whether it is the whole value of an assignment (no parentheses around the choice)
    around: cst.ListComp | None = None
    bare: bool = False

    def test(self) -> cst.BaseExpression:
        listed = "".join(f', "{n}"' for n in self.names)
        return cst.parse_expression(f"{self.check}({self.subject}{listed})")


#: what a comprehension's iterable and filters may not hold for it to be checked once: each may
#: run code of its own (a call, an operator's method, ``__format__``) or bind a name
_RUNS_CODE = (
    cst.Call, cst.BinaryOperation, cst.AugAssign, cst.NamedExpr, cst.Lambda, cst.Await,
    cst.Yield, cst.FormattedString, *COMPREHENSIONS,
)  # fmt: skip


def checked_once(comprehension: cst.ListComp, copy: cst.Call, types: Types | None) -> bool:
    """Is ``comprehension`` ``[<copy> for x in SRC if ...]`` (the copy its element, one plain
    ``for``) whose iterable and filters run nothing that could patch a class (see above)?"""
    loop = comprehension.for_in
    if comprehension.elt is not copy or loop.inner_for_in is not None or loop.asynchronous:
        return False
    if types is None or not isinstance(loop.target, cst.Name):
        return False
    parts = [loop.iter, *(test.test for test in loop.ifs)]
    if any(_runs_code(n) for part in parts for n in walk(part)):
        return False
    item = loop.target.value
    tested = [test.test for test in loop.ifs]
    for part in parts:
        for node in walk(part):
            if isinstance(node, cst.BooleanOperation):
                tested += [node.left, node.right]
            elif isinstance(node, cst.UnaryOperation | cst.IfExp):
                tested.append(
                    node.expression if isinstance(node, cst.UnaryOperation) else node.test
                )
            elif isinstance(node, cst.Comparison):
                operands = [node.left, *(c.comparator for c in node.comparisons)]
                if not all(_plain(o, item, types) for o in operands):
                    return False
            elif isinstance(node, cst.Index | cst.Slice):
                keys = [node.value] if isinstance(node, cst.Index) else [
                    node.lower, node.upper, node.step]  # fmt: skip
                if not all(k is None or _plain(k, item, types) for k in keys):
                    return False
    bools = (cst.Comparison, cst.BooleanOperation, cst.UnaryOperation)
    return all(isinstance(t, bools) or _plain(t, item, types) for t in tested)


def _plain(node: cst.BaseExpression, item: str, types: Types) -> bool:
    """Is ``node`` a value whose ``__eq__``, ``__bool__`` and ``__hash__`` are no code of the
    program's: a literal or a scalar by its annotation, or a read of the item (``r["mode"]``;
    the items compare by value, ``deepcopy_derived.listed_by_value``)?"""
    root = node
    while isinstance(root, cst.Subscript | cst.Attribute):
        root = root.value
    if isinstance(root, cst.Name) and root.value == item:
        return True
    return types.scalar(types.type_of(node))


def _runs_code(node: cst.CSTNode) -> bool:
    if isinstance(node, cst.UnaryOperation):
        return not isinstance(node.operator, cst.Not)  # ``-x``, ``~x``: the operand's method
    return isinstance(node, _RUNS_CODE)


def guard_refusal(bound: dict[str, int], module: cst.Module) -> str | None:
    """Why the check above cannot be written in ``module``, or None."""
    clash = [n for n in _BUILTINS if bound.get(n)]
    if clash or bound.get("*"):
        return (
            f"the module binds {clash[0] if clash else 'names by a star import'}, which the "
            "check that the methods it calls are not overridden uses"
        )
    if bound.get("inspect") and (bound["inspect"] != 1 or inspect_import(module) is None):
        return "the module binds inspect otherwise than by `import inspect`, which the check uses"
    return None


def inspect_import(module: cst.Module) -> cst.SimpleStatementLine | None:
    """The top-level ``import inspect`` line of ``module``, if any."""
    for line in module.body:
        if isinstance(line, cst.SimpleStatementLine) and code(line).strip() == "import inspect":
            return line
    return None


def wrap(
    test: cst.BaseExpression, kept: cst.BaseExpression, dropped: cst.BaseExpression, bare: bool
) -> cst.BaseExpression:
    """``(dropped if test else kept)``, the copy kept where a method is not the module's
    (without the parentheses where ``bare``: the whole value of an assignment)."""
    paren = ([], []) if bare else ([cst.LeftParen()], [cst.RightParen()])
    bare_kept = kept.with_changes(lpar=[], rpar=[])
    return cst.IfExp(test, dropped, bare_kept, lpar=paren[0], rpar=paren[1])


def wrap_comprehension(
    guard: Guard, original: cst.ListComp, updated: cst.ListComp
) -> cst.BaseExpression:
    """``[x for x in SRC ...] if check else [copy.deepcopy(x) for x in SRC ...]``: the check
    made once, before the comprehension (``updated`` has its copy dropped; ``original`` is
    kept as it was, nothing in it rewritten: its parts hold no call)."""
    dropped = updated.with_changes(lpar=[], rpar=[])
    return wrap(guard.test(), original.deep_clone(), dropped, guard.bare)


class AddCaptures(cst.CSTTransformer):
    """Adds ``import inspect`` (where missing) and, after each class whose methods a check
    compares, the capture of their objects as the class statement made them and the check."""

    def __init__(self, captures: dict[str, tuple[str, str, set[str]]], imported: bool) -> None:
        super().__init__()
        self.captures = captures  # class name -> (capture's name, check's name, methods)
        self.imported = imported  # inspect imported already

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        for statement in updated_node.body:
            body.append(statement)
            if isinstance(statement, cst.ClassDef) and statement.name.value in self.captures:
                body.extend(_capture(statement.name.value, *self.captures[statement.name.value]))
        module = updated_node.with_changes(body=body)
        return module if self.imported else with_import(module, "inspect")


def _capture(owner: str, defs: str, check: str, names: set[str]) -> list[cst.BaseStatement]:
    listed = ", ".join(f'"{n}"' for n in ("__getattribute__", *sorted(names)))
    text = (
        f"{defs} = {{n: inspect.getattr_static({owner}, n) for n in ({listed})}}\n\n\n"
        f"def {check}(obj: object, *names: str) -> bool:\n"
        f'    """Are {owner}\'s methods ``names``, looked up on ``obj``, still those its class '
        "statement made\n    (not overridden, patched or hidden; looked up without running "
        'anything)?"""\n'
        "    if isinstance(obj, type) and type(obj) is not type:\n"
        "        return False  # a subclass's metaclass may answer the lookups\n"
        f'    names = ("__getattribute__", *names)\n'
        f"    return all(inspect.getattr_static(obj, n, None) is {defs}[n] for n in names)\n"
    )
    statements = list(cst.parse_module(text).body)
    gap = [cst.EmptyLine()] * 2
    return [
        statements[0].with_changes(leading_lines=gap),
        statements[1].with_changes(leading_lines=gap),
    ]
