"""Membership in a module-level list built once and never changed, tested in functions, by a
frozenset made beside it (part of ``set-membership``).

``STOP = [w.strip() for w in RAW.split(",")]`` at module level and ``w not in STOP`` in a
function or method called per word scans the list on every test. The list stays; right after
it the module keeps ``(the list, its frozenset)``, and the tests ask the set for exact
``str``/``int`` values while ``STOP`` still holds that very list::

    STOP = [...]                    STOP = [...]
                                →   STOP_SET = ((STOP, frozenset(STOP)) if all(type(v) is str
    def keep(w):                        or type(v) is int for v in STOP) else None)
        return w not in STOP
                                    def keep(w):
                                        return (w not in STOP_SET[1] if (type(w) is str or
                                            type(w) is int) and STOP_SET is not None and
                                            STOP_SET[0] is STOP else w not in STOP)

Same answers for the reasons :mod:`~efficiency.remediate.codemods.attr_set` gives (a value
that is not a plain name is bound once by ``:=``; a list bound to the name where the module
cannot see, say a test's monkeypatch, is scanned). What must hold, in the module: the name is
bound exactly once anywhere in it (no other assignment, parameter, import, ``global``, ``del``
or loop target of that name, in any scope), by a statement of its own at module level, to a
new list (a display, a comprehension, ``list()``/``tuple()``/``sorted()`` or ``+`` of them);
every other use only reads it (as for the attribute rewrite); nothing reaches it by name (a
string equal to it, ``globals()``, ``vars``, ``.name`` stored on a module object); the tests
are in functions, and neither the module nor those functions rebind a builtin the rewrite
calls. Anything else is refused with the reason. (A function that runs while the module is
still being imported, before the list is bound, fails with ``NameError`` either way, naming the
set instead of the list.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from efficiency.remediate.codemods.attr_set import _BY_NAME, AttrFinder
from efficiency.remediate.codemods.attr_set_sites import USED as _USED
from efficiency.remediate.codemods.attr_set_sites import not_fresh
from efficiency.remediate.codemods.attr_set_targets import _STORES, _bare_targets
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _READERS, _fresh
from efficiency.remediate.codemods.public_names import public_refusal
from efficiency.remediate.codemods.pysource import (
    Targets,
    code,
    unique_name,
    walk,
)
from efficiency.remediate.codemods.set_probe import in_operator, keep_parens, probe_refusal, probed
from efficiency.remediate.codemods.site_rewriter import SiteRewriter


@dataclass
class GlobalSite:
    name: str
    #: the module-level statement line that binds the list
    init: cst.SimpleStatementLine
    tests: list[cst.Comparison] = field(default_factory=list)
    #: the functions the tests are in
    owners: list[str] = field(default_factory=list)
    shadow: str = ""
    probe: str = ""


def _bindings(module: cst.Module, name: str) -> int:
    """How many places in ``module`` bind ``name``, in any scope."""
    count = 0
    for n in walk(module):
        if isinstance(n, cst.Param | cst.FunctionDef | cst.ClassDef) and n.name.value == name:
            count += 1
        elif isinstance(n, cst.Global | cst.Nonlocal):
            count += sum(i.name.value == name for i in n.names)
        elif isinstance(n, cst.ImportAlias):
            bound = n.asname.name if n.asname else n.name
            count += isinstance(bound, cst.Name) and bound.value == name
        elif isinstance(n, cst.ImportStar):
            count += 1  # may bind anything
        elif isinstance(n, (*_STORES, cst.NamedExpr, cst.Del)):
            count += name in _bare_targets(n.target)
        elif isinstance(n, cst.AsName):
            count += name in _bare_targets(n.name)
        elif isinstance(n, cst.MatchAs | cst.MatchStar) and n.name is not None:
            count += n.name.value == name
    return count


class GlobalFinder(AttrFinder):
    """Finds ``x in NAME`` tests in functions of the selected code, NAME a module-level list,
    and proves (or refuses) each list."""

    def __init__(self, module: cst.Module, targets: Targets | None, skip: frozenset[str]) -> None:
        super().__init__(module, targets)
        self.skip = skip
        self.named: dict[str, list[cst.Comparison]] = {}
        self.globals: list[GlobalSite] = []

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self.active or len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        if not isinstance(target.operator, cst.In | cst.NotIn):
            return
        if not isinstance(target.comparator, cst.Name) or target.comparator.value in self.skip:
            return
        if any(isinstance(a, cst.FunctionDef) for a in self.ancestors(node)):
            self.named.setdefault(target.comparator.value, []).append(node)

    def finish(self) -> None:
        self.parents = {id(c): n for n in walk(self.module) for c in n.children}
        for name, tests in self.named.items():
            line = self._binding_line(name)
            if line is None or _not_a_list(line):
                continue  # not a module-level list: a local, a set, a dict, a string...
            why = self._global_refusal(name, line, tests)
            if why:
                self.refused.append(f"{name} (module level): {why}")
            else:
                owners = [
                    next(a for a in self.ancestors(t) if isinstance(a, cst.FunctionDef)).name.value
                    for t in tests
                ]
                self.globals.append(GlobalSite(name, line, list(tests), owners))

    def _binding_line(self, name: str) -> cst.SimpleStatementLine | None:
        for line in self.module.body:
            if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
                stmt = line.body[0]
                if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0].target
                elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
                    target = stmt.target
                else:
                    continue
                if isinstance(target, cst.Name) and target.value == name:
                    return line
        return None

    def _global_refusal(
        self, name: str, line: cst.SimpleStatementLine, tests: list[cst.Comparison]
    ) -> str:
        if why := public_refusal(name):
            return why
        module_binds = binds(self.module, top=True)
        if _bindings(self.module, name) != 1:
            return f"{name} is bound more than once (in some scope of the module)"
        strings = {n.evaluated_value for n in walk(self.module) if isinstance(n, cst.SimpleString)}
        if name in strings or any(
            isinstance(n, cst.Name) and n.value in _BY_NAME | {"globals"} for n in walk(self.module)
        ):
            return "the module may reach its names by a string (globals, vars, a string...)"
        if _USED & module_binds:
            return f"{', '.join(sorted(_USED & module_binds))} is rebound at module level"
        stmt = line.body[0]
        assert isinstance(stmt, cst.Assign | cst.AnnAssign) and stmt.value is not None
        if not _fresh(stmt.value, not _FRESH_CALLS & module_binds):
            return not_fresh(name, stmt.value)
        target = stmt.targets[0].target if isinstance(stmt, cst.Assign) else stmt.target
        tested = {id(t.comparisons[0].comparator) for t in tests}
        rebound = _READERS & module_binds
        for use in walk(self.module):
            if not isinstance(use, cst.Name) or use.value != name or use is target:
                continue
            parent = self.parent(use)
            if isinstance(parent, cst.Attribute) and parent.attr is use:
                if _stored_attribute(parent, self.parents):
                    return f"`{code(parent)[:40]}` may rebind it on the module object"
                continue  # an attribute of that name on some object, not this list
            if isinstance(parent, cst.Arg) and parent.keyword is use:
                continue
            if id(use) in tested:
                continue
            why = self._use_refusal(use, name, rebound)  # type: ignore[arg-type]
            if why:
                return why
        for test in tests:
            defs = [a for a in self.ancestors(test) if isinstance(a, cst.FunctionDef)]
            if any(_USED & binds(d) for d in defs):
                return f"{defs[0].name.value} rebinds a builtin the rewrite calls"
            if why := probe_refusal(test, self.ancestors(test)):
                return why
        return ""


def _not_a_list(line: cst.SimpleStatementLine) -> bool:
    """Is the value bound a set, a dict or a string (whose ``in`` this rewrite leaves)?"""
    value = getattr(line.body[0], "value", None)
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        return value.func.value in ("set", "frozenset", "dict", "str")
    kinds = (cst.Set, cst.Dict, cst.SetComp, cst.DictComp, cst.SimpleString, cst.FormattedString)
    return isinstance(value, (*kinds, cst.ConcatenatedString))


def _stored_attribute(node: cst.Attribute, parents: dict[int, cst.CSTNode]) -> bool:
    parent = parents.get(id(node))
    while isinstance(parent, cst.Element | cst.StarredElement | cst.List | cst.Tuple):
        node, parent = parent, parents.get(id(parent))  # type: ignore[assignment]
    if isinstance(parent, (*_STORES, cst.Del)):
        return parent.target is node
    return isinstance(parent, cst.AsName)


class GlobalRewriter(SiteRewriter):
    def after(self, site: GlobalSite) -> cst.BaseStatement:
        held = site.name
        return cst.parse_statement(
            f"{site.shadow} = (({held}, frozenset({held})) if all(type(v) is str "
            f"or type(v) is int for v in {held}) else None)\n"
        )

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        site = self.tests.get(id(original_node))
        if site is None:
            return updated_node
        shadow, held = site.shadow, site.name
        op = in_operator(updated_node)
        first, value = probed(updated_node.left, site.probe)
        new = cst.parse_expression(
            f"({value} {op} {shadow}[1] if (type({first}) is str or type({value}) is int) and "
            f"{shadow} is not None and {shadow}[0] is {held} else {value} {op} {held})"
        )
        return keep_parens(updated_node, new)


def global_stage(
    wrapper: MetadataWrapper, targets: Targets | None, taken: set[str], skip: frozenset[str]
) -> tuple[cst.Module, list[GlobalSite], list[str]]:
    """The module-level-list rewrite of the wrapped tree: the new tree, the sites and the
    refusals (``skip``: names another stage rewrote). ``taken`` gets the names it adds."""
    module = wrapper.module
    finder = GlobalFinder(module, targets, skip)
    wrapper.visit(finder)
    finder.finish()
    if not finder.globals:
        return module, [], finder.refused
    for site in finder.globals:
        upper = site.name.isupper()
        site.shadow = unique_name(f"{site.name}{'_SET' if upper else '_set'}", taken)
        site.probe = unique_name(f"_{site.name.strip('_').lower()}_key", taken)
        taken |= {site.shadow, site.probe}
    new = module.visit(GlobalRewriter(finder.globals))
    try:
        compile(new.code, "<set-membership>", "exec")
    except SyntaxError as exc:  # e.g. `:=` where Python allows none
        return module, [], [*finder.refused, f"the module-list rewrite would not compile ({exc})"]
    return new, finder.globals, finder.refused
