"""Which object a loop builds a string attribute on, and whether a use of that object while the
attribute lags provably cannot read it, for :mod:`~efficiency.remediate.codemods.join_attribute`.

The object is a parameter of the loop's function: the first one of a plain method (an object of
the class around it) or one annotated with a class defined once in the module. A use of it is
safe when it reads or stores another plain attribute (``obj.x``: not a property, descriptor or
dunder, not a method taken without calling it), calls a method of the class that no code
reading the attribute is reached from, or passes the object to a function defined once at the
module's top level that is no such reader; the method's or function's own uses of the object
are held to the same rules, recursively. The readers are found by name, as a whole module
shows them: every def or class that mentions ``.attr``, or calls (by name) one that does.
Anything else (an alias, a comparison, a builtin, imported or unknown callee, ``*`` unpacking,
storing the object) is refused with the reason.
"""

from __future__ import annotations

import re

import libcst as cst

from efficiency.remediate.codemods.join_attribute_class import (
    STORES,
    Parent,
    member,
    module_def,
)
from efficiency.remediate.codemods.join_builder_facts import callee, rebinds
from efficiency.remediate.codemods.pysource import code, walk

#: code kept to run later
DEFERRED = (cst.Lambda, cst.FunctionDef, cst.ClassDef, cst.GeneratorExp)


def parameters(func: cst.FunctionDef) -> list[cst.Param]:
    """The named parameters (positional-only, ordinary, keyword-only), in order."""
    p = func.params
    return [*p.posonly_params, *p.params, *p.kwonly_params]


def object_class(
    module: cst.Module, parent: Parent, func: cst.FunctionDef, name: str
) -> tuple[cst.ClassDef | None, str]:
    """The class parameter ``name`` of ``func`` is an object of, or why none is shown."""
    param = next(p for p in parameters(func) if p.name.value == name)
    annotation = param.annotation.annotation if param.annotation else None
    named = None
    if isinstance(annotation, cst.Name):
        named = annotation.value
    elif isinstance(annotation, cst.SimpleString):
        text = annotation.evaluated_value
        named = text if isinstance(text, str) and text.isidentifier() else None
    cls = module_def(module, named, cst.ClassDef) if named else None
    if isinstance(cls, cst.ClassDef):
        return cls, ""
    positional = func.params.posonly_params or func.params.params
    owner = parent(parent(func))  # type: ignore[arg-type]
    if positional and positional[0] is param and isinstance(owner, cst.ClassDef):
        if not func.decorators:
            return owner, ""
        return None, f"{func.name.value} is decorated, so {name} may not be a {owner.name.value}"
    if annotation is not None:
        return None, f"{name} is annotated `{code(annotation)}`, not a class defined in this module"
    return None, f"{name} is neither annotated with a class of this module nor a method's object"


def readers(module: cst.Module, attrs: set[str], names: frozenset[str] = frozenset()) -> set[str]:
    """The names of the module's functions and classes that mention ``.attr`` for one of
    ``attrs`` or one of the module-level ``names`` (objects that may be the one built), or
    call one that does (by name, so any method of that name counts); and the module-level
    names whose assigned value mentions any of these (``PEEK = lambda: DEFAULT.payload``,
    ``SHOW = partial(show, ...)``)."""
    defs = [d for d in walk(module) if isinstance(d, cst.FunctionDef | cst.ClassDef)]
    values = [
        (n.value, small.value)
        for stmt in module.body
        for small in (stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ())
        if isinstance(small, cst.Assign | cst.AnnAssign) and small.value is not None
        for t in (small.targets if isinstance(small, cst.Assign) else [small])
        for n in walk(t.target)
        if isinstance(n, cst.Name)
    ]

    def reads(node: cst.CSTNode, found: set[str], by_name: bool) -> bool:
        return any(
            (isinstance(n, cst.Attribute) and n.attr.value in attrs)
            or (isinstance(n, cst.Name) and n.value in names | (found if by_name else set()))
            or (isinstance(n, cst.Call) and callee(n.func) in found)
            for n in walk(node)
        )

    found: set[str] = set()
    grown = True
    while grown:
        before = len(found)
        found |= {d.name.value for d in defs if reads(d, found, False)}
        found |= {name for name, value in values if reads(value, found, True)}
        grown = len(found) > before
    return found


