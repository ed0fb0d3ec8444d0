"""Membership in a list built once and never changed, by a set made beside it (part of
``set-membership``).

``blocked = [e.lower() for e in bounces] + list(complaints)`` followed by many
``addr not in blocked`` tests (in a loop, a comprehension, a lambda given to ``filter``, a
nested ``def``) scans the list on every test. When the list can never change after it is built,
a frozenset made once right after it answers each test by hashing::

    blocked = [e.lower() for e in bounces]
    blocked_set = (frozenset(blocked)
                   if all(type(v) is str or type(v) is int for v in blocked) else None)
    keep = lambda addr: (addr not in blocked_set
                         if (type(addr) is str or type(addr) is int) and blocked_set is not None
                         else addr not in blocked)

Why the answers are the same: ``x in some_list`` is true when an item ``is`` ``x`` or
``== x``. The set exists only when every item is exactly a ``str`` or an ``int`` (not a
subclass, not ``bool``, not ``float``), and it is asked only when ``x`` is exactly one of those
too. For such values ``==`` and ``hash`` agree (equal values hash alike, a ``str`` never equals
an ``int``, identity implies equality, and no NaN is among them), so the set finds ``x`` exactly
when some item equals it. Any other item (``1.0``, ``True``, an unhashable list, an object with
its own ``__eq__``) leaves the set out entirely, and any other value tested (a str subclass, a
float) scans the list as before. The set is made once, so only tests that repeat (in a loop, a
comprehension or a nested function) are rewritten.

The list must not change after the set is made, so the name must be a local of the function
(not global/nonlocal, no ``locals()``/``eval`` in it), bound once by a statement of the
function's own body to a value nothing else can hold: a list or tuple display, a list
comprehension, ``list(...)``/``tuple(...)``/``sorted(...)``, or ``+`` of such values. After that
it may only be read: tested with ``in`` (in nested functions and lambdas too, nothing else there),
iterated, indexed, sliced, measured, counted, searched with ``index``, tested for truth or given
to a builtin that only reads it (``len``, ``sorted``, ``min``...). Anything that could change it
or let it escape (a method such as ``append``, a store or ``del`` through it, ``+=``, passing it
to another call, returning, yielding or storing it) is refused with the reason, and so is a
rebound builtin the rewrite uses. A tested value that is no plain name is evaluated once, first
(:mod:`~efficiency.remediate.codemods.set_probe` says where that is refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ScopeProvider

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    walk,
)
from efficiency.remediate.codemods.set_probe import probe_refusal
from efficiency.remediate.codemods.shadow_set import guarded_test
from efficiency.remediate.codemods.site_rewriter import SiteRewriter

#: builtins the rewrite calls
_USED = frozenset({"type", "str", "int", "frozenset", "all"})
#: builtins that build a new list or tuple from their arguments
_FRESH_CALLS = frozenset({"list", "tuple", "sorted"})
#: builtins that only read a sequence given to them (and keep no reference to it)
_READERS = frozenset({
    "len", "sorted", "list", "tuple", "set", "frozenset", "iter", "enumerate", "min", "max",
    "sum", "any", "all", "str", "repr", "reversed", "bool",
})  # fmt: skip
#: methods of a list that only read it
_READ_METHODS = frozenset({"count", "index", "copy"})


@dataclass
class FrozenSite:
    #: the statement line that binds the name (the set is made right after it)
    init: cst.SimpleStatementLine
    name: str
    owner: str
    tests: list[cst.Comparison] = field(default_factory=list)
    #: filled by the caller: the shadow set's name and the tested value's (when no plain name)
    shadow: str = ""
    probe: str = ""


def _fresh(value: cst.BaseExpression, builtins_free: bool) -> bool:
    """Is ``value`` a new list or tuple nothing else holds (or an immutable tuple)?"""
    if isinstance(value, cst.List | cst.Tuple | cst.ListComp):
        return True
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        return builtins_free and value.func.value in _FRESH_CALLS
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
        return _fresh(value.left, builtins_free) and _fresh(value.right, builtins_free)
    return False


def _is_store(node: cst.CSTNode, parent_of: dict[int, cst.CSTNode | None]) -> bool:
    """Is ``node`` (a subscript) written or deleted, alone or inside a target tuple/list?"""
    current, parent = node, parent_of.get(id(node))
    while isinstance(parent, cst.Element | cst.StarredElement | cst.List | cst.Tuple):
        current, parent = parent, parent_of.get(id(parent))
    if isinstance(parent, cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del):
        return parent.target is current
    if isinstance(parent, cst.For | cst.CompFor):
        return parent.target is current
    return isinstance(parent, cst.AsName)


class FrozenFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(
        self, module: cst.Module, targets: Targets | None, skip: frozenset[str] = frozenset()
    ) -> None:
        super().__init__(targets)
        self.module_binds = binds(module, top=True)
        if any(isinstance(n, cst.ImportStar) for n in walk(module)):
            self.module_binds |= _USED | _FRESH_CALLS | _READERS
        #: names another part of the codemod already rewrote
        self.skip = skip
        self.sites: list[FrozenSite] = []
        self.refused: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1:
            self._consider(node, node.targets[0].target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._consider(node, node.target, node.value)

    def _chosen(self, function: cst.FunctionDef) -> bool:
        """Is ``function`` selected, or does it hold a selected def (a closure's list is bound
        in the function around it)?"""
        if self.targets is None:
            return True
        return any(id(n) in self.targets.ids for n in walk(function))

    def _consider(self, node: cst.CSTNode, target: cst.BaseExpression, value: object) -> None:
        if not isinstance(target, cst.Name) or target.value in self.skip:
            return
        if isinstance(value, cst.List) and not value.elements:
            return  # a list grown from empty: the growing-list rewrite's business
        function = self.scope_of(node)
        if not isinstance(function, cst.FunctionDef) or not self._chosen(function):
            return
        if not _tested(function, target.value):
            return
        site = FrozenSite(self.parent(node), target.value, function.name.value)  # type: ignore[arg-type]
        why = self._refusal(node, target, value, function, site)  # type: ignore[arg-type]
        if why:
            self.refused.append(f"{code(node).strip()[:60]}: {why}")
        else:
            self.sites.append(site)

    def _refusal(
        self,
        node: cst.CSTNode,
        target: cst.Name,
        value: cst.BaseExpression,
        function: cst.FunctionDef,
        site: FrozenSite,
    ) -> str:
        name = target.value
        line = site.init
        body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
        if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1 or line not in body:
            return f"{name} is not bound by a statement of its own in the function's body"
        if declares_global(function, name) or calls_introspection(function):
            return f"{name} is global/nonlocal or the function reads its locals by name"
        around = self.module_binds | binds(function)
        for outer in self.ancestors(function):  # a closure sees the defs' names around it
            if isinstance(outer, cst.FunctionDef):
                around |= binds(outer, top=True)
        rebound = (_USED | _FRESH_CALLS | _READERS) & around
        if rebound & _USED:
            return f"{', '.join(sorted(rebound & _USED))} is rebound, so the rewrite proves nothing"
        if not _fresh(value, not rebound & _FRESH_CALLS):
            return (
                f"{name} = `{code(value)[:40]}` may be a list something else holds and changes "
                "(only a display, a comprehension, list()/tuple()/sorted() or + of them)"
            )
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or len(scope[name]) != 1 or name in _nested_binds(function):
            return f"{name} is bound more than once"
        start = body.index(line)
        parents = {id(c): n for n in walk(function) for c in n.children}
        for use in walk(function.body):
            if not isinstance(use, cst.Name) or use.value != name or use is target:
                continue
            statement = next(a for a in self.ancestors(use) if self.parent(a) is function.body)
            if body.index(statement) <= start:  # type: ignore[arg-type]
                return f"{name} is used before or beside its binding"
            why = self._use_refusal(use, name, function, site, parents, rebound)
            if why:
                return why
        if not any(self._repeated(t, function) for t in site.tests):
            return f"{name} is tested once per call, as costly as making a set of it"
        return ""

    def _use_refusal(
        self,
        use: cst.Name,
        name: str,
        function: cst.FunctionDef,
        site: FrozenSite,
        parents: dict[int, cst.CSTNode | None],
        rebound: set[str],
    ) -> str:
        parent = self.parent(use)
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use:
            comparison = self.parent(parent)
            if not isinstance(parent.operator, cst.In | cst.NotIn):
                return f"{name} is compared other than by `in` (the other side could keep it)"
            if not isinstance(comparison, cst.Comparison) or len(comparison.comparisons) != 1:
                return f"{name} is tested in a chained comparison"
            if why := probe_refusal(comparison, self.ancestors(comparison)):
                return why
            site.tests.append(comparison)
            return ""
        if any(isinstance(a, SCOPES) for a in self._between(use, function)):
            return f"{name} is used in a nested function, lambda or class other than by `in`"
        if isinstance(parent, cst.Attribute) and parent.value is use:
            call = self.parent(parent)
            method = parent.attr.value
            if method in _READ_METHODS and isinstance(call, cst.Call) and call.func is parent:
                return ""
            return f"{name}.{method} may change it or let it out"
        stored = isinstance(parent, cst.Subscript) and _is_store(parent, parents)
        grandparent = self.parent(parent) if parent is not None else None
        return reading_refusal(name, use, parent, grandparent, stored, rebound)

    def _between(self, node: cst.CSTNode, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """The ancestors of ``node`` below ``function``."""
        out = []
        for ancestor in self.ancestors(node):
            if ancestor is function:
                break
            out.append(ancestor)
        return out

    def _repeated(self, test: cst.Comparison, function: cst.FunctionDef) -> bool:
        return runs_repeatedly(test, self._between(test, function))


def runs_repeatedly(test: cst.CSTNode, chain: list[cst.CSTNode]) -> bool:
    """Does ``test`` run more than once per call of its function (``chain``: its ancestors
    below the function, innermost first): in a loop, a comprehension (not its first iterable),
    a nested function or lambda?"""
    child: cst.CSTNode = test
    once = False  # inside the outermost iterable of the comprehension around it
    for index, ancestor in enumerate(chain):
        if isinstance(ancestor, (*SCOPES, cst.While)):
            return True
        if isinstance(ancestor, cst.For) and child is not ancestor.iter:
            return True
        if isinstance(ancestor, cst.CompFor):
            above = chain[index + 1] if index + 1 < len(chain) else None
            once = child is ancestor.iter and isinstance(above, COMPREHENSIONS)
            if not once:
                return True
        elif isinstance(ancestor, COMPREHENSIONS):
            if not once:
                return True
            once = False
        child = ancestor
    return False


def _nested_binds(function: cst.FunctionDef) -> set[str]:
    """Names bound inside the defs, lambdas and classes nested in ``function``."""
    out: set[str] = set()
    for node in walk(function.body):
        if isinstance(node, cst.FunctionDef | cst.ClassDef):
            out |= binds(node) - {node.name.value}
        elif isinstance(node, cst.Lambda):
            out |= {p.name.value for p in walk(node.params) if isinstance(p, cst.Param)}
    return out


def _tested(function: cst.FunctionDef, name: str) -> bool:
    return any(
        isinstance(n, cst.ComparisonTarget)
        and isinstance(n.operator, cst.In | cst.NotIn)
        and isinstance(n.comparator, cst.Name)
        and n.comparator.value == name
        for n in walk(function.body)
    )


class FrozenRewriter(SiteRewriter):
    """Makes each site's set after the line that binds its list and asks it in the tests."""

    def after(self, site: FrozenSite) -> cst.BaseStatement:
        return cst.parse_statement(
            f"{site.shadow} = (frozenset({site.name}) if all(type(v) is str or "
            f"type(v) is int for v in {site.name}) else None)\n"
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
            lambda first, v: (
                f"(type({first}) is str or type({v}) is int) and {site.shadow} is not None"
            ),
            site.probe,
        )


def reading_refusal(
    shown: str,
    use: cst.CSTNode,
    parent: cst.CSTNode | None,
    grandparent: cst.CSTNode | None,
    stored: bool,
    rebound: set[str],
) -> str:
    """The end of the read-only checks of a list ``shown`` names: '' when ``use`` (under
    ``parent``, under ``grandparent``) only reads it (a subscript not ``stored``, iterated,
    tested, negated, or passed to a builtin reader not ``rebound``); else why it may change or
    escape."""
    if isinstance(parent, cst.Subscript) and parent.value is use:
        return f"{shown}[...] is assigned or deleted" if stored else ""
    if isinstance(parent, cst.For | cst.CompFor) and parent.iter is use:
        return ""
    if isinstance(parent, cst.If | cst.While | cst.IfExp) and parent.test is use:
        return ""
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return ""
    if isinstance(parent, cst.Arg) and not parent.keyword and parent.star != "**":
        call = grandparent
        if (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Name)
            and call.func.value in _READERS - rebound
        ):
            return ""
        return f"{shown} is passed to `{code(call)[:40]}`, which could change or keep it"
    kind = type(parent).__name__ if parent is not None else "?"
    return f"{shown} is used other than to read it ({kind}), so it could change or escape"
