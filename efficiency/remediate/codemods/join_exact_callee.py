"""Which ``def`` a ``self.m(...)`` call provably runs, and whether a module may hand a str
subclass with operators of its own to a ``+``, for
:mod:`~efficiency.remediate.codemods.join_exact`.

``self.m(...)`` runs the class's own ``m`` when ``self`` is the first parameter of the method
holding the call (the innermost function around it, undecorated and not one Python makes static
or a classmethod by itself, ``self`` never rebound there), the class is defined at module level
with no bases (``object`` aside, when the module binds no name ``object``), keywords or
decorators, and the module names the class only to call it (an alias could be subclassed,
``Cls.method(other)`` or ``type(obj).method(other)`` hands the holder a ``self`` of another
class: a ``type(x)`` serves only for ``.__name__``-like reads and ``is``/``==`` tests; no
``globals()``, ``locals()``, ``sys.modules`` or ``__subclasses__`` fetches it unnamed), it binds
``m`` once, as an undecorated non-async ``def`` with a first parameter (nowhere else in its
body, under an ``if`` either), and binds no ``__getattr__``/``__getattribute__``; nothing in the
module stores an attribute called ``m`` or reaches attributes by computed names (``setattr``,
``__dict__``, ``vars``) or through code in a string (``exec``, ``eval``). A subclass defined in
another module overriding ``m`` is beyond what one module can show.

``a + b`` with one exact str operand is an exact str when no type of the module adds itself
to a str: no class with a base of ``str``'s family or a starred base list, no ``__add__`` or
``__radd__`` named anywhere in the module (a class's own, one stored on a class, one in a
``type(...)`` namespace), and no import of a ``Markup`` (markupsafe's, or the one flask and
jinja2 re-exported).
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import walk

_HOOKS = frozenset({"__getattr__", "__getattribute__"})
#: methods Python makes static (``__new__``) or class methods without a decorator
_IMPLICIT = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
#: what reading through ``type(x)`` may do without reaching the class's methods
_TYPE_READS = frozenset({"__name__", "__qualname__", "__module__"})
#: ways to reach a class without naming it
_UNNAMED = frozenset({"globals", "locals", "modules", "__subclasses__"})
_BY_NAME = frozenset({"setattr", "__dict__", "vars", "__setattr__", "__class__", "exec", "eval"})
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
    if method.decorators or method.name.value in _IMPLICIT:
        return None  # self may be any object, or the class
    if _first_param(method) != func.value.value or _rebinds(method, func.value.value):
        return None
    if not _plain_class(cls, module) or _stored_anywhere(module, func.attr.value):
        return None
    if _class_reached(module, cls.name.value):
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


def plain_addition(module: cst.Module | None) -> bool:
    """Does no type of the module add itself to a str (see the module docstring)?"""
    if module is None:
        return False
    for node in walk(module):
        if isinstance(node, cst.ClassDef):
            for base in node.bases:
                name = base.value
                tail = name.attr.value if isinstance(name, cst.Attribute) else None
                if isinstance(name, cst.Name):
                    tail = name.value
                if base.star or tail is None or tail in {"str", "UserString", "Markup"}:
                    return False
        elif isinstance(node, cst.Import | cst.ImportFrom) and "markup" in _code(node):
            return False
    return not any(hook in module.code for hook in ("__add__", "__radd__"))


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
    if any(
        b.star or not (isinstance(b.value, cst.Name) and b.value.value == "object")
        for b in cls.bases
    ):
        return False
    if cls.bases and _module_binds(module, "object"):
        return False
    for node in walk(module):
        if isinstance(node, cst.ClassDef) and any(
            isinstance(n, cst.Name) and n.value == cls.name.value
            for b in node.bases
            for n in walk(b)
        ):
            return False
    return not any(_binds_at_class(s, hook) for s in cls.body.body for hook in _HOOKS)


def _class_reached(module: cst.Module, name: str) -> bool:
    """Could the module get hold of the class ``name`` other than to call it (an alias, a
    ``Cls.method`` or ``type(obj).method`` taking any ``self``)?"""
    called: set[int] = set()
    for node in walk(module):
        if isinstance(node, cst.Call):
            called.add(id(node.func))
        elif isinstance(node, cst.ClassDef) and node.name.value == name:
            called.add(id(node.name))
        elif isinstance(node, cst.Attribute) and node.attr.value in _TYPE_READS:
            called.add(id(node.value))
        elif isinstance(node, cst.Comparison):
            called.update(id(n) for n in (node.left, *(c.comparator for c in node.comparisons)))
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Annotation):
            continue
        if isinstance(node, cst.Name) and (
            node.value in _UNNAMED or (node.value == name and id(node) not in called)
        ):
            return True
        if _is_type_of(node) and id(node) not in called:
            return True
        stack.extend(node.children)
    return False


def _is_type_of(node: cst.CSTNode) -> bool:
    """``type(x)``: the class of ``x``."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value == "type"
        and len(node.args) == 1
    )


def _module_binds(module: cst.Module, name: str) -> bool:
    """Does anything in the module bind ``name`` (or ``import *`` maybe)?"""
    for node in walk(module):
        target: cst.CSTNode | None = None
        if isinstance(node, cst.ImportStar):
            return True
        if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
                      | cst.CompFor | cst.NamedExpr | cst.Del):  # fmt: skip
            target = node.target
        elif isinstance(node, cst.AsName | cst.Param | cst.FunctionDef | cst.ClassDef) or (
            isinstance(node, cst.ImportAlias) and node.asname is None
        ):
            target = node.name
        elif isinstance(node, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
            target = node  # a capture pattern: every name in it may be bound
        if target is not None and name in _names(target) | _dotted_head(target):
            return True
    return False


def _names(target: cst.CSTNode) -> set[str]:
    """The plain names a target binds; every name for a match pattern."""
    if isinstance(target, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
        return {n.value for n in walk(target) if isinstance(n, cst.Name)}
    return _bound(target)


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
    """Does a statement of a class body bind ``name`` (a second ``def``, one under an ``if``,
    an assignment...)? Nested scopes count too (an over-cautious no)."""
    for node in walk(stmt):
        target: cst.CSTNode | None = None
        if isinstance(node, cst.FunctionDef | cst.ClassDef):
            target = node.name
        elif isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.For
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
