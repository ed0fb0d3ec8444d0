"""Membership in a list the function grows, by a set kept in step with it (part of
``set-membership``).

``seen = []`` … ``if key not in seen: seen.append(key)`` scans the list on every test, so a
loop over n items does about n²/2 comparisons. The list often has to stay a list (it is
returned, its order matters), so it is kept and a set beside it answers the tests::

    seen = []
    for key in keys:
        if key not in seen:
            seen.append(key)
    return seen

becomes::

    seen = []
    seen_set = set()
    for key in keys:
        if (key not in seen_set if type(key) is str and len(seen_set) == len(seen)
                else key not in seen):
            seen.append(key)
            if type(key) is str:
                seen_set.add(key)
    return seen

The set holds the appended values whose type is exactly ``str`` (whose ``==`` and ``hash``
agree; an unhashable value would raise in a set, an object with its own ``__eq__`` could equal
a string the set does not hold). It is asked only when the value tested is exactly a ``str``
and the set is as long as the list: then every item of the list is a distinct exact ``str``
and both answer alike; otherwise (a duplicate or any other item was appended) the list is
scanned as before. Done only when the name is a local bound once, to ``[]``, by a statement of
the function's own body, and every later use is a membership test (of any value, evaluated once:
:mod:`~efficiency.remediate.codemods.set_probe`), a ``name.append(value)`` statement (a value
that is no plain name, ``scan.ref``, is bound once by ``name.append((_name_key := scan.ref))``
to the same fresh local the tests use, and that local added to the set),
``len(name)``, the iterable of a ``for`` or part of a ``return`` (which ends the function: the
list may leave then, not before). Anything else (other methods, indexing, passing it on, a
closure, ``locals()``, a rebound ``type``, ``str``, ``len`` or ``set``) is refused with the
reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ScopeProvider

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.pysource import (
    ScopedVisitor,
    StatementRewriter,
    Targets,
    calls_introspection,
    code,
    declares_global,
    mentions_in_nested_scopes,
    walk,
)
from efficiency.remediate.codemods.set_probe import in_operator, keep_parens, probe_refusal, probed

#: builtins the rewrite calls; rebound anywhere, they prove nothing
_BUILTINS = frozenset({"type", "str", "len", "set"})


@dataclass
class GrowingSite:
    #: the ``name = []`` statement line (the set is made right after it)
    init: cst.SimpleStatementLine
    name: str
    owner: str
    tests: list[cst.Comparison] = field(default_factory=list)
    #: ``name.append(value)`` expression statements -> the value's name ('' for a value that
    #: is no plain name: bound to ``probe`` by ``:=`` in the call)
    appends: dict[int, str] = field(default_factory=dict)
    #: filled by the caller: the shadow set's name and the tested value's (when no plain name)
    shadow: str = ""
    probe: str = ""


class GrowingFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.module_binds = binds(module, top=True)
        if any(isinstance(n, cst.ImportStar) for n in walk(module)):
            self.module_binds |= _BUILTINS
        self.sites: list[GrowingSite] = []
        self.refused: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._consider(node, node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._consider(node, node.target, node.value)

    def _consider(self, node: cst.CSTNode, target: cst.BaseExpression, value: object) -> None:
        if not self.active or not isinstance(target, cst.Name):
            return
        if not isinstance(value, cst.List) or value.elements:
            return
        function = self.scope_of(node)
        if not isinstance(function, cst.FunctionDef) or not _tested(function, target.value):
            return  # only lists tested with `in` are this codemod's business
        site = GrowingSite(self.parent(node), target.value, self.def_stack[-1])  # type: ignore[arg-type]
        why = self._refusal(node, target, function, site)
        if why:
            self.refused.append(f"{code(node).strip()[:60]}: {why}")
        else:
            self.sites.append(site)

    def _refusal(
        self, node: cst.CSTNode, target: cst.Name, function: cst.FunctionDef, site: GrowingSite
    ) -> str:
        name = target.value
        line = site.init
        body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line not in body:
            return f"{name} = [] is not a statement of its own in the function's body"
        if declares_global(function, name) or calls_introspection(function):
            return f"{name} is global/nonlocal or the function reads its locals by name"
        rebound = _BUILTINS & (self.module_binds | binds(function))
        if rebound:
            return f"{', '.join(sorted(rebound))} is rebound, so the rewrite proves nothing"
        if mentions_in_nested_scopes(function, name):
            return f"{name} is used in a nested function, lambda or class"
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or len(scope[name]) != 1:
            return f"{name} is bound more than once"
        start = body.index(line)
        for use in walk(function.body):
            if not isinstance(use, cst.Name) or use.value != name or use is target:
                continue
            statement = next(a for a in self.ancestors(use) if self.parent(a) is function.body)
            if body.index(statement) <= start:  # type: ignore[arg-type]
                return f"{name} is used before or beside `{name} = []`"
            why = self._use_refusal(use, name, site)
            if why:
                return why
        if not site.appends:
            return f"{name} never grows by `{name}.append(...)`"
        return ""

    def _use_refusal(self, use: cst.Name, name: str, site: GrowingSite) -> str:
        parent = self.parent(use)
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use:
            comparison = self.parent(parent)
            if not isinstance(parent.operator, cst.In | cst.NotIn):
                return f"{name} is compared other than by `in`"
            if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
                return f"{name} is tested in a chained comparison"
            if why := probe_refusal(comparison, self.ancestors(comparison)):
                return why
            site.tests.append(comparison)
            return ""
        if isinstance(parent, cst.Attribute) and parent.value is use:
            return self._append_refusal(parent, name, site)
        if isinstance(parent, cst.Arg) and _is_len_of(self.parent(parent), parent):
            return ""
        if isinstance(parent, cst.For) and parent.iter is use:
            return ""
        if any(isinstance(a, cst.Return) for a in self.ancestors(use)) and not any(
            isinstance(a, cst.Finally) for a in self.ancestors(use)
        ):
            return ""
        kind = type(parent).__name__ if parent is not None else "?"
        return f"{name} is used other than to test, append, measure or return it ({kind})"

    def _append_refusal(self, attribute: cst.Attribute, name: str, site: GrowingSite) -> str:
        call = self.parent(attribute)
        statement = self.parent(call) if call is not None else None
        if attribute.attr.value != "append":
            return f"{name}.{attribute.attr.value} changes or reads it other than by append"
        if not isinstance(call, cst.Call) or call.func is not attribute:
            return f"{name}.append is passed on, not called"
        if not isinstance(statement, cst.Expr):
            return f"{name}.append(...) is part of an expression, not a statement of its own"
        holder = self.parent(statement)
        if (
            not isinstance(holder, cst.SimpleStatementLine | cst.SimpleStatementSuite)
            or len(holder.body) != 1
        ):
            return f"{name}.append(...) shares its line with other statements"
        if len(call.args) != 1 or call.args[0].star or call.args[0].keyword:
            return f"{name}.append takes other than one plain argument"
        value = call.args[0].value
        # a value that is no plain name is bound once to the probe by ``:=`` in the call
        site.appends[id(statement)] = value.value if isinstance(value, cst.Name) else ""
        return ""


def _tested(function: cst.FunctionDef, name: str) -> bool:
    return any(
        isinstance(n, cst.ComparisonTarget)
        and isinstance(n.operator, cst.In | cst.NotIn)
        and isinstance(n.comparator, cst.Name)
        and n.comparator.value == name
        for n in walk(function.body)
    )


def _is_len_of(call: cst.CSTNode | None, arg: cst.Arg) -> bool:
    return (
        isinstance(call, cst.Call)
        and isinstance(call.func, cst.Name)
        and call.func.value == "len"
        and list(call.args) == [arg]
        and not arg.star
        and not arg.keyword
    )


class GrowingRewriter(StatementRewriter):
    """Makes each site's set after its ``name = []``, asks it in the tests, and adds each
    appended exact ``str`` to it after the append."""

    def __init__(self, sites: list[GrowingSite]) -> None:
        super().__init__()
        self.inits = {id(s.init): s for s in sites}
        self.tests = {id(t): s for s in sites for t in s.tests}
        self.appends = {key: (s, value) for s in sites for key, value in s.appends.items()}

    def _after(self, original: cst.CSTNode) -> list[cst.BaseStatement]:
        if id(original) in self.inits:
            site = self.inits[id(original)]
            # a typed list gets a typed set (a local's annotation is never evaluated)
            typed = ": set[str]" if isinstance(site.init.body[0], cst.AnnAssign) else ""
            return [cst.parse_statement(f"{site.shadow}{typed} = set()\n")]
        if (
            isinstance(original, cst.SimpleStatementLine)
            and len(original.body) == 1
            and id(original.body[0]) in self.appends
        ):
            site, value = self.appends[id(original.body[0])]
            value = value or site.probe
            text = f"if type({value}) is str:\n    {site.shadow}.add({value})\n"
            return [cst.parse_statement(text)]
        return []

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        out: list = []
        for old, new in zip(original, updated, strict=True):
            out += [new, *self._after(old)]
        return out

    def leave_Expr(self, original_node: cst.Expr, updated_node: cst.Expr) -> cst.Expr:
        """``name.append(<value>)`` → ``name.append((probe := <value>))`` where the value is
        no plain name: evaluated once, where it was, then added to the set by the probe."""
        found = self.appends.get(id(original_node))
        if found is None or found[1] or not isinstance(updated_node.value, cst.Call):
            return updated_node
        call = updated_node.value
        bound = cst.NamedExpr(
            target=cst.Name(found[0].probe),
            value=call.args[0].value,
            lpar=[cst.LeftParen()],
            rpar=[cst.RightParen()],
        )
        arg = call.args[0].with_changes(value=bound)
        return updated_node.with_changes(value=call.with_changes(args=[arg]))

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.BaseSuite:
        if len(original_node.body) != 1 or id(original_node.body[0]) not in self.appends:
            return updated_node
        line = cst.SimpleStatementLine(body=updated_node.body)
        return cst.IndentedBlock(
            body=[line, *self._after(cst.SimpleStatementLine(body=original_node.body))],
            header=updated_node.trailing_whitespace,
        )

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        site = self.tests.get(id(original_node))
        if site is None:
            return updated_node
        return guarded_test(
            updated_node,
            site.shadow,
            site.name,
            lambda first, _: f"type({first}) is str and len({site.shadow}) == len({site.name})",
            site.probe,
        )


def guarded_test(
    node: cst.Comparison, shadow: str, listed: str, guard: Callable[[str, str], str], probe: str
) -> cst.BaseExpression:
    """``x in listed`` (or ``not in``) → ``(x in shadow if <guard> else x in listed)``, with
    the comparison's own parentheses kept around it. ``guard(first, x)`` must evaluate ``first``
    before anything else: a value that is no plain name is bound there once to ``probe``."""
    first, value = probed(node.left, probe)
    op = in_operator(node)
    new = cst.parse_expression(
        f"({value} {op} {shadow} if {guard(first, value)} else {value} {op} {listed})"
    )
    return keep_parens(node, new)
