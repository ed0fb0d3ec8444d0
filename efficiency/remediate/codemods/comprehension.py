"""Turn a list built by an append loop into a list comprehension (``append-to-comprehension``).

::

    out = []                         out = [f(x) for x in items if x]
    for x in items:           →
        if x:
            out.append(f(x))

A comprehension skips the attribute lookup and method call per element and sizes the list
better. It also runs in its own scope, which is where the refusals come from: the loop variable
must not be used anywhere else in the scope (after the rewrite it no longer leaks), the body
must be exactly one ``out.append(expr)`` (optionally under one ``if`` with no ``else``), no
nested loop, no ``else:`` on the loop, no ``yield``/``await``/``:=``/``lambda``/``super()`` in
the moved expressions, not in a class body (a comprehension there cannot see class names),
``out`` not used inside the loop nor by a nested function, not in ``try``/``with`` (a caught
exception would find ``out`` unbound instead of half-built; a ``try`` with only a ``finally``
that neither mentions ``out`` nor returns, breaks or continues is fine: the exception leaves
the function). Comments inside the loop move
above the new statement; the result is checked against Python's own parse of the loop.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.append_loops import (
    append_arg,
    empty_list_init,
    other_uses,
    single,
    target_names,
)
from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    code,
    comments_in,
    declares_global,
    mentions,
    mentions_in_nested_scopes,
    walk,
    where,
)

#: nodes whose meaning changes inside a comprehension's own scope
_UNSAFE_INSIDE = (cst.Yield, cst.Await, cst.NamedExpr, cst.Lambda)
#: expressions that need parentheses after ``in`` / ``if`` of a comprehension
_NEEDS_PARENS = (cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Yield, cst.Tuple)


@dataclass
class _Site:
    init: cst.SimpleStatementLine
    loop: cst.For
    new: cst.SimpleStatementLine
    owner: str


def _parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(node, _NEEDS_PARENS) and not node.lpar:
        return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return node


def _broken(indent: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        empty_lines=[],
        indent=True,
        last_line=cst.SimpleWhitespace(indent),
    )


class _Finder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None, line_length: int) -> None:
        super().__init__(targets)
        self.module = module
        self.line_length = line_length
        self.sites: list[_Site] = []
        self.refused: list[str] = []
        #: loops that have the pattern's shape (a site or a refusal with its reason)
        self.shaped: set[int] = set()
        #: why the other ``x.append(...)`` calls in scope are not the pattern, in order
        self.unfit: dict[str, None] = {}

    def visit_Module(self, node: cst.Module) -> None:
        self._scan(node.body, "")

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        blocks = [node, *(a for a in self.ancestors(node) if isinstance(a, cst.IndentedBlock))]
        indent = "".join(
            self.module.default_indent if b.indent is None else b.indent for b in blocks
        )
        self._scan(node.body, indent)

    def _scan(self, body: tuple[cst.BaseStatement, ...], indent: str) -> None:
        if not self.active:
            return
        for first, loop in pairwise(body):
            name = empty_list_init(first)
            if name is None or not isinstance(loop, cst.For):
                continue
            found = self._shape(loop, name)
            if found is None:
                continue  # not the pattern at all
            self.shaped.add(id(loop))
            assert isinstance(first, cst.SimpleStatementLine)
            expr, cond = found
            why = self._refusal(loop, name, expr, cond)
            new = None if why else self._build(first, loop, expr, cond, indent)
            if new is None:
                why = why or "the comprehension would not mean the same as the loop"
                self.refused.append(f"{name}.append loop over {code(loop.iter)}: {why}")
                continue
            owner = self.def_stack[-1] if self.def_stack else ""
            self.sites.append(_Site(first, loop, new, owner))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not self.active or not isinstance(func, cst.Attribute) or func.attr.value != "append":
            return
        if not isinstance(func.value, cst.Name):
            self.unfit[f"{code(func.value)}.append: not a plain local list"] = None
            return
        name = func.value.value
        loop = next((a for a in self.ancestors(node) if isinstance(a, (cst.For, cst.While,
                     *SCOPES))), None)  # fmt: skip
        if id(loop) in self.shaped:
            return
        if not isinstance(loop, cst.For | cst.While):
            why = "not inside a loop"
        elif isinstance(loop, cst.While):
            why = "in a while loop (a comprehension needs a for loop)"
        elif not self._fresh_before(loop, name):
            why = f"{name} is not set to [] by the statement right before its for loop"
        else:
            why = f"its for loop does more than {name}.append(...) (under at most one if)"
        self.unfit[f"{name}.append: {why}"] = None

    def _fresh_before(self, loop: cst.For, name: str) -> bool:
        block = self.parent(loop)
        body = getattr(block, "body", ())
        if not isinstance(body, tuple | list) or loop not in body:
            return False
        index = list(body).index(loop)
        return index > 0 and empty_list_init(body[index - 1]) == name

    @staticmethod
    def _shape(
        loop: cst.For, name: str
    ) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
        """(expr, condition) when the loop body is ``[if cond:] name.append(expr)``."""
        stmt = single(loop.body)
        expr = append_arg(stmt, name)
        if expr is not None:
            return expr, None
        if isinstance(stmt, cst.If) and stmt.orelse is None:
            expr = append_arg(single(stmt.body), name)
            if expr is not None:
                return expr, stmt.test
        return None

    def _refusal(
        self, loop: cst.For, name: str, expr: cst.BaseExpression, cond: cst.BaseExpression | None
    ) -> str | None:
        if loop.asynchronous is not None:
            return "async for"
        if loop.orelse is not None:
            return "the loop has an else clause"
        loop_vars = target_names(loop.target)
        if loop_vars is None:
            return "the loop target is not plain names"
        moved = [loop.iter, expr, *([cond] if cond is not None else [])]
        if name in loop_vars or any(mentions(part, name) for part in moved):
            return f"{name} is used inside the loop"
        for part in moved:
            if any(isinstance(n, _UNSAFE_INSIDE) for n in walk(part)):
                return "yield/await/:=/lambda in the loop"
            if mentions(part, "super") or calls_introspection(part):
                return "super()/locals()-style call in the loop"
        scope = self.scope_of(loop)
        if isinstance(scope, cst.ClassDef):
            return "class body (a comprehension cannot see class names)"
        for var in [name, *loop_vars]:
            if declares_global(scope, var):
                return f"{var} is declared global/nonlocal"
        if mentions_in_nested_scopes(scope, name):
            return f"{name} is used by a nested function, which could read it mid-loop"
        if calls_introspection(scope):
            return "the scope calls locals()/vars()/eval()/exec()"
        for var in loop_vars:
            if other_uses(scope, loop, var):
                return f"the loop variable {var} is used outside the loop"
        if self.exceptions_observable(loop, scope, name):
            return f"the loop sits in try/with: a caught exception would see {name} half-built"
        return None

    def _build(
        self,
        first: cst.SimpleStatementLine,
        loop: cst.For,
        expr: cst.BaseExpression,
        cond: cst.BaseExpression | None,
        indent: str,
    ) -> cst.SimpleStatementLine | None:
        if isinstance(expr, cst.GeneratorExp) and not expr.lpar:
            expr = expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        ifs = [] if cond is None else [cst.CompIf(test=_parenthesized(cond))]
        comp_for = cst.CompFor(target=loop.target, iter=_parenthesized(loop.iter), ifs=ifs)
        comp = cst.ListComp(elt=expr, for_in=comp_for)
        assign = first.body[0]
        assert isinstance(assign, cst.Assign)
        comments = [cst.EmptyLine(comment=cst.Comment(c)) for c in comments_in(loop)]
        new = first.with_changes(
            body=[assign.with_changes(value=comp)],
            leading_lines=[*first.leading_lines, *comments],
        )
        text = code(new.with_changes(leading_lines=[])).strip()
        if "\n" in text or len(indent + text) > self.line_length:
            step = self.module.default_indent
            comp = comp.with_changes(
                lbracket=cst.LeftSquareBracket(whitespace_after=_broken(step)),
                rbracket=cst.RightSquareBracket(whitespace_before=_broken("")),
                for_in=comp_for.with_changes(
                    whitespace_before=_broken(step),
                    ifs=[i.with_changes(whitespace_before=_broken(step)) for i in ifs],
                ),
            )
            new = new.with_changes(body=[assign.with_changes(value=comp)])
        return new if _same_meaning(loop, cond is not None, new) else None


def _same_meaning(loop: cst.For, conditional: bool, new: cst.SimpleStatementLine) -> bool:
    """Python's parse of the new comprehension has the loop's target, iterable, condition and
    element, exactly."""
    try:
        comp = ast.parse(code(new).strip()).body[0]
        old = ast.parse(code(loop).strip()).body[0]
    except SyntaxError:
        return False
    if not isinstance(comp, ast.Assign) or not isinstance(comp.value, ast.ListComp):
        return False
    if not isinstance(old, ast.For):
        return False
    (generator,) = comp.value.generators
    expected_cond = None
    if conditional and isinstance(old.body[0], ast.If):
        expected_cond = old.body[0].test
    inner = old.body[0].body[0] if expected_cond is not None else old.body[0]
    if not (isinstance(inner, ast.Expr) and isinstance(inner.value, ast.Call)):
        return False
    pairs = [
        (generator.target, old.target),
        (generator.iter, old.iter),
        (comp.value.elt, inner.value.args[0]),
    ]
    if expected_cond is not None:
        if len(generator.ifs) != 1:
            return False
        pairs.append((generator.ifs[0], expected_cond))
    elif generator.ifs:
        return False
    return all(ast.dump(a) == ast.dump(b) for a, b in pairs)


class _Rewriter(StatementRewriter):
    def __init__(self, sites: list[_Site]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.loops = {id(s.loop) for s in sites}

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body = []
        for old, new in zip(original, updated, strict=True):
            if id(old) in self.loops:
                continue
            body.append(self.inits[id(old)].new if id(old) in self.inits else new)
        return body


class AppendToComprehension(PythonCodemod):
    name = "append-to-comprehension"
    needs = (".append(",)

    def check_params(self, params: dict[str, Any]) -> None:
        length = params.get("line_length", 88)
        if isinstance(length, bool) or not isinstance(length, int) or length < 1:
            raise ValueError(f"line_length must be a positive int, not {length!r}")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper.module, targets, params.get("line_length", 88))
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            unfit = list(finder.unfit)
            shown = "; ".join(unfit[:3]) + (f" (+{len(unfit) - 3} more)" if len(unfit) > 3 else "")
            why = refused or (
                f"no `out = []` followed by a loop of only `out.append(...)`: {shown}"
                if unfit
                else "no `out = []` followed by a loop of `out.append(...)`"
            )
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter(finder.sites))
        names = ", ".join(
            sorted({code(s.init.body[0].targets[0].target) for s in finder.sites})  # type: ignore[attr-defined]
        )
        summary = (
            f"built {names} with a list comprehension instead of an append loop "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'loop')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
