"""Which ``def`` a ``self.m(...)`` call provably runs, and whether a module may hand a str
subclass with operators of its own to a ``+``, for
:mod:`~efficiency.remediate.codemods.join_exact`.

``self.m(...)`` runs the class's own ``m`` when ``self`` is the first parameter of the method
holding the call (the innermost function around it, never rebound there), the class is defined
at module level with no bases (``object`` aside), keywords or decorators, no class of the module
names it as a base, it binds ``m`` once, as an undecorated non-async ``def`` with a first
parameter, and defines no ``__getattr__``/``__getattribute__``; nothing in the module stores
an attribute called ``m`` or reaches attributes by computed names (``setattr``, ``__dict__``,
``vars``). A subclass defined in another module overriding ``m`` is beyond what one module can
show.
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import walk

_HOOKS = frozenset({"__getattr__", "__getattribute__"})
_BY_NAME = frozenset({"setattr", "__dict__", "vars", "__setattr__", "__class__"})
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


def method_called(call: cst.Call, module: cst.Module | None) -> cst.FunctionDef | None:
    """The method ``call`` (``obj.m(...)``) provably runs, else ``None``."""
    func = call.func
    if module is None or not isinstance(func, cst.Attribute):
        return None
    if not isinstance(func.value, cst.Name):
        return None
    holder = _holder(module, call)
    if holder is None:
        return None
    cls, method = holder
    if _first_param(method) != func.value.value or _rebinds(method, func.value.value):
        return None
    if not _plain_class(cls, module) or _stored_anywhere(module, func.attr.value):
        return None
    defs = [
        s for s in cls.body.body
        if isinstance(s, cst.FunctionDef) and s.name.value == func.attr.value
    ]  # fmt: skip
    if len(defs) != 1 or defs[0].decorators or defs[0].asynchronous or not _first_param(defs[0]):
        return None
    if any(_binds_at_class(s, func.attr.value) for s in cls.body.body if s is not defs[0]):
        return None
    return defs[0]


def no_str_subclass(module: cst.Module | None) -> bool:
    """Neither defines a class with bases of ``str``'s family nor imports ``markupsafe``."""
    if module is None:
        return False
    for node in walk(module):
        if isinstance(node, cst.ClassDef):
            for base in node.bases:
                name = base.value
                tail = name.attr.value if isinstance(name, cst.Attribute) else None
                if isinstance(name, cst.Name):
                    tail = name.value
                if tail is None or tail in {"str", "UserString", "Markup"}:
                    return False
        elif isinstance(node, cst.Import | cst.ImportFrom) and "markupsafe" in _code(node):
            return False
    return True


def _holder(module: cst.Module, call: cst.Call) -> tuple[cst.ClassDef, cst.FunctionDef] | None:
    """The module-level class and its method whose own body (not a nested scope) holds
    ``call``."""
    for cls in module.body:
        if not isinstance(cls, cst.ClassDef):
            continue
        for method in cls.body.body:
            if isinstance(method, cst.FunctionDef) and _directly_in(method, call):
                return cls, method
    return None


def _directly_in(func: cst.FunctionDef, target: cst.CSTNode) -> bool:
    stack: list[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        if node is target:
            return True
        if isinstance(node, _SCOPES):
            continue
        stack.extend(node.children)
    return False


def _first_param(func: cst.FunctionDef) -> str | None:
    params = [*func.params.posonly_params, *func.params.params]
    return params[0].name.value if params else None


def _rebinds(func: cst.FunctionDef, name: str) -> bool:
    """Does ``func`` bind ``name`` anywhere but as its first parameter?"""
    first = ([*func.params.posonly_params, *func.params.params] or [None])[0]
    for node in walk(func):
        if isinstance(node, cst.Param) and node is not first and node.name.value == name:
            return True
        target: cst.CSTNode | None = None
        if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
                      | cst.CompFor | cst.NamedExpr | cst.Del):  # fmt: skip
            target = node.target
        elif isinstance(node, cst.AsName):
            target = node.name  # ``except E as self``, ``with x as self``, ``import x as self``
        elif isinstance(node, cst.Global | cst.Nonlocal):
            if any(item.name.value == name for item in node.names):
                return True
        elif isinstance(node, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
            if any(isinstance(n, cst.Name) and n.value == name for n in walk(node)):
                return True
        elif isinstance(node, cst.FunctionDef | cst.ClassDef) and node is not func:
            target = node.name
        if target is not None and name in _bound(target):
            return True
    return False


def _bound(target: cst.CSTNode) -> set[str]:
    """The plain names a target binds (not those read in ``a.b``/``a[i]`` targets)."""
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        return {n for e in target.elements for n in _bound(e.value)}
    if isinstance(target, cst.StarredElement):
        return _bound(target.value)
    return set()


def _plain_class(cls: cst.ClassDef, module: cst.Module) -> bool:
    if cls.decorators or cls.keywords:
        return False
    if any(not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases):
        return False
    for node in walk(module):
        if isinstance(node, cst.ClassDef) and any(
            isinstance(n, cst.Name) and n.value == cls.name.value
            for b in node.bases
            for n in walk(b)
        ):
            return False
    return not any(isinstance(s, cst.FunctionDef) and s.name.value in _HOOKS for s in cls.body.body)


def _stored_anywhere(module: cst.Module, attr: str) -> bool:
    """Does the module store ``x.attr`` or reach attributes by computed names?"""
    for node in walk(module):
        if isinstance(node, cst.Name) and node.value in _BY_NAME:
            return True
        targets: list[cst.CSTNode] = []
        if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
                      | cst.CompFor | cst.Del | cst.NamedExpr):  # fmt: skip
            targets.append(node.target)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            targets.append(node.asname)
        for target in targets:
            if any(isinstance(n, cst.Attribute) and n.attr.value == attr for n in walk(target)):
                return True
    return False


def _binds_at_class(stmt: cst.CSTNode, name: str) -> bool:
    """Does a statement of a class body bind ``name`` (a second ``def``, an assignment...)?"""
    if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
        return stmt.name.value == name
    for node in walk(stmt):
        target: cst.CSTNode | None = None
        if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
                      | cst.NamedExpr):  # fmt: skip
            target = node.target
        elif isinstance(node, cst.AsName) or (
            isinstance(node, cst.ImportAlias) and node.asname is None
        ):
            target = node.name
        if target is not None and name in _bound(target) | _dotted_head(target):
            return True
    return False


def _dotted_head(target: cst.CSTNode) -> set[str]:
    """``import a.b`` binds ``a``."""
    while isinstance(target, cst.Attribute):
        target = target.value
    return {target.value} if isinstance(target, cst.Name) else set()


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node).lower()
