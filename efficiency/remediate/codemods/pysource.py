"""The machinery the Python codemods share: parsing, the ``function`` filter, safety checks.

Every Python codemod works in two passes over one libcst tree: an analysis visitor (with
metadata: qualified names, parents) decides which nodes to rewrite and why the others are
refused; a plain transformer then rewrites exactly those nodes, found by identity. Whatever the
codemod, the result must still parse, or nothing is changed at all.
"""

from __future__ import annotations

import ast
import keyword
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from efficiency.remediate.codemods.base import CodemodResult
from efficiency.remediate.codemods.def_paths import defs_by_path

#: nodes that open a new name scope (a name inside them may be a different variable)
SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
#: calls that can read or write any local by name; a rewrite near them proves nothing
INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "globals", "dir"})


@dataclass
class Edit:
    """What a codemod's rewrite produced: the new tree, how many sites, the summary line."""

    module: cst.Module
    sites: int
    summary: str


@dataclass(frozen=True)
class Targets:
    """The function definitions a ``function=`` argument selected (None means the module)."""

    defs: tuple[cst.FunctionDef, ...]
    label: str
    ids: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", frozenset(id(d) for d in self.defs))


def def_name_candidates(function: str) -> list[tuple[str, ...]]:
    """The dotted parts of ``function`` that can name a def, longest qualifier first.

    ``Parser.parse_line`` → ``[("Parser", "parse_line"), ("Parser",)]``; py-spy's
    ``parse_line.<locals>.<listcomp>`` → ``[("parse_line",)]``; a trailing ``(file:line)``
    is ignored.
    """
    head = re.split(r"[\s(]", function.strip(), maxsplit=1)[0]
    parts = [p for p in head.split(".") if p.isidentifier() and not keyword.iskeyword(p)]
    return [tuple(parts[:end]) for end in range(len(parts), 0, -1)]


