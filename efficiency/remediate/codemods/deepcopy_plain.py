"""Deep-copy plain data faster, with the same result (``deepcopy-plain``).

When a copy cannot be shown unneeded (``deepcopy-read-only``, ``deepcopy-shallow``), the copy
itself can still be cheaper. ``copy.deepcopy`` spends most of its time on the generic path it
takes for every object: the memo lookup, the dispatch, the keep-alive list, and for an instance
``__reduce_ex__``, ``copyreg.__newobj__`` and ``_reconstruct``. This codemod rewrites the hot
``copy.deepcopy(value)`` calls to a helper it adds once, after the imports::

    import copy                                  import copy

                                                 def _make_deepcopy_plain(): ...
                                                 _deepcopy_plain = _make_deepcopy_plain()
    def estimate(self, p):               →
        climate = copy.deepcopy(self.c[p])       def estimate(self, p):
                                                     climate = _deepcopy_plain(
                                                         copy.deepcopy, self.c[p])

The helper (:mod:`.deepcopy_plain_helper`, whose docstring says exactly what it mirrors) copies
exact dicts, lists and tuples, atomic values and instances of plain classes as copy.deepcopy
does, with the same memo, and hands everything else to ``copy.deepcopy`` with that memo, so it
is the same function for every input; no proof about the data or its use is needed. The call
still names ``copy.deepcopy`` (looked up as before, then passed): when that is not the standard
library's function at that moment (a test's mock, a patch), the helper just calls it.

Only a call of the standard ``copy.deepcopy`` with one positional argument (no memo, keyword
or ``*``) is rewritten: through ``import copy`` (``as`` any name) or ``from copy import
deepcopy`` (``as`` any name), a statement of the module's own top level, the only binding of
that name in the module (no local or later rebinding, star import, ``:=``, ``exec``), and no
``copy.py`` or ``copy/`` package in the file's folder or above it in the repository that could
be imported instead. Which calls: those on the sampled lines (``sampled_lines`` in the
parameters, as the engine passes them), else every call in the selected function. A call that
runs at import before the helper is defined is left, and so is every call when the statement
importing copy does more than import the standard library (``import copy; main()``). The
helper goes above the first import after it that is not of the standard library or may be a
module of the repository named like one (either could import this module back and call it).
A module that already holds the helper (a second run) calls it again instead of adding
another, unless its name is used otherwise there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import (
    Assignment,
    GlobalScope,
    MetadataWrapper,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.deepcopy_plain_insert import (
    FACTORY,
    HELPER,
    existing_helper,
    helper_statements,
    insert_at,
    rebound,
    shadowing,
    spaced,
    stdlib_imports,
)
from efficiency.remediate.codemods.module_level import hidden_binding, top_imports
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    code,
    names_in,
    walk,
    where,
)


@dataclass(frozen=True)
class _Import:
    """A top-level import binding a name to the copy module (``module``) or to deepcopy."""

    index: int
    node: cst.Import | cst.ImportFrom
    module: bool


def _copy_imports(module: cst.Module) -> dict[str, _Import]:
    """Names the module's own top-level statements bind to ``copy`` or ``copy.deepcopy``."""
    return {
        t.local: _Import(t.index, t.node, t.target == "copy")
        for t in top_imports(module, "copy")
        if t.target in ("copy", "copy.deepcopy")
    }


@dataclass
class _Site:
    call: cst.Call
    line: int
    index: int  # the module-level statement holding it
    deferred: bool  # in the body of a def or lambda: runs only when called
    owner: str


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
        PositionProvider,
    )

    def __init__(self, module: cst.Module, targets: Targets | None, lines: set[int] | None):
        super().__init__(targets)
        self.module = module
        self.lines = lines
        self.imports = _copy_imports(module)
        deleted = (n for d in walk(module) if isinstance(d, cst.Del) for n in walk(d.target))
        self.deleted = {n.value for n in deleted if isinstance(n, cst.Name)}
        self.top = {id(stmt): i for i, stmt in enumerate(module.body)}
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.attr.value != "deepcopy":
                return
            base, looks = func.value, self._imported_as(func.value.value, "copy", True)
        elif isinstance(func, cst.Name):
            base, looks = func, self._imported_as(func.value, "deepcopy", False)
        else:
            return
        names = {q.name for q in self.get_metadata(QualifiedNameProvider, func, set())}
        if not looks and "copy.deepcopy" not in names:
            return
        span = self.get_metadata(PositionProvider, node)
        sampled = self.lines is not None and any(
            span.start.line <= n <= span.end.line for n in self.lines
        )
        if not (sampled if self.lines is not None else self.active):
            return
        shown = f"line {span.start.line}: {code(node).splitlines()[0]}"
        why = self._binding_refusal(base, names)
        if why is None and (
            len(node.args) != 1 or node.args[0].keyword is not None or node.args[0].star
        ):
            why = "not one positional argument (a memo, a keyword or * is left to copy)"
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        index, deferred = self._placement(node)
        owner = self.def_stack[-1] if self.def_stack else ""
        self.sites.append(_Site(node, span.start.line, index, deferred, owner))

    def _imported_as(self, name: str, plain: str, module: bool) -> bool:
        """Is ``name`` the plain name (``copy``, ``deepcopy``) or one the module's top-level
        imports bind to the copy module (``module``) or to deepcopy?"""
        imported = self.imports.get(name)
        return name == plain or (imported is not None and imported.module == module)

    def _binding_refusal(self, base: cst.Name, names: set[str]) -> str | None:
        """Why ``base`` may not be the module-level import of the standard copy module or of
        its deepcopy, else None."""
        imported = self.imports.get(base.value)
        if imported is None:
            return f"{base.value} is not copy or copy.deepcopy imported at the module's top level"
        scope = self.get_metadata(ScopeProvider, base, None)
        seen = list(scope[base.value]) if scope is not None else []
        if (
            len(seen) != 1
            or not isinstance(seen[0], Assignment)
            or not isinstance(seen[0].scope, GlobalScope)
            or seen[0].node is not imported.node
            or names != {"copy.deepcopy"}
        ):
            return f"{base.value} is bound otherwise as well (a local or a second binding)"
        if base.value in self.deleted:  # the call would fail where the helper would not
            return f"{base.value} is deleted in the module"
        return hidden_binding(self.module, [base.value])

    def _placement(self, node: cst.CSTNode) -> tuple[int, bool]:
        """The index of the module-level statement holding ``node``, and whether ``node`` is in
        the body of a def or lambda (not a default or a decorator: those run at definition)."""
        child, deferred = node, False
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda) and child is ancestor.body:
                deferred = True
            if id(ancestor) in self.top:
                return self.top[id(ancestor)], deferred
            child = ancestor
        return len(self.module.body), deferred


