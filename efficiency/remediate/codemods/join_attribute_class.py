"""What one module shows about a class and a string attribute, for
:mod:`~efficiency.remediate.codemods.join_attribute`: which module-level class or function a
name is, whether the attribute is a plain one of the class (no bases, hooks, property, foreign
decorator, subclass), whether every store to it is an exact str or an append, and how the class
binds another name an object of it is used through."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.join_builder_facts import rebinds
from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.module_level import hidden_binding
from efficiency.remediate.codemods.pysource import code, walk

HOOKS = frozenset({"__setattr__", "__getattr__", "__getattribute__", "__delattr__"})
STORES = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del, cst.For, cst.CompFor)
#: attributes through which code stores any attribute by name
_RAW = frozenset({"__dict__", "__setattr__", "__delattr__"})
Parent = Callable[[cst.CSTNode], "cst.CSTNode | None"]


def is_attr(node: cst.CSTNode, obj: str, attr: str | None = None) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == obj
        and (attr is None or node.attr.value == attr)
        and not node.lpar
    )


def attr_append(node: cst.CSTNode, obj: str) -> tuple[str, list[cst.BaseExpression]] | None:
    """``obj.a += p`` or ``obj.a = obj.a + p + q`` → (``a``, the pieces)."""
    if isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign):
        if is_attr(node.target, obj):
            return node.target.attr.value, [node.value]  # type: ignore[attr-defined]
        return None
    if not isinstance(node, cst.Assign) or len(node.targets) != 1:
        return None
    target = node.targets[0].target
    if not is_attr(target, obj):
        return None
    attr = target.attr.value  # type: ignore[attr-defined]
    pieces: list[cst.BaseExpression] = []
    value = node.value
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        pieces.insert(0, value.right)
        value = value.left
    return (attr, pieces) if pieces and is_attr(value, obj, attr) else None


def module_def(
    module: cst.Module, name: str, kind: type[cst.FunctionDef] | type[cst.ClassDef]
) -> cst.FunctionDef | cst.ClassDef | None:
    """The def (or class) ``name`` at the module's top level, when nothing else in the module
    binds that name (another def or class, an import, an assignment, a ``global`` store...)."""
    found = [s for s in module.body if isinstance(s, kind) and s.name.value == name]
    if len(found) != 1 or hidden_binding(module, [name]):
        return None
    for stmt in module.body:
        if stmt is found[0]:
            continue
        if isinstance(stmt, cst.FunctionDef | cst.ClassDef) and stmt.name.value == name:
            return None
        if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
            if any(isinstance(n, cst.Global) and any(a.name.value == name for a in n.names)
                   for n in walk(stmt)):  # fmt: skip
                return None
        elif rebinds(stmt, name) or any(
            (isinstance(n, cst.ImportAlias) and n.asname is None
             and code(n.name).split(".")[0] == name)
            or (isinstance(n, cst.FunctionDef | cst.ClassDef) and n.name.value == name)
            for n in walk(stmt)
        ):  # fmt: skip
            return None  # (a def or class of that name under an ``if``/``try`` too)
    return found[0]


def subclass_of(module: cst.Module, cls: cst.ClassDef) -> str | None:
    """A class of the module that names ``cls`` among its bases."""
    return next(
        (
            d.name.value
            for d in walk(module)
            if isinstance(d, cst.ClassDef)
            and any(
                isinstance(n, cst.Name) and n.value == cls.name.value
                for b in d.bases
                for n in walk(b.value)
            )
        ),
        None,
    )


def class_refusal(module: cst.Module, cls: cst.ClassDef, attr: str) -> str:
    """Why ``.attr`` of a ``cls`` object may not be a plain instance attribute, else ""."""
    if cls.keywords or any(
        not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases
    ):
        return f"class {cls.name.value} has bases (one could make .{attr} a property)"
    for decorator in cls.decorators:
        func = decorator.decorator
        call = func if isinstance(func, cst.Call) else None
        func = call.func if call else func
        frozen = call is not None and any(
            a.keyword is None or a.keyword.value == "frozen" for a in call.args
        )  # frozen=, or **options that may hold it
        if not _stdlib_dataclass(module, func) or frozen:
            return f"class {cls.name.value} is decorated with {code(decorator.decorator)}"
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
            if stmt.name.value in HOOKS | {attr}:
                return f"class {cls.name.value} defines {stmt.name.value}"
            continue
        for node in walk(stmt):
            if isinstance(node, cst.AnnAssign | cst.AugAssign):
                targets, value = [node.target], node.value
            elif isinstance(node, cst.Assign):
                targets, value = [t.target for t in node.targets], node.value
            else:
                continue
            named = any(isinstance(n, cst.Name) and n.value == attr for t in targets
                        for n in walk(t))  # fmt: skip
            if named and not (
                isinstance(node, cst.Assign | cst.AnnAssign) and exact_str(value, module)
            ):
                return f"class {cls.name.value} binds {attr} other than to a str"
    return ""


def _stdlib_dataclass(module: cst.Module, func: cst.BaseExpression) -> bool:
    """Is ``func`` the standard ``dataclass``: ``dataclass`` from ``from dataclasses import
    dataclass``, or ``dataclasses.dataclass`` from ``import dataclasses``, that name bound by
    nothing else in the module?"""
    text = code(func)
    if text not in {"dataclass", "dataclasses.dataclass"}:
        return False
    name = text.split(".")[0]
    found = []
    for node in walk(module):
        if isinstance(node, cst.Import | cst.ImportFrom) and not isinstance(
            node.names, cst.ImportStar
        ):
            found += [
                (node, a)
                for a in node.names
                if code(a.asname.name if a.asname else a.name).split(".")[0] == name
            ]
        elif isinstance(node, cst.FunctionDef | cst.ClassDef) and node.name.value == name:
            return False
    if (
        len(found) != 1
        or hidden_binding(module, [name])
        or any(rebinds(s, name) for s in module.body)
    ):
        return False
    node, alias = found[0]
    if alias.asname is not None or code(alias.name) != name:
        return False
    if name == "dataclasses":
        return isinstance(node, cst.Import)
    return (
        isinstance(node, cst.ImportFrom)
        and not node.relative
        and node.module is not None
        and code(node.module) == "dataclasses"
    )


def member(module: cst.Module, cls: cst.ClassDef, name: str) -> str:
    """How ``cls`` binds ``name`` in its body: "method" (a def, plain or a static or class
    method), "" (not at all, or a plain value: an annotation, a literal, ``field(...)``), else
    why reading ``obj.name`` could run code of its own."""
    shown = f"{cls.name.value}.{name}"
    kinds = set()
    for stmt in cls.body.body:
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == name:
            decorators = {code(d.decorator) for d in stmt.decorators}
            if not decorators <= {"staticmethod", "classmethod"}:
                return f"{shown} is decorated with {', '.join(sorted(decorators))}"
            kinds.add("method")
        elif isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign | cst.AnnAssign) and rebinds(small, name):
                    if small.value is not None and not _plain(small.value, module):
                        return f"{shown} is bound to `{code(small.value)[:40]}` (a descriptor?)"
                    kinds.add("value")
                elif rebinds(small, name):
                    return f"{shown} is bound other than by a plain assignment"
        elif rebinds(stmt, name) or (isinstance(stmt, cst.ClassDef) and stmt.name.value == name):
            return f"{shown} is bound by a compound statement or a nested class"
    if len(kinds) > 1:
        return f"{shown} is both a method and a value"
    return "method" if kinds == {"method"} else ""


def _plain(value: cst.BaseExpression, module: cst.Module) -> bool:
    """A value that cannot be a descriptor: a literal, a container of them, ``field(...)``."""
    if exact_str(value, module) or isinstance(value, cst.Integer | cst.Float | cst.Imaginary):
        return True
    if isinstance(value, cst.Name):
        return value.value in {"None", "True", "False"}
    if isinstance(value, cst.UnaryOperation):
        return isinstance(value.expression, cst.Integer | cst.Float)
    if isinstance(value, cst.Tuple | cst.List | cst.Set):
        return all(_plain(e.value, module) for e in value.elements)
    if isinstance(value, cst.Call):  # field(default=<a descriptor>) puts it on the class
        return code(value.func) in {"field", "dataclasses.field"} and all(
            a.keyword is not None and (a.keyword.value != "default" or _plain(a.value, module))
            for a in value.args
        )
    return False


def type_refusal(module: cst.Module, parent: Parent, attr: str) -> str:
    """Why ``.attr`` may hold something else than a str, else "": every store to it in the
    module must be an exact str or an append (``+=``, ``x.attr = x.attr + ...``)."""
    literal = False
    for node in walk(module):
        if not (isinstance(node, cst.Attribute) and node.attr.value == attr):
            continue
        up = parent(node)
        if isinstance(up, cst.AssignTarget) and up.target is node:
            assign = parent(up)
            value = assign.value if isinstance(assign, cst.Assign) else None
            obj = node.value.value if isinstance(node.value, cst.Name) else ""
            if assign is not None and attr_append(assign, obj) is not None:
                continue  # x.attr = x.attr + ...: str + str stays str
        elif isinstance(up, cst.AnnAssign) and up.target is node:
            value = up.value
        elif isinstance(up, cst.AugAssign) and up.target is node:
            if isinstance(up.operator, cst.AddAssign):
                continue
            return f".{attr} is changed by `{code(up.operator).strip()}`"
        elif _stored(parent, node):
            return f".{attr} is stored by unpacking, a loop, `as` or deleted"
        else:
            continue  # a read
        if not exact_str(value, module):
            shown = code(value)[:40] if value is not None else "?"
            return f".{attr} is also set to `{shown}`, not provably a str"
        literal = True
    if not literal and not _class_literal(module, attr):
        return f'nothing shows .{attr} starts as a str (no `.{attr} = "..."` in the module)'
    return ""


def _stored(parent: Parent, node: cst.CSTNode) -> bool:
    """Is ``node`` (not a plain assignment's target) stored to: unpacked into, a loop's or
    ``as`` target, deleted?"""
    child, outer = node, parent(node)
    while isinstance(outer, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
        child, outer = outer, parent(outer)
    if isinstance(outer, cst.AssignTarget | cst.For | cst.CompFor | cst.Del):
        return outer.target is child
    return isinstance(outer, cst.AsName) and outer.name is child


def _class_literal(module: cst.Module, attr: str) -> bool:
    return any(
        isinstance(n, cst.AnnAssign)
        and isinstance(n.target, cst.Name)
        and n.target.value == attr
        and exact_str(n.value, module)
        for n in walk(module)
    )


def patch_refusal(module: cst.Module, cls: cst.ClassDef) -> str:
    """Why code of the module could give ``cls`` (or an object's ``__dict__``) a member the
    class body does not show, else "": ``setattr``/``delattr``/``vars(x)``/``__dict__``/
    ``object.__setattr__``, a store to ``x.__class__``, or to an attribute of the class itself
    (``Job.size = property(...)``, through ``type(x)``, ``x.__class__`` or a classmethod's
    ``cls``)."""
    classy = {cls.name.value} | {
        m.params.params[0].name.value
        for m in cls.body.body
        if isinstance(m, cst.FunctionDef)
        and m.params.params
        and any(code(d.decorator) == "classmethod" for d in m.decorators)
    }
    for node in walk(module):
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            if node.func.value in {"setattr", "delattr"} or (
                node.func.value == "vars" and node.args
            ):
                return f"the module calls {node.func.value}(), which could store any attribute"
        elif isinstance(node, cst.Attribute) and node.attr.value in _RAW:
            return f"the module uses `{code(node)[:40]}`, which could store any attribute"
        elif isinstance(node, (*STORES, cst.AsName)):
            stored = node.name if isinstance(node, cst.AsName) else node.target
            for target in walk(stored):
                if not isinstance(target, cst.Attribute):
                    continue
                owner = target.value
                if (
                    (isinstance(owner, cst.Name) and owner.value in classy)
                    or isinstance(owner, cst.Call)
                    or (isinstance(owner, cst.Attribute) and owner.attr.value == "__class__")
                    or target.attr.value == "__class__"
                ):
                    return f"`{code(target)}` is stored to: it could change {cls.name.value}"
    return ""


def start_refusal(
    module: cst.Module,
    cls: cst.ClassDef,
    func: cst.FunctionDef,
    loop: cst.CSTNode,
    obj: str,
    attr: str,
) -> str:
    """Why ``obj.attr`` may be missing, or not a str, when ``loop`` (in ``func``) starts, else
    "" (the stores of the module are exact strs, :func:`type_refusal`): ``func`` stores it in a
    statement of its own before the one holding the loop, or the class binds it at class level
    (not as a dataclass field, which ``__init__`` sets to whatever it is given), or the class's
    ``__init__`` stores it in a statement of its own (and no ``__new__`` in the module could
    make an object without it)."""
    if _stores_first(func, obj, attr, loop):
        return ""
    shown = f"{cls.name.value}.{attr}"
    dataclass = any("dataclass" in code(d.decorator) for d in cls.decorators)
    for stmt in cls.body.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.AnnAssign | cst.Assign) and rebinds(small, attr):
                if dataclass and isinstance(small, cst.AnnAssign):
                    return (
                        f"{shown} is a dataclass field, which {cls.name.value}(...) sets to "
                        f"whatever it is given; store a str to {obj}.{attr} before the loop"
                    )
                return ""
    methods = {m.name.value: m for m in cls.body.body if isinstance(m, cst.FunctionDef)}
    init = methods.get("__init__")
    if (
        init is not None
        and not any(isinstance(n, cst.Name) and n.value == "__new__" for n in walk(module))
        and init.params.params
        and _stores_first(init, init.params.params[0].name.value, attr, None)
    ):
        return ""
    return f"nothing shows {obj}.{attr} is set when the loop starts"


def _stores_first(func: cst.FunctionDef, obj: str, attr: str, loop: cst.CSTNode | None) -> bool:
    """Does a statement of ``func``'s own body, before the one holding ``loop`` (anywhere
    without one), store ``obj.attr = ...``?"""
    for stmt in func.body.body:
        if loop is not None and any(n is loop for n in walk(stmt)):
            return False
        if isinstance(stmt, cst.SimpleStatementLine) and any(
            isinstance(small, cst.Assign)
            and any(is_attr(t.target, obj, attr) for t in small.targets)
            for small in stmt.body
        ):
            return True
    return False
