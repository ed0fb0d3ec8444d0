"""Build a table of constants once, at module level, not on every call
(``hoist-constant-table``).

A dict, list or set display whose items are all constants (builtin types too: ``{int: 2}``),
written inside a function, is built
anew on every call (``BUILD_MAP``, ``BUILD_LIST``...) although it holds the same values each
time. When nothing ever changes it, a module-level constant built once at import is the same
table::

    def kind(c):                         _KIND_TABLE = {"a": 1, "b": 2, "c": 3}
        table = {"a": 1, "b": 2, "c": 3}
        return table.get(c, 0)      →    def kind(c):
                                             table = _KIND_TABLE
                                             return table.get(c, 0)

Only done when the display's items are constants (strings, numbers, ``True``/``False``/
``None``, the builtin types ``int``, ``str``... and ``type(None)`` when neither the module nor
the function binds such a name, tuples of those: nothing a caller could mutate through it), and
when every use of the
table only reads it: ``t[k]`` (not assigned or deleted), ``k in t``, ``for x in t``, the
read-only methods (``get``, ``keys``, ``items``, ``index``, ``count``...) and the builtins that
only read their argument (``len``, ``sorted``, ``min``...). A table that is returned, stored,
passed to another function or bound more than once could be changed by whoever gets it, so it
is refused. Lists and sets used only as ``x in [...]`` or ``for x in [...]`` are left alone:
CPython already folds those into a constant tuple or frozenset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    code,
    declares_global,
    insert_above,
    names_in,
    unique_name,
    walk,
    where,
)

TABLES = (cst.Dict, cst.List, cst.Set)
#: methods of dict, list and set that only read
READ_METHODS = frozenset({
    "get", "keys", "values", "items", "index", "count", "copy", "issubset", "issuperset",
    "isdisjoint", "union", "intersection", "difference", "symmetric_difference", "__contains__",
})  # fmt: skip
#: builtins that only read an argument
READ_BUILTINS = frozenset({
    "len", "sorted", "min", "max", "sum", "any", "all", "enumerate", "zip", "iter", "reversed",
    "list", "tuple", "set", "frozenset", "dict", "str", "repr", "bool",
})  # fmt: skip
MIN_ITEMS = 2
#: builtin types, constants as table items unless the module binds the name itself
BUILTIN_TYPES = frozenset({"bool", "int", "float", "complex", "str", "bytes"})


def is_constant(node: cst.BaseExpression, builtins: frozenset[str] = frozenset()) -> bool:
    """A value nobody can mutate: strings, numbers, True/False/None, the ``builtins`` types
    and ``type(None)``, tuples of those."""
    if isinstance(node, cst.SimpleString | cst.Integer | cst.Float | cst.Imaginary):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return is_constant(node.left) and is_constant(node.right)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus | cst.Plus):
        return isinstance(node.expression, cst.Integer | cst.Float | cst.Imaginary)
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None") or node.value in builtins
    if isinstance(node, cst.Call) and code(node).replace(" ", "") == "type(None)":
        return "type" in builtins
    if isinstance(node, cst.Tuple):
        return all(
            isinstance(e, cst.Element) and is_constant(e.value, builtins) for e in node.elements
        )
    return False


def constant_items(node: cst.Dict | cst.List | cst.Set, builtins: frozenset[str]) -> bool:
    if isinstance(node, cst.Dict):
        return all(
            isinstance(e, cst.DictElement)
            and is_constant(e.key, builtins)
            and is_constant(e.value, builtins)
            for e in node.elements
        )
    return all(isinstance(e, cst.Element) and is_constant(e.value, builtins) for e in node.elements)


#: nodes that bind the names of their ``target``
_TARGETED = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor, cst.NamedExpr)


def binds(node: cst.CSTNode, top: bool = False) -> set[str]:
    """Names ``node`` binds (assignments, parameters, imports, ``global``, comprehension
    targets, ``:=``, ``match`` captures); with ``top`` only what its own statements bind, not
    its nested functions and classes (comprehension targets are counted anyway)."""
    bound: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, _TARGETED):
            bound |= names_in(current.target)
        elif isinstance(current, cst.MatchAs | cst.MatchStar) and current.name is not None:
            bound.add(current.name.value)
        elif isinstance(current, cst.MatchMapping) and current.rest is not None:
            bound.add(current.rest.value)
        elif isinstance(current, cst.Param | cst.FunctionDef | cst.ClassDef):
            bound.add(current.name.value)
        elif isinstance(current, cst.ImportAlias):
            bound |= names_in(current.asname.name if current.asname else current.name)
        elif isinstance(current, cst.AsName | cst.Global | cst.Nonlocal):
            bound |= names_in(current)
        if not (top and current is not node and isinstance(current, cst.FunctionDef |
                                                             cst.ClassDef)):  # fmt: skip
            stack.extend(current.children)
    return bound


def unbound_builtins(module: cst.Module) -> frozenset[str]:
    """The builtin types (and ``type``) the module's own statements never rebind."""
    return frozenset((BUILTIN_TYPES | {"type"}) - binds(module, top=True))


@dataclass
class _Site:
    table: cst.Dict | cst.List | cst.Set
    #: the top-level statement the function is defined in (the constant goes before it)
    anchor: cst.CSTNode
    base: str
    owner: str


