"""Test a generator's items in a plain loop instead of through ``any(...)`` / ``all(...)``
(``any-all-loop``).

``if any(tok.match(p) for p in pats):`` creates a generator object, calls ``any`` and resumes
the generator once per item: on CPython 3.11 that costs about four times the loop it stands
for when the iterable is short, as it is in parsers and tokenizers that test a token against a
handful of patterns. A ``for`` loop that stops at the deciding item does the same work
without the generator::

    if any(e for x in xs if c):          for x in xs:
        return "hit"                         if c and e:
    B                                →           return "hit"
                                         B

    if not any(e for x in xs):           for x in xs:
        A                            →       if e:
                                                 break
                                         else:
                                             A

    return all(e for x in xs)        →   for x in xs:
                                             if not e:
                                                 return False
                                         return True

``any`` stops at the first truthy item and ``all`` at the first falsy one, exactly where the
loop breaks, and both only ever test an item's truth, as ``if`` does; ``not any(...)`` and
``not all(...)`` swap the two branches. Only done when the call is the whole test of an
``if`` (not an ``elif``) or the whole value of a ``return``, ``any``/``all`` are the builtins
(the module binds neither name), the generator has one synchronous ``for`` over plain names,
and those names are used nowhere else in the function (in the generator they are its own;
after the rewrite they are the function's locals, so no other use may see them). Refused: a
``lambda``, ``def``, ``:=``, ``await`` or ``yield`` inside the generator, a function that
reads its locals by name or declares the names ``global``, a call to ``next()`` in the
generator (a ``StopIteration`` escaping an item becomes ``RuntimeError`` in a generator, not
in a loop; from any other call that would be a bug already), and a branch for the deciding
item that does more than ``return`` a name or a constant: it would run inside the loop, while
the iterable is still held, where ``any`` lets the generator go first (a generator's
``finally`` would then run after the branch instead of before). The other branch runs in the
loop's ``else``, after the iterable is exhausted, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    calls_next,
    code,
    declares_global,
    walk,
    where,
)

#: operands that need no parentheses beside ``and`` / after ``not``
_TIGHT = (
    cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.Comparison, cst.BinaryOperation,
    cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer, cst.Float,
    cst.List, cst.Tuple, cst.Dict, cst.Set, cst.ListComp, cst.SetComp, cst.DictComp,
)  # fmt: skip
_FORBIDDEN = (cst.Lambda, cst.FunctionDef, cst.NamedExpr, cst.Await, cst.Yield, cst.ClassDef)


@dataclass
class _Site:
    statement: cst.CSTNode
    #: the For (and, for ``return``, the final return) that replace the statement
    new: list[cst.BaseStatement]
    owner: str


def _tight(node: cst.BaseExpression) -> cst.BaseExpression:
    if node.lpar or isinstance(node, _TIGHT):
        return node
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def _block(body: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    return [cst.SimpleStatementLine(body=list(body.body))]  # type: ignore[attr-defined]


def _plain_names(target: cst.BaseExpression) -> list[str] | None:
    """The names a loop target binds when it is names only (``x``, ``k, v``, ``a, *b``)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if not isinstance(target, cst.Tuple | cst.List):
        return None
    out: list[str] = []
    for element in target.elements:
        inner = _plain_names(element.value)
        if inner is None:
            return None
        out += inner
    return out


def comprehension_locals(scope: cst.CSTNode, name: str) -> set[int]:
    """The nodes under ``scope`` where ``name`` is a comprehension's own loop variable (its
    target, item and conditions; not its first iterable, which the function evaluates)."""
    out: set[int] = set()
    for comp in walk(scope):
        if not isinstance(comp, COMPREHENSIONS) or name not in (
            _plain_names(comp.for_in.target) or []
        ):
            continue
        parts = [comp.for_in.target, *comp.for_in.ifs]
        parts += [comp.key, comp.value] if isinstance(comp, cst.DictComp) else [comp.elt]
        if comp.for_in.inner_for_in is not None:
            parts.append(comp.for_in.inner_for_in)
        out |= {id(n) for part in parts for n in walk(part)}
    return out


