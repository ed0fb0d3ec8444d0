"""Names and stores in the functions ``deepcopy-shallow`` follows: how often a name is bound,
whether a use loads it, whether a subscript is stored to, and which scope holds a node; and
whether a module can rebind its names behind their bindings' backs."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from efficiency.remediate.codemods.pysource import SCOPES, walk


def stored(node: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]) -> bool:
    """Is ``node`` (a subscript) stored to or deleted: a target of an assignment, ``del``,
    ``for``, comprehension or ``as``, alone or inside a tuple or list target?"""
    current, above = node, parent(node)
    while isinstance(above, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
        current, above = above, parent(above)
    if isinstance(above, cst.AssignTarget | cst.AugAssign | cst.For | cst.CompFor | cst.Del):
        return above.target is current
    return isinstance(above, cst.AsName) and above.name is current


def scope_of(node: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]) -> cst.CSTNode:
    current = parent(node)
    while current is not None and not isinstance(current, (*SCOPES, cst.Module)):
        current = parent(current)
    assert current is not None
    return current


def nested_binding(
    use: cst.Name, scope: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> bool:
    """Is ``use`` inside a def, class or lambda nested in ``scope`` (which could keep it)?"""
    current = parent(use)
    while current is not None and current is not scope:
        if isinstance(current, SCOPES):
            return True
        current = parent(current)
    return False


def bindings(scope: cst.CSTNode, name: str) -> int:
    """How often ``name`` is bound in ``scope`` (parameters, targets, imports, del, global)."""
    count = 0
    for node in walk(scope):
        if isinstance(node, cst.Param) and node.name.value == name:
            count += 1
        elif isinstance(node, cst.Global | cst.Nonlocal):
            count += sum(n.name.value == name for n in node.names)
        elif isinstance(node, cst.FunctionDef | cst.ClassDef) and node is not scope:
            count += node.name.value == name
        else:
            target = _target_of(node)
            if target is not None:
                count += sum(n.value == name for n in _bound_names(target))
    return count


def _bound_names(target: cst.CSTNode) -> Iterator[cst.Name]:
    """The names a target binds (not those read in its subscripts or attributes)."""
    if isinstance(target, cst.Name):
        yield target
    elif isinstance(target, cst.Tuple | cst.List):
        for element in target.elements:
            yield from _bound_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _bound_names(target.value)


def _target_of(node: cst.CSTNode) -> cst.CSTNode | None:
    if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For):
        return node.target
    if isinstance(node, cst.CompFor | cst.Del):
        return node.target
    if isinstance(node, cst.AsName):
        return node.name
    if isinstance(node, cst.NamedExpr):
        return node.target
    if isinstance(node, cst.ImportAlias):
        return node.asname.name if node.asname else node.name
    return None


def loaded(
    node: cst.CSTNode, name: str, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> bool:
    """Is ``node`` the name ``name`` as a variable (not an attribute's or keyword's name)?"""
    if not isinstance(node, cst.Name) or node.value != name:
        return False
    above = parent(node)
    if isinstance(above, cst.Attribute) and above.attr is node:
        return False
    return not (isinstance(above, cst.Arg) and above.keyword is node)


#: calls that can rebind a module's functions behind its back
_REBINDERS = frozenset({"globals", "setattr", "vars", "exec", "eval"})
#: attributes that reach a module's namespace, where a store rebinds its functions
_NAMESPACES = frozenset({"__dict__", "__globals__"})


def rebinds(module: cst.Module | None) -> bool:
    """Does ``module`` call ``globals()``/``setattr``... or reach a namespace through
    ``__dict__``/``__globals__`` (``f.__globals__["name"] = other``)?"""
    return module is not None and any(
        (isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in _REBINDERS)
        or (isinstance(n, cst.Attribute) and n.attr.value in _NAMESPACES)
        for n in walk(module)
    )


def reached_by_name(module: cst.Module, name: str) -> str | None:
    """How ``module`` may reach its global ``name`` other than by the name itself, or None:
    as an attribute (``sys.modules[__name__].C``, ``import self; self.C``), by a string
    (``getattr(module, "C")``) or through a namespace (``__dict__``, ``__globals__``)."""
    for node in walk(module):
        if isinstance(node, cst.Attribute) and node.attr.value in {name, *_NAMESPACES}:
            return f"`{node.attr.value}` is read as an attribute"
        if isinstance(node, cst.SimpleString) and node.evaluated_value == name:
            return f"the string {node.value} names it"
    return None
