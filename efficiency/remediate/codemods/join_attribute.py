"""String building on an attribute (``self.text += piece`` in a loop) with a list and one
``join`` (part of ``join-strings``).

An attribute holds a reference to the string, so CPython can never grow it in place: every
``+=`` copies all of it. The pieces go to a local list and are added to the attribute once,
in a ``finally`` so that an exception leaving the loop (or a ``return``/``break`` in it) leaves
the attribute holding exactly the pieces appended so far, as before::

    for row in rows:                         body_parts = []
        self.body += fmt(row)          →     try:
                                                 for row in rows:
                                                     body_parts.append(fmt(row))
                                             finally:
                                                 if body_parts:
                                                     self.body += "".join(body_parts)

``self.body = self.body + a + b`` is rewritten alike (``body_parts.extend((a, b))``). While the
loop runs the attribute lags behind, so nothing that could read it may run there: the loop
(its body, ``else:``, a ``while`` test) mentions the object only in those statements, calls no
function or method of the module whose code reads ``.body``, directly or through calls (nor
``getattr``-style introspection), and neither yields nor awaits. The attribute must be a plain
one holding a str: the class has no bases (and no class of the module subclasses it), no
``__setattr__``/``__getattr__``/``__getattribute__``/``__delattr__``, no class-level ``body``
other than an exact str, no decorator but a non-frozen ``dataclass``, and every store to
``.body`` in the module is a provably exact str (a literal, an f-string, a conditional of
them, a module constant...: :mod:`~efficiency.remediate.codemods.join_exact`) or one of
these appends. (A subclass defined elsewhere that makes ``body`` a property, or code elsewhere
storing a non-str in it, is beyond what one module can show.) As for a local string, the
pieces are taken to be str: one that is not makes both versions raise ``TypeError``, the
original at that piece with the pieces before it added, the rewrite after the loop with none of
them added. Anything else is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import (
    INTROSPECTION,
    SCOPES,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    code,
    walk,
)

_HOOKS = frozenset({"__setattr__", "__getattr__", "__getattribute__", "__delattr__"})


@dataclass
class AttrSite:
    loop: cst.For | cst.While
    obj: str
    attr: str
    #: the appending statements -> their pieces, in order
    appends: dict[int, list[cst.BaseExpression]]
    owner: str
    parts: str = ""


def _is_attr(node: cst.CSTNode, obj: str, attr: str | None = None) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == obj
        and (attr is None or node.attr.value == attr)
        and not node.lpar
    )


def _attr_append(node: cst.CSTNode, obj: str) -> tuple[str, list[cst.BaseExpression]] | None:
    """``obj.a += p`` or ``obj.a = obj.a + p + q`` → (``a``, the pieces)."""
    if isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign):
        if _is_attr(node.target, obj):
            return node.target.attr.value, [node.value]  # type: ignore[attr-defined]
        return None
    if not isinstance(node, cst.Assign) or len(node.targets) != 1:
        return None
    target = node.targets[0].target
    if not _is_attr(target, obj):
        return None
    attr = target.attr.value  # type: ignore[attr-defined]
    pieces: list[cst.BaseExpression] = []
    value = node.value
    while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        pieces.insert(0, value.right)
        value = value.left
    return (attr, pieces) if pieces and _is_attr(value, obj, attr) else None


class AttrFinder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module = module
        self.sites: list[AttrSite] = []
        self.refused: list[str] = []
        self._done: set[int] = set()

    def visit_For(self, node: cst.For) -> None:
        self._consider(node)

    def visit_While(self, node: cst.While) -> None:
        self._consider(node)

    def _consider(self, loop: cst.For | cst.While) -> None:
        if not self.active or id(loop) in self._done:
            return
        method = self.scope_of(loop)
        if not isinstance(method, cst.FunctionDef) or not method.params.params:
            return
        obj = method.params.params[0].name.value
        appends: dict[int, tuple[str, list[cst.BaseExpression], cst.CSTNode]] = {}
        for node in walk(loop):
            found = _attr_append(node, obj)
            if found is not None:
                appends[id(node)] = (*found, node)
        if not appends:
            return
        self._done |= {id(n) for n in walk(loop) if isinstance(n, cst.For | cst.While)}
        attrs = sorted({a for a, _, _ in appends.values()})
        shown = f"`{obj}.{attrs[0]} += ...` loop"
        why = self._refusal(loop, method, obj, attrs, appends)
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        pieces = {key: p for key, (_, p, _) in appends.items()}
        self.sites.append(AttrSite(loop, obj, attrs[0], pieces, self.def_stack[-1]))

    def _refusal(
        self,
        loop: cst.For | cst.While,
        method: cst.FunctionDef,
        obj: str,
        attrs: list[str],
        appends: dict[int, tuple[str, list[cst.BaseExpression], cst.CSTNode]],
    ) -> str:
        if len(attrs) > 1:
            return f"the loop builds several attributes ({', '.join(attrs)})"
        attr = attrs[0]
        cls = self.parent(self.parent(method))  # type: ignore[arg-type]
        if not isinstance(cls, cst.ClassDef) or method.decorators:
            return "not a plain method of a class"
        allowed: set[int] = set()
        for _, pieces, node in appends.values():
            if not any(a is loop.body for a in self.ancestors(node)):
                return f"{obj}.{attr} is appended to outside the loop body"
            if any(isinstance(a, SCOPES) for a in self._between(node, loop)):
                return f"{obj}.{attr} is appended to in a nested function or class"
            if any(_mentions(p, obj) for p in pieces):
                return f"the appended expression reads {obj}"
            allowed |= {id(n) for n in walk(node) if isinstance(n, cst.Name) and n.value == obj}
            allowed -= {id(n) for p in pieces for n in walk(p)}
        for part in _run_each_time(loop):
            for node in walk(part):
                if isinstance(node, cst.Name) and node.value == obj and id(node) not in allowed:
                    return f"the loop uses {obj} other than to append to {obj}.{attr}"
                if isinstance(node, cst.Yield | cst.Await):
                    return "the loop yields or awaits: code elsewhere could read the attribute"
                if isinstance(node, cst.Call) and self._could_read(node.func, attr):
                    return f"`{code(node.func)}` is called in the loop and could read .{attr}"
        subclass = next(
            (
                d.name.value
                for d in walk(self.module)
                if isinstance(d, cst.ClassDef)
                and any(_mentions(b.value, cls.name.value) for b in d.bases)
            ),
            None,
        )
        if subclass:
            return f"{subclass} subclasses {cls.name.value} (and could make .{attr} a property)"
        return self._class_refusal(cls, attr) or self._type_refusal(attr)

    def _between(self, node: cst.CSTNode, loop: cst.CSTNode) -> list[cst.CSTNode]:
        chain = list(self.ancestors(node))
        return chain[: next(i for i, a in enumerate(chain) if a is loop)]

    def _could_read(self, func: cst.BaseExpression, attr: str) -> bool:
        name = _callee(func)
        if name is None:
            return True  # a call of a call's result, a subscript...: unknown
        if name in INTROSPECTION or name in {"getattr", "setattr", "delattr"}:
            return True
        return name in self._readers(attr)

    def _readers(self, attr: str) -> set[str]:
        """The names of the module's functions and classes that read ``.attr``, or call one
        that does (by name, so any method of that name counts)."""
        defs = [d for d in walk(self.module) if isinstance(d, cst.FunctionDef | cst.ClassDef)]
        readers = {
            d.name.value
            for d in defs
            if any(isinstance(n, cst.Attribute) and n.attr.value == attr for n in walk(d))
        }
        grown = True
        while grown:
            before = len(readers)
            readers |= {
                d.name.value
                for d in defs
                if any(isinstance(n, cst.Call) and _callee(n.func) in readers for n in walk(d))
            }
            grown = len(readers) > before
        return readers

    def _class_refusal(self, cls: cst.ClassDef, attr: str) -> str:
        if cls.keywords or any(
            not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases
        ):
            return f"class {cls.name.value} has bases (one could make .{attr} a property)"
        for decorator in cls.decorators:
            func = decorator.decorator
            call = func if isinstance(func, cst.Call) else None
            func = call.func if call else func
            name = func.attr.value if isinstance(func, cst.Attribute) else code(func)
            frozen = call is not None and any(
                a.keyword and a.keyword.value == "frozen" for a in call.args
            )
            if name != "dataclass" or frozen:
                return f"class {cls.name.value} is decorated with {code(decorator.decorator)}"
        for stmt in cls.body.body:
            if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
                if stmt.name.value in _HOOKS | {attr}:
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
                    isinstance(node, cst.Assign | cst.AnnAssign) and exact_str(value, self.module)
                ):
                    return f"class {cls.name.value} binds {attr} other than to a str"
        return ""

    def _type_refusal(self, attr: str) -> str:
        """Every store to ``.attr`` in the module is a str literal or an append (``+=``)."""
        literal = False
        for node in walk(self.module):
            if not (isinstance(node, cst.Attribute) and node.attr.value == attr):
                continue
            parent = self.parent(node)
            if isinstance(parent, cst.AssignTarget) and parent.target is node:
                assign = self.parent(parent)
                value = assign.value if isinstance(assign, cst.Assign) else None
                obj = node.value.value if isinstance(node.value, cst.Name) else ""
                if assign is not None and _attr_append(assign, obj) is not None:
                    continue  # x.attr = x.attr + ...: str + str stays str
            elif isinstance(parent, cst.AnnAssign) and parent.target is node:
                value = parent.value
            elif isinstance(parent, cst.AugAssign) and parent.target is node:
                if isinstance(parent.operator, cst.AddAssign):
                    continue
                return f".{attr} is changed by `{code(parent.operator).strip()}`"
            elif self._stored(node):
                return f".{attr} is stored by unpacking, a loop, `as` or deleted"
            else:
                continue  # a read
            if not exact_str(value, self.module):
                shown = code(value)[:40] if value is not None else "?"
                return f".{attr} is also set to `{shown}`, not provably a str"
            literal = True
        if not literal and not self._class_literal(attr):
            return f'nothing shows .{attr} starts as a str (no `.{attr} = "..."` in the module)'
        return ""

    def _stored(self, node: cst.CSTNode) -> bool:
        """Is ``node`` (not a plain assignment's target) stored to: unpacked into, a loop's or
        ``as`` target, deleted?"""
        child, outer = node, self.parent(node)
        while isinstance(outer, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
            child, outer = outer, self.parent(outer)
        if isinstance(outer, cst.AssignTarget | cst.For | cst.CompFor | cst.Del):
            return outer.target is child
        return isinstance(outer, cst.AsName) and outer.name is child

    def _class_literal(self, attr: str) -> bool:
        return any(
            isinstance(n, cst.AnnAssign)
            and isinstance(n.target, cst.Name)
            and n.target.value == attr
            and exact_str(n.value, self.module)
            for n in walk(self.module)
        )


def _callee(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    return func.attr.value if isinstance(func, cst.Attribute) else None


def _mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in walk(node))


def _run_each_time(loop: cst.For | cst.While) -> list[cst.CSTNode]:
    """The parts of a loop that run while it builds: body, else, and a while's test (a for's
    iterable is evaluated once, before anything is appended)."""
    parts: list[cst.CSTNode] = [loop.body]
    if loop.orelse is not None:
        parts.append(loop.orelse)
    parts.append(loop.test if isinstance(loop, cst.While) else loop.target)
    return parts


class AttrRewriter(StatementRewriter):
    def __init__(self, sites: list[AttrSite]) -> None:
        super().__init__()
        self.loops = {id(s.loop): s for s in sites}
        self.appends = {key: (s, p) for s in sites for key, p in s.appends.items()}

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def _appended(self, original: cst.CSTNode, updated: cst.AugAssign | cst.Assign) -> cst.Expr:
        found = self.appends.get(id(original))
        if found is None:
            return updated  # type: ignore[return-value]
        site, _ = found
        again = _attr_append(updated, site.obj)
        assert again is not None
        pieces = again[1]
        if len(pieces) == 1:
            method, arg = "append", pieces[0]
        else:
            method, arg = "extend", cst.Tuple(elements=[cst.Element(p) for p in pieces])
        call = cst.Call(
            func=cst.Attribute(value=cst.Name(site.parts), attr=cst.Name(method)),
            args=[cst.Arg(arg)],
        )
        return cst.Expr(value=call, semicolon=updated.semicolon)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body: list = []
        for old, new in zip(original, updated, strict=True):
            site = self.loops.get(id(old))
            if site is None:
                body.append(new)
                continue
            start = cst.parse_statement(f"{site.parts} = []\n")
            final = cst.parse_statement(
                f"try:\n    pass\nfinally:\n    if {site.parts}:\n"
                f'        {site.obj}.{site.attr} += "".join({site.parts})\n'
            )
            assert isinstance(final, cst.Try)
            body.append(start.with_changes(leading_lines=new.leading_lines))
            body.append(
                final.with_changes(
                    body=cst.IndentedBlock(body=[new.with_changes(leading_lines=[])])
                )
            )
        return body