class _Finder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.builtins = unbound_builtins(module)
        self.sites: list[_Site] = []
        self.refused: list[str] = []
        self.folded = 0

    def _visit_table(self, node: cst.Dict | cst.List | cst.Set) -> None:
        if not self.active or not self.def_stack:
            return
        if len(node.elements) < MIN_ITEMS or not constant_items(node, self.builtins):
            return
        if any(isinstance(a, (*TABLES, cst.Tuple)) for a in self._up_to_statement(node)):
            return  # part of a larger display, which is judged as a whole
        scope = self.scope_of(node)
        if not isinstance(scope, cst.FunctionDef):
            return
        if not constant_items(node, self.builtins - binds(scope)):
            return
        parent = self.parent(node)
        if not isinstance(node, cst.Dict) and self._folded_by_cpython(node, parent):
            self.folded += 1
            return
        shown = code(node).splitlines()[0][:60]
        if isinstance(parent, cst.Assign) and parent.value is node:
            why, base = self._local_table(parent, scope)
        else:
            why, base = self._read_only(node), f"{self.def_stack[-1]}_table"
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        anchor = next(a for a in self.ancestors(node) if isinstance(self.parent(a), cst.Module))
        self.sites.append(_Site(node, anchor, f"_{base.upper().lstrip('_')}", self.def_stack[-1]))

    visit_Dict = visit_List = visit_Set = _visit_table

    def _up_to_statement(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        out = []
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.BaseSmallStatement | cst.BaseCompoundStatement):
                break
            out.append(ancestor)
        return out

    def _folded_by_cpython(self, node: cst.CSTNode, parent: cst.CSTNode | None) -> bool:
        if isinstance(parent, cst.For | cst.CompFor) and parent.iter is node:
            return True
        return (
            isinstance(parent, cst.ComparisonTarget)
            and parent.comparator is node
            and isinstance(parent.operator, cst.In | cst.NotIn)
        )

    def _local_table(self, assign: cst.Assign, scope: cst.FunctionDef) -> tuple[str, str]:
        """Why ``name = <table>`` cannot be hoisted ("" when it can), and the base name."""
        if len(assign.targets) != 1 or not isinstance(assign.targets[0].target, cst.Name):
            return "assigned to more than one name or not to a plain name", ""
        name = assign.targets[0].target.value
        if declares_global(scope, name) or calls_introspection(scope):
            return f"{name} is global/nonlocal or the function reads its locals by name", ""
        for use in walk(scope):
            if not isinstance(use, cst.Name) or use.value != name:
                continue
            if use is assign.targets[0].target:
                continue
            why = self._read_only(use)
            if why:
                return f"{name} {why}", ""
        return "", name

    def _read_only(self, node: cst.CSTNode) -> str:
        """Why this use of the table might change it or let it escape ("" when it only
        reads it)."""
        parent = self.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            holder = self.parent(parent)
            if isinstance(holder, cst.AssignTarget | cst.Del) or (
                isinstance(holder, cst.AugAssign) and holder.target is parent
            ):
                return "is assigned or deleted through a subscript"
            return ""
        if isinstance(parent, cst.Attribute) and parent.value is node:
            call = self.parent(parent)
            if parent.attr.value in READ_METHODS and isinstance(call, cst.Call):
                return ""
            return f"is used through .{parent.attr.value}"
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is node:
            return "" if isinstance(parent.operator, cst.In | cst.NotIn) else "is compared"
        if isinstance(parent, cst.For | cst.CompFor) and parent.iter is node:
            return ""
        if isinstance(parent, cst.Arg) and not parent.star and parent.keyword is None:
            call = self.parent(parent)
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in READ_BUILTINS
            ):
                return ""
            return "is passed to a function that might change it"
        kind = type(parent).__name__ if parent is not None else "?"
        return f"is used where it could be changed or escape ({kind})"


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site], names: dict[int, str]) -> None:
        super().__init__()
        self.names = names
        self.before: dict[int, list[_Site]] = {}
        for site in sites:
            self.before.setdefault(id(site.anchor), []).append(site)

    def _leave_table(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Any:
        name = self.names.get(id(original_node))
        return cst.Name(name) if name else updated_node

    leave_Dict = leave_List = leave_Set = _leave_table

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        def statements(site: Any) -> list[cst.BaseStatement]:
            return [cst.parse_statement(f"{self.names[id(site.table)]} = {code(site.table)}\n")]

        return insert_above(original_node, updated_node, self.before, statements)


class HoistConstantTable(PythonCodemod):
    name = "hoist-constant-table"
    needs = ("{", "[")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper.module, targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or (
                "no dict, list or set of constants built on every call"
                + (f"; {plural(finder.folded, 'display')} CPython already folds (x in [...])"
                   if finder.folded else "")
            )  # fmt: skip
            return Edit(wrapper.module, 0, f"{self.name}: nothing to hoist ({why})")
        taken = names_in(wrapper.module)
        names: dict[int, str] = {}
        for site in finder.sites:
            names[id(site.table)] = unique_name(site.base, taken)
            taken.add(names[id(site.table)])
        new = wrapper.module.visit(_Rewriter(finder.sites, names))
        summary = (
            f"built {', '.join(names.values())} once at module level instead of on every call "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'table')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
