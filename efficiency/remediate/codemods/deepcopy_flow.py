"""Where values read from a copy go, and the rewrite, for ``deepcopy-read-only``.

``consumed``, ``returned`` and ``get_default`` tell, for a value read from the copy, whether its
parent only tests, measures or looks it up, makes it leave the function inside a display
(returned, or passed to a plain dataclass or an ``append`` to a list the function made), or
is a ``.get`` on the copy whose value is followed itself. ``Rewriter`` drops each proven copy
(the call becomes what it copied) and deep-copies, through one memo per copy, each value that
leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.deepcopy_builtins import IDENTITY, tests_only
from efficiency.remediate.codemods.deepcopy_guards import Guard, wrap, wrap_comprehension
from efficiency.remediate.codemods.deepcopy_types import READ_METHODS, SCALAR_BUILTINS, Types
from efficiency.remediate.codemods.pysource import Targets, code, walk, where

#: the parent of a node in the module judged
Parents = Callable[[cst.CSTNode], cst.CSTNode | None]


@dataclass
class Site:
    #: the ``name = <copy>`` statement; None for a copy read directly (``f(x)["k"]``)
    assign: cst.Assign | None
    call: cst.Call
    name: str
    owner: str
    #: values read from the copy that leave the function (deep-copied there)
    escapes: list[cst.CSTNode]
    #: what replaces the call (the copied value), and the deepcopy function it was copied by
    source: cst.BaseExpression
    copier: cst.BaseExpression
    #: for a helper with a view (``deepcopy_views``): the view the call is made to call
    #: (``Owner.__x_view`` for a method, called with the caller's self first)
    view: str | None = None
    #: the check that the methods the proof relied on are the module's (``deepcopy_guards``)
    guard: Guard | None = None


def consumed(
    parent_of: Parents,
    parent: cst.CSTNode | None,
    node: cst.CSTNode,
    shadowed: Callable[[str], bool],
    lookup: Callable[[cst.BaseExpression], bool] = lambda receiver: False,
) -> bool:
    """Does ``parent`` use ``node``'s value only to test, compare, look up or measure it
    (``len``/``int``... only where that name is not rebound in the module or function; a
    ``.get`` key only of a receiver ``lookup`` knows to be a builtin container)?"""
    if isinstance(parent, (cst.ComparisonTarget, cst.Comparison, cst.Index)):
        return True  # compared, or a subscript's key (stores in a subscript are refused)
    if isinstance(parent, cst.FormattedStringExpression):
        return True
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
        return True
    call = parent_of(parent) if isinstance(parent, cst.Arg) else None
    if tests_only(call, shadowed):
        return True  # any/all/round...: keeps nothing of it (deepcopy_builtins)
    if lookup_key(call, parent) and lookup(call.func.value):  # type: ignore[union-attr]
        return True  # ``d.get(read)``: a key, as a subscript's
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value in SCALAR_BUILTINS - IDENTITY
        and not shadowed(call.func.value)
    )


def lookup_key(call: cst.CSTNode | None, arg: cst.CSTNode | None) -> bool:
    """Is ``arg`` the first, plain argument of ``x.get(...)``/``.count``/``.index``: a key
    looked up or compared (the read methods, assumed to read as a subscript does), never in
    what the call returns? Only where the receiver is a dict, list... (``consumed``'s
    ``lookup``): any other object's ``get`` may keep its argument."""
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value in ("get", "count", "index")
        and isinstance(arg, cst.Arg)
        and call.args[0] is arg
        and arg.keyword is None
        and not arg.star
    )


#: the values an ``is`` may compare a read of the data with: deepcopy returns them themselves
SINGLETONS = frozenset({"None", "True", "False", "Ellipsis", "NotImplemented"})