def alias_names(
    module: cst.Module, func: cst.FunctionDef, cls: cst.ClassDef, obj: str
) -> tuple[set[str], frozenset[str]]:
    """Names that may hold the object too: module-level names bound to a value or annotation
    naming ``cls`` (``DEFAULT = Job()``, ``T = TypeVar("T", bound=Job)``) or declared
    ``global`` in a function, and ``func``'s other parameters whose annotation names ``cls``,
    such a name or a ``Protocol`` of the module (``other: Job``, ``"Job"``, ``list[T]``)."""
    kinds = {cls.name.value} | {
        c.name.value
        for c in module.body
        if isinstance(c, cst.ClassDef) and any("Protocol" in code(b.value) for b in c.bases)
    }
    found = {a.name.value for n in walk(module) if isinstance(n, cst.Global) for a in n.names}
    grown = True
    while grown:  # ALL = [DEFAULT] holds it too
        before = len(found)
        for stmt in module.body:
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign | cst.AnnAssign) and (
                    _names(small.value, {cls.name.value} | found, strings=False)
                    or (isinstance(small, cst.AnnAssign) and _names(small.annotation, kinds))
                ):
                    targets = small.targets if isinstance(small, cst.Assign) else [small]
                    found |= {n.value for t in targets for n in walk(t.target)
                              if isinstance(n, cst.Name)}  # fmt: skip
        grown = len(found) > before
    params = {
        p.name.value
        for p in (*parameters(func), func.params.star_arg, func.params.star_kwarg)
        if isinstance(p, cst.Param) and p.name.value != obj and p.annotation is not None
        and _names(p.annotation.annotation, kinds | found)
    }  # fmt: skip
    return params | found, frozenset(found)


def _names(node: cst.CSTNode | None, names: set[str], strings: bool = True) -> bool:
    """Does ``node`` mention one of ``names`` (as a name, or a word of a string: a string
    annotation)?"""
    words = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")
    return node is not None and any(
        (isinstance(n, cst.Name) and n.value in names)
        or (strings and isinstance(n, cst.SimpleString) and words.search(n.value))
        for n in walk(node)
    )


def is_reference(parent: Parent, node: cst.Name) -> bool:
    """Is ``node`` a use of a variable (not an attribute's, keyword's or parameter's name)?"""
    up = parent(node)
    if isinstance(up, cst.Attribute) and up.attr is node:
        return False
    if isinstance(up, cst.Arg) and up.keyword is node:
        return False
    return not (isinstance(up, cst.Param) and up.name is node)


