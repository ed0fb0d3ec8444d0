"""Call a precompiled pattern's own method instead of ``re.fn(pattern, ...)``
(``re-pattern-method``).

``_WORD = re.compile(r"\\w+")`` at module level, then ``re.match(_WORD, s)`` in a hot function,
pays ``re._compile``'s type check and cache lookup on every call only to get ``_WORD`` back.
``_WORD.match(s)`` is the same call without that detour::

    re.match(_WORD, s)           →  _WORD.match(s)
    re.sub(_WORD, "-", s, 2)     →  _WORD.sub("-", s, 2)
    re.split(_WORD, s, maxsplit=1) → _WORD.split(s, maxsplit=1)

Only done when the first argument is a name bound exactly once, at module level, by
``NAME = re.compile(...)`` (no other assignment, ``global`` rebinding, parameter or ``del``
anywhere, so at the call it can only be that compiled pattern), when ``re`` is the imported
module, and when the call has no ``flags`` (with a compiled pattern ``re`` rejects non-zero
flags; the method has no such argument), no ``*args``/``**kwargs`` and no keyword the method
does not share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import (
    GlobalScope,
    MetadataWrapper,
    QualifiedNameProvider,
    QualifiedNameSource,
    ScopeProvider,
)

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    walk,
    where,
)

#: re function → (most positional arguments, pattern included; keywords the method shares)
SIGNATURES: dict[str, tuple[int, frozenset[str]]] = {
    "match": (2, frozenset({"string"})),
    "search": (2, frozenset({"string"})),
    "fullmatch": (2, frozenset({"string"})),
    "findall": (2, frozenset({"string"})),
    "finditer": (2, frozenset({"string"})),
    "split": (3, frozenset({"string", "maxsplit"})),
    "sub": (4, frozenset({"repl", "string", "count"})),
    "subn": (4, frozenset({"repl", "string", "count"})),
}


@dataclass
class _Site:
    call: cst.Call
    pattern: str
    method: str
    owner: str


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(targets)
        self.compiled = _module_level_compiles(module)
        self.deleted = {
            n.value
            for d in walk(module)
            if isinstance(d, cst.Del)
            for n in walk(d.target)
            if isinstance(n, cst.Name)
        }
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def _re_function(self, func: cst.BaseExpression) -> str | None:
        names = self.get_metadata(QualifiedNameProvider, func, set())
        if len(names) != 1:
            return None
        (qualified,) = names
        if qualified.source is not QualifiedNameSource.IMPORT:
            return None
        if not qualified.name.startswith("re.") or qualified.name[3:] not in SIGNATURES:
            return None
        return qualified.name[3:]

    def _only_the_compiled_pattern(self, name: cst.Name) -> bool:
        """Is ``name`` here the module-level ``re.compile`` result, bound nowhere else?"""
        if name.value not in self.compiled or name.value in self.deleted:
            return False
        scope = self.get_metadata(ScopeProvider, name, None)
        if scope is None:
            return False
        assignments = scope[name.value]
        if len(assignments) != 1:
            return False
        (assignment,) = assignments
        return (
            isinstance(assignment.scope, GlobalScope)
            and getattr(assignment, "node", None) is self.compiled[name.value]
        )

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active:
            return
        function = self._re_function(node.func)
        if function is None or not node.args:
            return
        first = node.args[0]
        if first.keyword is not None or first.star or not isinstance(first.value, cst.Name):
            return
        if first.value.value not in self.compiled:
            return  # a literal or unknown pattern: hoist-re-compile's business
        shown = cst.Module(body=[]).code_for_node(node).splitlines()[0]
        why = self._refusal(node, function)
        if why is None and not self._only_the_compiled_pattern(first.value):
            why = f"{first.value.value} is bound more than once or shadowed here"
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        owner = self.def_stack[-1] if self.def_stack else ""
        self.sites.append(_Site(node, first.value.value, function, owner))

    @staticmethod
    def _refusal(node: cst.Call, function: str) -> str | None:
        most, keywords = SIGNATURES[function]
        if any(a.star for a in node.args):
            return "*args or **kwargs"
        if any(a.keyword is not None and a.keyword.value == "flags" for a in node.args):
            return "a flags argument"
        positional = [a for a in node.args if a.keyword is None]
        if len(positional) > most:
            return "a flags argument"
        unknown = [
            a.keyword.value
            for a in node.args
            if a.keyword is not None and a.keyword.value not in keywords
        ]
        if unknown:
            return f"keyword {unknown[0]!r} has no counterpart in Pattern.{function}"
        return None


def _module_level_compiles(module: cst.Module) -> dict[str, cst.Name]:
    """Module-level ``NAME = re.compile(...)`` (or annotated) targets, by name."""
    found: dict[str, cst.Name] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            else:
                continue
            if isinstance(target, cst.Name) and _is_compile_call(value):
                found[target.value] = target
    return found


def _is_compile_call(value: cst.BaseExpression) -> bool:
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Attribute)
        and isinstance(value.func.value, cst.Name)
        and value.func.value.value == "re"
        and value.func.attr.value == "compile"
    )


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: dict[int, _Site]) -> None:
        super().__init__()
        self.sites = sites

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        site = self.sites.get(id(original_node))
        if site is None:
            return updated_node
        func = cst.Attribute(value=cst.Name(site.pattern), attr=cst.Name(site.method))
        return updated_node.with_changes(func=func, args=updated_node.args[1:])


class RePatternMethod(PythonCodemod):
    name = "re-pattern-method"
    needs = ("re.",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(wrapper.module, targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no re.<function>(PATTERN, ...) with a module-level compiled PATTERN"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter({id(s.call): s for s in finder.sites}))
        names = ", ".join(sorted({f"{s.pattern}.{s.method}" for s in finder.sites}))
        summary = (
            f"called {names} directly instead of through re "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'call')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