def identity_test(parent_of: Parents, parent: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Is ``node`` an operand of ``is``/``is not`` whose other operand is not ``None``, a bool
    or ``...``? The copy held new objects (a sentinel ``object()`` included), so ``cfg["mode"]
    is SENTINEL`` was false; the original's own objects would make it true."""
    comparison = parent_of(parent) if isinstance(parent, cst.ComparisonTarget) else parent
    if not isinstance(comparison, cst.Comparison):
        return False
    operands = [comparison.left, *(t.comparator for t in comparison.comparisons)]
    at = next((i for i, o in enumerate(operands) if o is node), None)
    if at is None:
        return False
    for index in (at - 1, at):
        if not 0 <= index < len(comparison.comparisons):
            continue
        if not isinstance(comparison.comparisons[index].operator, cst.Is | cst.IsNot):
            continue
        other = operands[index + 1] if index == at else operands[index]
        if not (isinstance(other, cst.Name) and other.value in SINGLETONS) and not isinstance(
            other, cst.Ellipsis
        ):
            return True
    return False


def returned(parent_of: Parents, node: cst.CSTNode, types: Types) -> bool:
    """Is ``node`` the value of a ``return``, or an item of a dict, list or tuple display
    that is (display in display included) or that is passed to a plain dataclass or an
    ``append`` to a list the function made?"""
    display = False
    while True:
        parent = parent_of(node)
        if isinstance(parent, cst.Return):
            return parent.value is node
        if (isinstance(parent, cst.DictElement) and parent.value is node) or (
            isinstance(parent, cst.Element) and isinstance(parent_of(parent), cst.List | cst.Tuple)
        ):
            node, display = parent_of(parent) or parent, True
            continue
        call = parent_of(parent) if isinstance(parent, cst.Arg) else None
        return (
            display
            and isinstance(parent, cst.Arg)
            and parent.value is node
            and not parent.star
            and isinstance(call, cst.Call)
            and types.harmless_call(call)
        )


def get_default(parent_of: Parents, arg: cst.Arg, types: Types, tracked: set[str]) -> bool:
    """Is ``arg`` the default of ``<a tracked name, read>.get(key, default)`` (whose value
    is followed through the ``.get`` itself)?"""
    call = parent_of(arg)
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return False
    if call.func.attr.value != "get" or len(call.args) != 2 or call.args[1] is not arg:
        return False
    if arg.keyword is not None or arg.star or call.args[0].star:
        return False
    root: cst.BaseExpression = call.func.value
    while isinstance(root, cst.Subscript | cst.Call | cst.Attribute):
        if isinstance(root, cst.Call):
            if not isinstance(root.func, cst.Attribute) or root.func.attr.value not in (
                READ_METHODS
            ):
                return False
            root = root.func.value
        elif isinstance(root, cst.Attribute):
            fields = types.fields(types.type_of(root.value))
            if not isinstance(fields, dict) or root.attr.value not in fields:
                return False
            root = root.value
        else:
            root = root.value
    return isinstance(root, cst.Name) and root.value in tracked


def foreign_default(call: cst.Call, types: Types, tracked: set[str]) -> bool:
    """Is ``call`` a ``.get(key, default)`` whose default may be an object that was not read
    from the copy (nor made of literals, nor an immutable scalar)? A missing key then hands
    back that object itself, which a copy where the value leaves would replace."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value != "get" or len(call.args) < 2:
        return False
    default = call.args[1].value
    if types.scalar(types.type_of(default)) or _literal_only(default):
        return False
    root = default
    while isinstance(root, cst.Subscript | cst.Call | cst.Attribute):
        root = root.func if isinstance(root, cst.Call) else root.value
    return not (isinstance(root, cst.Name) and root.value in tracked)


def _literal_only(node: cst.CSTNode) -> bool:
    """Is ``node`` made of literals and displays only (a new object each time it runs)? No
    name but None/True/False, no call or attribute: nothing outside it can be reached."""
    return not any(
        isinstance(n, cst.Call | cst.Attribute)
        or (isinstance(n, cst.Name) and n.value not in ("None", "True", "False"))
        for n in walk(node)
    )


class Rewriter(cst.CSTTransformer):
    def __init__(self, sites: list[Site], memos: dict[int, str]) -> None:
        super().__init__()
        self.calls = {id(s.call): s for s in sites}
        self.escapes = {id(e): s for s in sites for e in s.escapes}
        self.memos = memos  # id(assign) -> the memo's name, for sites with escapes
        self.lines = {id(s.assign): s for s in sites if s.assign is not None}
        #: comprehensions checked once, before they run, for all their items
        self.around = {id(s.guard.around): s.guard for s in sites if s.guard and s.guard.around}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.calls:
            return self._escape(original_node, updated_node)
        site = self.calls[id(original_node)]
        new = self._dropped(site, updated_node)
        if site.guard is None or site.guard.around is not None:
            return new  # (checked once, around its comprehension: leave_ListComp)
        bare = site.assign is not None and site.assign.value is original_node
        dropped = new.deep_clone().with_changes(lpar=[], rpar=[])
        return wrap(site.guard.test(), updated_node, dropped, bare)

    def leave_ListComp(
        self, original_node: cst.ListComp, updated_node: cst.ListComp
    ) -> cst.BaseExpression:
        guard = self.around.get(id(original_node))
        if guard is None:
            return updated_node
        return wrap_comprehension(guard, original_node, updated_node)

    def _dropped(self, site: Site, updated_node: cst.Call) -> cst.BaseExpression:
        """What replaces the copy (or the helper's call)."""
        if site.view is not None:
            func = updated_node.func
            if isinstance(func, cst.Attribute):
                # ``Owner.__x_view(self, ...)``: a caller borrowed by another class
                # (``Owner.caller(other, ...)``) still reaches the view, whose check then
                # calls ``other``'s own helper
                args = [cst.Arg(func.value), *updated_node.args]
                return updated_node.with_changes(func=cst.parse_expression(site.view), args=args)
            return updated_node.with_changes(func=cst.Name(site.view))
        source = updated_node.args[0].value if site.call.args else site.source.deep_clone()
        return source.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)

    def on_leave(self, original_node: cst.CSTNode, updated_node: Any) -> Any:
        updated = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.Call) or not isinstance(updated, cst.BaseExpression):
            return updated
        return self._escape(original_node, updated)

    def _escape(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        site = self.escapes.get(id(original))
        if site is None:
            return updated
        func = site.copier.deep_clone()
        args = [cst.Arg(updated.with_changes(lpar=[], rpar=[]))]
        if site.assign is not None:  # a copy read directly has one value leaving: no memo
            args.append(cst.Arg(cst.Name(self.memos[id(site.assign)])))
        return cst.Call(func=func, args=args, lpar=updated.lpar, rpar=updated.rpar)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Any:
        sites = [self.lines[id(s)] for s in original_node.body if id(s) in self.lines]
        memos = [self.memos[id(s.assign)] for s in sites if id(s.assign) in self.memos]
        if not memos:
            return updated_node
        added = [cst.parse_statement(f"{memo} = {{}}\n") for memo in memos]
        return cst.FlattenSentinel([updated_node, *added])


def direct_mark(call: cst.Call) -> str:
    """How the tracked names mark a copy read directly, which no name holds."""
    return f"<copy {id(call)}>"


def scalar_result(parent_of: Parents, node: cst.BaseExpression, types: Types) -> bool:
    """Does ``node``'s value end in an immutable scalar: made by arithmetic with other values
    (``limit * factor``) that is then only tested, compared or given to ``int``/``len``...?
    (Operators on the data's values are assumed to change nothing, as for comparisons.) A
    function's own return annotation is not taken as proof: ``-> bool`` over ``return
    cfg["regions"]`` is common, and the value returned whole leaves deep-copied instead."""
    parent = parent_of(node)
    top: cst.CSTNode = node
    while isinstance(parent, cst.BinaryOperation) or (
        isinstance(parent, cst.UnaryOperation) and not isinstance(parent.operator, cst.Not)
    ):
        top, parent = parent, parent_of(parent)
    return top is not node and consumed(parent_of, parent, top, types.shadowed, types.container)


def summarize(sites: list[Site], targets: Targets | None, viewed: bool) -> str:
    """What the rewrite did, before what the views and the refusals add."""
    names = ", ".join(sorted({s.name for s in sites}))
    escapes = sum(len(s.escapes) for s in sites)
    helped = sorted({f"{code(s.call.func)}()" for s in sites if not s.call.args and not s.view})
    summary = (
        f"dropped copy.deepcopy of read-only {names} "
        f"{where(None if helped or viewed else targets, (s.owner for s in sites))} "
        f"({plural(len(sites), 'deepcopy call')}"
        + (f"; {plural(escapes, 'value')} that leave deep-copied where they leave, one memo)"
           if escapes else ")")
    )  # fmt: skip
    if helped:
        summary += (
            f"; calls of {', '.join(helped)} replaced by the value it deep-copies where "
            "the copy is only read (the helper stays for other callers)"
        )
    return summary