class _Rewriter(cst.CSTTransformer):
    def __init__(self, calls: set[int], helper: str) -> None:
        super().__init__()
        self.calls, self.helper = calls, helper

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if id(original_node) not in self.calls:
            return updated_node
        named = cst.Arg(
            updated_node.func, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        )
        (arg,) = updated_node.args
        if isinstance(arg.value, cst.GeneratorExp) and not arg.value.lpar:  # no longer alone
            paren = {"lpar": [cst.LeftParen()], "rpar": [cst.RightParen()]}
            arg = arg.with_changes(value=arg.value.with_changes(**paren))
        return updated_node.with_changes(func=cst.Name(self.helper), args=[named, arg])


class DeepcopyPlain(PythonCodemod):
    name = "deepcopy-plain"
    needs = ("deepcopy",)

    def check_params(self, params: dict[str, Any]) -> None:
        lines = params.get("sampled_lines")
        if lines is not None and not all(
            isinstance(n, int) and not isinstance(n, bool) for n in lines
        ):
            raise ValueError(f"sampled_lines must be line numbers, not {lines!r}")

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        module = wrapper.module
        lines = params.get("sampled_lines")
        existing = existing_helper(module)
        helper, at = existing if existing is not None else (None, -1)
        finder = _Finder(module, targets, None if lines is None else set(lines))
        wrapper.visit(finder)
        why = shadowing(params, "copy") if finder.sites else None
        if why is not None:
            why = f"{why} may be imported as copy instead of the standard one"
        elif helper is None and finder.sites:
            start = min(i.index for i in finder.imports.values())
            at = insert_at(module, start, params)
            if not stdlib_imports(module.body[start], params):
                why = (
                    f"line {wrapper.resolve(PositionProvider)[module.body[start]].start.line}: "
                    "the statement importing copy runs "
                    "more than standard-library imports before the helper could be defined"
                )
        elif helper is not None and finder.sites:
            why = rebound(module, helper)
        if why is not None:
            finder.refused, finder.sites = [why], []
        sites = [s for s in finder.sites if s.deferred or s.index > at]
        finder.refused += [
            f"line {s.line}: runs at import, before the helper would be defined"
            for s in finder.sites
            if s not in sites
        ]
        if not sites:
            places = "the sampled lines" if lines is not None else "the selected code"
            why = "; ".join(finder.refused) or f"no copy.deepcopy call on {places}"
            return Edit(module, 0, f"{self.name}: nothing to rewrite ({why})")
        if helper is None:
            taken = names_in(module)
            suffix, number = "", 1
            while f"{HELPER}{suffix}" in taken or f"{FACTORY}{suffix}" in taken:
                number += 1
                suffix = f"_{number}"
            helper = f"{HELPER}{suffix}"
        new = module.visit(_Rewriter({id(s.call) for s in sites}, helper))
        if existing is None:
            body = list(new.body)
            following = [spaced(body[at + 1])] if at + 1 < len(body) else []
            added = helper_statements(f"{FACTORY}{helper.removeprefix(HELPER)}", helper)
            new = new.with_changes(body=[*body[: at + 1], *added, *following, *body[at + 2 :]])
        shown = ", ".join(str(s.line) for s in sites)
        summary = (
            f"copy.deepcopy at line(s) {shown} "
            f"{where(targets, (s.owner for s in sites if s.owner))} "
            f"now calls {helper} ({plural(len(sites), 'call')}), which copies dicts, lists, "
            "tuples and instances of plain classes itself, exactly as copy.deepcopy would, "
            "and hands anything else to copy.deepcopy"
        )
        if finder.refused:
            summary += "; left: " + "; ".join(finder.refused)
        return Edit(new, len(sites), summary)