class ObjectUses:
    """Checks uses of an object of ``cls`` while its attributes ``built`` lag."""

    def __init__(
        self,
        module: cst.Module,
        parent: Parent,
        cls: cst.ClassDef,
        built: set[str],
        shared: frozenset[str] = frozenset(),
    ) -> None:
        self.module = module
        self.parent = parent
        self.cls = cls
        self.built = built
        self.readers = readers(module, built, shared)
        self.shown = "/".join(f".{a}" for a in sorted(built))
        self._seen: set[tuple[int, str]] = set()

    def refusal(self, node: cst.Name, scope: cst.FunctionDef) -> str:
        """Why this use of the object (in ``scope``) could read a built attribute, else ""."""
        up = self.parent(node)
        if isinstance(up, cst.Attribute) and up.value is node:
            return self._attribute(up)
        call = self.parent(up) if isinstance(up, cst.Arg) else None
        if isinstance(up, cst.Arg) and isinstance(call, cst.Call) and up.value is node:
            return self._passed(call, up, scope)
        context = code(up)[:50] if up is not None else node.value
        return (
            f"`{context}` uses {node.value} other than through its attributes, methods or "
            "the module's functions"
        )

    def outside(self, node: cst.Name, func: cst.FunctionDef) -> str:
        """Why a use of the object in ``func`` but outside the loop, that may run before it,
        could let the loop read a built attribute, else "": one kept for later (a lambda, a
        nested def or class, a generator expression, a bound method, a container, a call's
        argument, a method called) is held to the loop's rules; reading or storing a plain
        attribute keeps nothing."""
        for up in self._up_to(node, func):
            if isinstance(up, DEFERRED):
                return f"`{code(up)[:50]}` keeps {node.value} for later, before the loop"
        up = self.parent(node)
        if isinstance(up, cst.Attribute) and up.value is node:
            name, outer = up.attr.value, self.parent(up)
            called = isinstance(outer, cst.Call) and outer.func is up
            if name in self.built or not (
                called or name.startswith("__") or member(self.module, self.cls, name) == "method"
            ):
                return ""  # read or stored now, nothing kept
        why = self.refusal(node, func)
        return f"before the loop: {why}" if why else ""

    def _up_to(self, node: cst.CSTNode, func: cst.FunctionDef) -> list[cst.CSTNode]:
        chain = []
        up = self.parent(node)
        while up is not None and up is not func:
            chain.append(up)
            up = self.parent(up)
        return chain

    def _attribute(self, attribute: cst.Attribute) -> str:
        name, shown = attribute.attr.value, code(attribute)
        if name in self.built:
            return f"`{shown}` is used other than to append to it"
        if name.startswith("__"):
            return f"`{shown}` reaches the object's internals"
        up = self.parent(attribute)
        called = isinstance(up, cst.Call) and up.func is attribute
        kind = member(self.module, self.cls, name)
        if kind not in {"", "method"}:
            return kind
        if kind == "":
            cls = self.cls.name.value
            return f"`{shown}(...)` calls an attribute, not a method of {cls}" if called else ""
        if not called:
            return f"`{shown}` takes a bound method without calling it"
        if name in self.readers:
            return f"`{shown}` is called in the loop and could read {self.shown}"
        if any(isinstance(n, STORES) and any(isinstance(t, cst.Attribute) and t.attr.value == name
               for t in walk(n.target)) for n in walk(self.module)):  # fmt: skip
            return f"`.{name}` is also stored to, which could hide the method {name}"
        for method in self.cls.body.body:
            if not (isinstance(method, cst.FunctionDef) and method.name.value == name):
                continue
            positional = method.params.posonly_params or method.params.params
            if method.decorators or not positional:
                continue  # a static or class method is not given the object
            why = self._param_refusal(method, positional[0].name.value)
            if why:
                return why
        return ""

    def _passed(self, call: cst.Call, arg: cst.Arg, scope: cst.FunctionDef) -> str:
        obj = code(arg.value)
        if not isinstance(call.func, cst.Name):
            return f"{obj} is passed to `{code(call.func)}`, not a function of this module"
        name = call.func.value
        func = module_def(self.module, name, cst.FunctionDef)
        if not isinstance(func, cst.FunctionDef) or rebinds(scope, name):
            return f"{obj} is passed to `{name}`, not a function defined once in this module"
        if name in self.readers:
            return f"{obj} is passed to `{name}`, which could read {self.shown}"
        if func.decorators:
            return f"{obj} is passed to `{name}`, which is decorated"
        param = _parameter_for(call, arg, func)
        if param is None:
            return f"{obj} is passed to `{name}` through *args, **kwargs or unpacking"
        return self._param_refusal(func, param)

    def _param_refusal(self, func: cst.FunctionDef, param: str) -> str:
        """Why ``func``'s own uses of its parameter ``param`` (the object) could read a built
        attribute, else ""."""
        key = (id(func), param)
        if key in self._seen:
            return ""
        self._seen.add(key)
        if rebinds(func.body, param):
            return f"{func.name.value} rebinds its parameter {param}"
        for node in walk(func.body):
            if (
                isinstance(node, cst.Name)
                and node.value == param
                and is_reference(self.parent, node)
                and (why := self.refusal(node, func))
            ):
                return f"in {func.name.value}: {why}"
        return ""


def _parameter_for(call: cst.Call, arg: cst.Arg, func: cst.FunctionDef) -> str | None:
    """The parameter of ``func`` that ``arg`` of ``call`` binds, None when unpacking is
    involved or it lands in ``*args``/``**kwargs``."""
    if arg.star or any(a.star for a in call.args):
        return None
    if arg.keyword is not None:
        named = [p.name.value for p in (*func.params.params, *func.params.kwonly_params)]
        return arg.keyword.value if arg.keyword.value in named else None
    index = next(i for i, a in enumerate(call.args) if a is arg)
    positional = [*func.params.posonly_params, *func.params.params]
    return positional[index].name.value if index < len(positional) else None