def _ends_flow(stmts: list[cst.BaseStatement]) -> bool:
    last = stmts[-1] if stmts else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(
        last.body[-1], cst.Return | cst.Raise
    )


def _plain_exit(stmts: list[cst.BaseStatement]) -> bool:
    """Is ``stmts`` nothing, or one ``return`` of nothing, a name or a constant (a branch that
    can run inside the loop: it has no effect the iterable's release could be ordered with)?"""
    if not stmts:
        return True
    line = stmts[0]
    if len(stmts) != 1 or not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return False
    if not isinstance(line.body[0], cst.Return):
        return False
    value = line.body[0].value
    return value is None or isinstance(
        value, cst.Name | cst.SimpleString | cst.ConcatenatedString | cst.Integer | cst.Float
    )


class _Finder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.shadowed = {"any", "all"} & binds(module) or (
            {"any", "all"} if any(isinstance(n, cst.ImportStar) for n in walk(module)) else set()
        )
        self.sites: list[_Site] = []
        self.refused: list[str] = []
        self.seen: set[int] = set()
        self.inside: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        if self.active and self._call(node.test) is not None:
            self._consider(node, node.test)

    def visit_Return(self, node: cst.Return) -> None:
        if self.active and node.value is not None and self._call(node.value) is not None:
            self._consider(node, node.value)

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        call = self.parent(self.parent(node) or node)
        if not self.active or id(node) in self.seen or self._call(call) is None:
            return
        shown = code(call).splitlines()[0][:60]  # type: ignore[arg-type]
        self.refused.append(
            f"{shown}: not the whole test of an `if` or value of a `return` (moving it out of "
            "its expression could change what runs first)"
        )

    @staticmethod
    def _call(node: Any) -> tuple[bool, str, cst.GeneratorExp] | None:
        """``[not] any/all(<generator>)`` as (negated, function, generator)."""
        negated = False
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            negated, node = True, node.expression
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name)):
            return None
        if node.func.value not in ("any", "all") or len(node.args) != 1:
            return None
        arg = node.args[0]
        if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.GeneratorExp):
            return None
        return negated, node.func.value, arg.value

    def _consider(self, stmt: cst.If | cst.Return, test: cst.BaseExpression) -> None:
        negated, function, gen = self._call(test)  # type: ignore[misc]
        self.seen.add(id(gen))
        shown = code(test).splitlines()[0][:60]
        if any(id(a) in self.inside for a in self.ancestors(stmt)):
            self.refused.append(f"{shown}: inside another site rewritten here (next time)")
            return
        why = self._refusal(stmt, function, gen)
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        found = function == "any"  # the deciding item is a truthy one
        cond = _tight(gen.elt) if found else cst.UnaryOperation(cst.Not(), _tight(gen.elt))
        for clause in reversed(gen.for_in.ifs):
            right = cond if isinstance(cond, cst.BooleanOperation) else _tight(cond)
            cond = cst.BooleanOperation(_tight(clause.test), cst.And(), right)
        if isinstance(stmt, cst.Return):
            new = self._return_loop(gen, cond, found != negated)
            line = self.parent(stmt)
        else:
            new, why = self._if_loop(stmt, gen, cond, found != negated)
            line = stmt
        if why or not isinstance(line, cst.BaseStatement):
            self.refused.append(f"{shown}: {why or 'shares its line with other statements'}")
            return
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) != 1:
            self.refused.append(f"{shown}: shares its line with other statements")
            return
        new[0] = new[0].with_changes(leading_lines=line.leading_lines)
        self.sites.append(_Site(line, new, self.def_stack[-1]))
        self.inside.add(id(line))

    def _refusal(self, stmt: cst.CSTNode, function: str, gen: cst.GeneratorExp) -> str:
        if function in self.shadowed:
            return (
                f"the module binds {function!r} itself (or imports *), so it may not be the builtin"
            )
        scope = self.scope_of(stmt)
        if not isinstance(scope, cst.FunctionDef):
            return "not inside a function"
        parent = self.parent(stmt)
        if isinstance(parent, cst.If) and parent.orelse is stmt:
            return "an `elif` (a loop cannot stand there)"
        comp = gen.for_in
        if comp.asynchronous is not None or comp.inner_for_in is not None:
            return "the generator has more than one `for` or an `async for`"
        names = _plain_names(comp.target)
        if names is None:
            return "the loop target is not plain names"
        inner = [gen.elt, *(c.test for c in comp.ifs)]
        if any(isinstance(n, _FORBIDDEN) for part in inner for n in walk(part)):
            return "a lambda, def, := , await or yield inside the generator"
        if any(calls_next(part) for part in inner):
            return "next() inside the generator (its StopIteration would change type)"
        if calls_introspection(scope):
            return "the function reads its locals by name (locals(), eval...)"
        for name in sorted(set(names)):
            if declares_global(scope, name):
                return f"{name} is declared global or nonlocal in the function"
            own = comprehension_locals(scope, name)
            if any(
                isinstance(n, cst.Name) and n.value == name and id(n) not in own
                for n in walk(scope)
            ):
                return f"{name} is also used elsewhere in the function (the loop would bind it)"
        return ""

    @staticmethod
    def _return_loop(
        gen: cst.GeneratorExp, cond: cst.BaseExpression, true_when_found: bool
    ) -> list[cst.BaseStatement]:
        def ret(value: bool) -> cst.SimpleStatementLine:
            return cst.SimpleStatementLine([cst.Return(cst.Name(str(value)))])

        hit = cst.If(test=cond, body=cst.IndentedBlock([ret(true_when_found)]))
        loop = cst.For(target=gen.for_in.target, iter=gen.for_in.iter,
                       body=cst.IndentedBlock([hit]))  # fmt: skip
        return [loop, ret(not true_when_found)]

    @staticmethod
    def _if_loop(
        stmt: cst.If, gen: cst.GeneratorExp, cond: cst.BaseExpression, true_when_found: bool
    ) -> tuple[list[cst.BaseStatement], str]:
        body = _block(stmt.body)
        other: list[cst.BaseStatement] = []
        if isinstance(stmt.orelse, cst.Else):
            other = _block(stmt.orelse.body)
        elif isinstance(stmt.orelse, cst.If):
            other = [stmt.orelse]
        hit, miss = (body, other) if true_when_found else (other, body)
        if not _plain_exit(hit):
            return [], (
                "the branch taken on a deciding item does more than return a name or constant "
                "(inside the loop it would run before the iterable is let go, so a generator's "
                "cleanup would run after it, not before)"
            )
        inner = hit if _ends_flow(hit) else [*hit, cst.SimpleStatementLine([cst.Break()])]
        header = stmt.body.header if isinstance(stmt.body, cst.IndentedBlock) else None
        block = cst.IndentedBlock(inner, header=header) if header else cst.IndentedBlock(inner)
        loop = cst.For(
            target=gen.for_in.target,
            iter=gen.for_in.iter,
            body=cst.IndentedBlock([cst.If(test=cond, body=block)]),
            orelse=cst.Else(cst.IndentedBlock(miss)) if miss else None,
        )
        return [loop], ""


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site]) -> None:
        super().__init__()
        self.sites = {id(s.statement): s for s in sites}

    def _body(self, original: tuple[Any, ...], updated: tuple[Any, ...]) -> list[Any]:
        out: list[Any] = []
        for old, new in zip(original, updated, strict=True):
            site = self.sites.get(id(old))
            out.extend(site.new if site else [new])
        return out


class AnyAllLoop(PythonCodemod):
    name = "any-all-loop"
    needs = ("any(", "all(")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper.module, targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no any(...) or all(...) over a generator as an `if` test or `return`"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter(finder.sites))
        summary = (
            "tested the generator's items in a plain loop instead of any()/all() "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'site')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