class _DefCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.stack: list[str] = []
        self.defs: list[tuple[tuple[str, ...], cst.FunctionDef]] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.stack.append(node.name.value)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.stack.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.stack.append(node.name.value)
        self.defs.append((tuple(self.stack), node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.stack.pop()


def find_targets(module: cst.Module, function: str) -> Targets | None:
    """The defs ``function`` names: the last dotted part that is a real def wins; when several
    defs share that name, the ones whose qualified name ends with the given qualifiers."""
    collector = _DefCollector()
    module.visit(collector)
    for parts in def_name_candidates(function):
        named = [(qual, d) for qual, d in collector.defs if qual[-1] == parts[-1]]
        if not named:
            continue
        qualified = [d for qual, d in named if qual[-len(parts) :] == parts]
        chosen = qualified or [d for _, d in named]
        return Targets(tuple(chosen), parts[-1])
    return None


class ScopedVisitor(cst.CSTVisitor):
    """An analysis visitor that knows whether it is inside the selected function(s) and the
    names of the defs around the current node."""

    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    def __init__(self, targets: Targets | None) -> None:
        super().__init__()
        self.targets = targets
        self._inside = 0
        self.def_stack: list[str] = []

    @property
    def active(self) -> bool:
        return self.targets is None or self._inside > 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        self.def_stack.append(node.name.value)
        if self.targets is not None and id(node) in self.targets.ids:
            self._inside += 1
        return None

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.def_stack.pop()
        if self.targets is not None and id(original_node) in self.targets.ids:
            self._inside -= 1

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.get_metadata(ParentNodeProvider, node, None)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        current = self.parent(node)
        while current is not None:
            yield current
            current = self.parent(current)

    def scope_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost def, lambda, class or module around ``node``."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, (*SCOPES, cst.Module)):
                return ancestor
        raise ValueError("node outside any module")

    def exceptions_observable(
        self, node: cst.CSTNode, scope: cst.CSTNode, name: str | None = None
    ) -> bool:
        """Could an exception raised by ``node`` be caught in the same scope, so that code
        there sees the half-built state a rewrite changes? (A ``try`` with ``except`` around
        it, or a ``with`` whose context manager might swallow it; ``open(...)`` never does.)
        A ``try`` with only ``finally`` lets the exception leave the scope, so it is no reason
        when the finally block neither mentions ``name`` (the state the rewrite changes; None:
        any try counts) nor holds ``return``/``break``/``continue``, which would swallow it."""
        for ancestor in self.ancestors(node):
            if ancestor is scope:
                return False
            if isinstance(ancestor, cst.TryStar) or (
                isinstance(ancestor, cst.Try) and not _finally_only_lets_through(ancestor, name)
            ):
                return True
            if isinstance(ancestor, cst.With) and not all(
                _is_call_to(item.item, "open") for item in ancestor.items
            ):
                return True
        return False


def _finally_only_lets_through(node: cst.Try, name: str | None) -> bool:
    """A ``try``/``finally`` (no ``except``, no ``else``) whose finally block does not mention
    ``name`` and cannot swallow an exception (no return, break or continue in it)."""
    final = node.finalbody
    if name is None or node.handlers or node.orelse is not None or final is None:
        return False
    return not mentions(final, name) and not any(
        isinstance(n, (cst.Return, cst.Break, cst.Continue)) for n in walk(final)
    )


def _is_call_to(node: cst.BaseExpression, name: str) -> bool:
    return (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == name
    )


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Every node under ``node`` (itself included), depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def names_in(node: cst.CSTNode) -> set[str]:
    """Every identifier used anywhere under ``node`` (a superset of the bound names)."""
    return {n.value for n in walk(node) if isinstance(n, cst.Name)}


def mentions(node: cst.CSTNode, name: str) -> bool:
    return any(isinstance(n, cst.Name) and n.value == name for n in walk(node))


def mentions_in_nested_scopes(node: cst.CSTNode, name: str) -> bool:
    """Is ``name`` used inside a def, lambda or class under ``node`` (which could read it
    through a closure or as a global while a loop runs)?"""
    return any(isinstance(n, SCOPES) and mentions(n, name) for n in walk(node) if n is not node)


def declares_global(scope: cst.CSTNode, name: str) -> bool:
    return any(
        isinstance(n, (cst.Global, cst.Nonlocal))
        and any(item.name.value == name for item in n.names)
        for n in walk(scope)
    )


def calls_introspection(node: cst.CSTNode) -> bool:
    return any(
        isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value in INTROSPECTION
        for n in walk(node)
    )


def calls_next(node: cst.CSTNode) -> bool:
    """Does ``node`` call ``next(...)``? Inside a generator a ``StopIteration`` it lets out
    becomes ``RuntimeError`` (PEP 479); moved out of the generator, it would stay itself."""
    return any(
        isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == "next"
        for n in walk(node)
    )


def has_comment(node: cst.CSTNode) -> bool:
    return any(isinstance(n, cst.Comment) for n in walk(node))


def comments_in(node: cst.CSTNode) -> list[str]:
    return [n.value for n in walk(node) if isinstance(n, cst.Comment)]


def unique_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is not taken."""
    taken = set(taken)
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def literal_value(node: cst.BaseExpression) -> str | bytes | None:
    """The value of a plain string literal (implicit concatenation included), else None."""
    if isinstance(node, cst.SimpleString):
        return node.evaluated_value
    if isinstance(node, cst.ConcatenatedString):
        left, right = literal_value(node.left), literal_value(node.right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        if isinstance(left, bytes) and isinstance(right, bytes):
            return left + right
    return None


def same_ast(a: str, b: str) -> bool:
    """Do two expression sources mean the same thing (ignoring layout)?"""
    try:
        return ast.dump(ast.parse(a.strip(), mode="eval")) == ast.dump(
            ast.parse(b.strip(), mode="eval")
        )
    except SyntaxError:
        return False


def insert_above(
    original: cst.Module,
    updated: cst.Module,
    sites: Mapping[int, list[Any]],
    statements: Callable[[Any], list[cst.BaseStatement]],
) -> cst.Module:
    """``updated`` with each site's new module-level ``statements`` just above the top-level
    statement of ``original`` that holds it (``sites``: ``id`` of that statement -> its
    sites). The statement's leading blank lines go above the new ones; its comments stay on it,
    two blank lines below them."""
    body: list[Any] = []
    for old, new in zip(original.body, updated.body, strict=True):
        here = sites.get(id(old), [])
        if not here:
            body.append(new)
            continue
        lines = list(new.leading_lines)
        blank = 0
        while blank < len(lines) and lines[blank].comment is None:
            blank += 1
        for i, site in enumerate(here):
            made = statements(site)
            body.append(made[0].with_changes(leading_lines=lines[:blank] if i == 0 else []))
            body += made[1:]
        body.append(new.with_changes(leading_lines=[cst.EmptyLine()] * 2 + lines[blank:]))
    return updated.with_changes(body=body)


def code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


class StatementRewriter(cst.CSTTransformer):
    """A transformer that rewrites statement lists (function bodies and the module): the
    subclass's ``_body`` maps a block's original and updated statements to the new list."""

    def _body(
        self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]
    ) -> list[Any]:
        return list(updated)

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated_node.with_changes(body=self._body(original_node.body, updated_node.body))

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        return updated_node.with_changes(body=self._body(original_node.body, updated_node.body))


class PythonCodemod(ABC):
    """The common ``apply``: parse, select the function, rewrite, check the result parses.
    Each codemod implements :meth:`rewrite`."""

    name: str = ""
    language: str = "python"
    #: text that must occur in a file for the codemod to have anything to do (a fast exit
    #: before the costly metadata passes); empty means always look
    needs: tuple[str, ...] = ()

    def apply(
        self,
        source: str,
        *,
        function: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> CodemodResult:
        self.check_params(dict(params or {}))
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
            return CodemodResult.unchanged(
                source, f"{self.name}: the file does not parse ({first})"
            )
        if function is not None and find_targets(module, function) is None:
            return CodemodResult.unchanged(
                source, f"{self.name}: no function {function!r} in this file; nothing changed"
            )
        if self.needs and not any(text in source for text in self.needs):
            return CodemodResult.unchanged(source, f"{self.name}: nothing to do in this file")
        wrapper = MetadataWrapper(module)
        targets = None if function is None else find_targets(wrapper.module, function)
        edit = self.rewrite(wrapper, targets, dict(params or {}))
        new = edit.module.code
        if edit.sites == 0 or new == source:
            return CodemodResult.unchanged(source, edit.summary)
        try:
            ast.parse(new)
        except SyntaxError as exc:
            return CodemodResult.unchanged(
                source, f"{self.name}: the rewrite would not parse ({exc.msg}); nothing changed"
            )
        return CodemodResult(source=new, changed=True, summary=edit.summary, sites=edit.sites)

    def check_params(self, params: dict[str, Any]) -> None:  # noqa: B027 - most take none
        """Raise ValueError for parameters the codemod cannot use (before any parsing)."""

    @abstractmethod
    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        """The edited module, how many sites changed and the one-line summary."""


def where(targets: Targets | None, functions: Iterable[str]) -> str:
    """``in parse_line`` / ``in parse_line, load`` / ``at module level``, for summaries."""
    if targets is not None:
        return f"in {targets.label}"
    names = sorted(set(functions))
    if not names:
        return "at module level"
    return "in " + ", ".join(names)


def restage(
    old: cst.Module, new: cst.Module, targets: Targets | None
) -> tuple[MetadataWrapper, Targets | None]:
    """For a codemod that rewrites in stages: a wrapper over ``new`` for the next stage's
    analysis (a rewriter finds its sites by node identity, which a transform does not keep),
    and the defs ``targets`` selected in ``old``, found in it by position (the stages before
    the last may add a def, such as a ``__post_init__``, but neither rename nor remove one)."""
    wrapper = MetadataWrapper(new)
    if targets is None:
        return wrapper, None
    after = dict(defs_by_path(wrapper.module))
    chosen = tuple(after[k] for k, d in defs_by_path(old) if id(d) in targets.ids and k in after)
    return wrapper, Targets(chosen, targets.label)
