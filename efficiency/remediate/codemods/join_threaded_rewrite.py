"""The rewrite :mod:`efficiency.remediate.codemods.join_threaded` decided on (``F`` becomes a
wrapper with its exact signature around a worker that appends to one list of parts), and the
stage wired for ``join-strings``: fresh names (not the words of a string literal either), the
sampled lines as they lie in the tree the earlier stages rewrote, the summary."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_dict_local_rewrite import current_lines
from efficiency.remediate.codemods.join_dict_rewrite import DictRewriter
from efficiency.remediate.codemods.join_dict_whole_rewrite import LocalStages
from efficiency.remediate.codemods.join_exact_callee import _module_binds
from efficiency.remediate.codemods.join_threaded import ThreadedFinder, ThreadedSite
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    names_in,
    restage,
    unique_name,
    walk,
)


class ThreadedRewriter(cst.CSTTransformer):
    def __init__(self, sites: list[ThreadedSite], module: cst.Module) -> None:
        super().__init__()
        self.lazy = _lazy_annotations(module)
        # ``list[str]`` is evaluated at the worker's def (in its class's namespace for a method)
        self.list_type = "list[str]" if self.lazy or not _module_binds(module, "list") else None
        self.funcs = {id(s.func): s for s in sites}
        self.appends = {k: s for s in sites for k in s.appends}
        self.calls = {k: s for s in sites for k in s.calls}
        self.returns = {k for s in sites for k in s.returns}
        self.args = {k: s for s in sites for k in s.args}

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        site = self.appends.get(id(original_node))
        if site is None:
            return updated_node
        return DictRewriter._append(
            cst.Name(site.parts), [updated_node.value], updated_node.semicolon
        )

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        site = self.args.get(id(original_node))
        if site is None:
            return updated_node
        keyword = None if updated_node.keyword is None else cst.Name(site.parts)
        return updated_node.with_changes(value=cst.Name(site.parts), keyword=keyword)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        site = self.calls.get(id(original_node))
        if site is None:
            return updated_node
        call = updated_node.value
        assert isinstance(call, cst.Call)
        func = call.func
        if isinstance(func, cst.Attribute):
            func = func.with_changes(attr=cst.Name(site.worker))
        else:
            func = cst.Name(site.worker)
        return cst.Expr(value=call.with_changes(func=func), semicolon=updated_node.semicolon)

    def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
        if id(original_node) not in self.returns:
            return updated_node
        return updated_node.with_changes(
            value=None, whitespace_after_return=cst.MaybeSentinel.DEFAULT
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        site = self.funcs.get(id(original_node))
        if site is None:
            return updated_node
        worker = _worker(site, updated_node, self.list_type, self.lazy)
        return cst.FlattenSentinel([_wrapper(site, original_node), worker])


def _lazy_annotations(module: cst.Module) -> bool:
    """Does the module import ``annotations`` from ``__future__`` (no annotation evaluated)?"""
    return any(
        isinstance(s, cst.SimpleStatementLine)
        and isinstance(s.body[0], cst.ImportFrom)
        and isinstance(s.body[0].module, cst.Name)
        and s.body[0].module.value == "__future__"
        and not isinstance(s.body[0].names, cst.ImportStar)
        and any(cst.ensure_type(a.name, cst.Name).value == "annotations" for a in s.body[0].names)
        for s in module.body
    )


#: what an annotation may do when evaluated a second time, at the worker's def
_EFFECTS = (
    cst.Call,
    cst.NamedExpr,
    cst.Lambda,
    cst.Await,
    cst.Yield,
    cst.FormattedString,
    *COMPREHENSIONS,
)


def _docstring(body: cst.BaseSuite) -> cst.BaseStatement | None:
    """The body's docstring; not a first f-string, which is no docstring but code that runs at
    every call (the worker keeps it)."""
    assert isinstance(body, cst.IndentedBlock)
    first = body.body[0] if body.body else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, cst.SimpleString | cst.ConcatenatedString)
        and not any(isinstance(n, cst.FormattedString) for n in walk(first.body[0].value))
    ):
        return first
    return None


def _wrapper(site: ThreadedSite, func: cst.FunctionDef) -> cst.FunctionDef:
    """``func`` with its own signature, docstring and header comment, its body: start the list
    with the caller's value, run the worker, join once. The join leaves the empty parts out:
    ``s + ""`` and ``"" + s`` are ``s`` itself, and so is a join of the one part ``s``."""
    name = site.param.name.value
    params = [*func.params.posonly_params, *func.params.params]
    args = [site.parts if p.name.value == name else p.name.value for p in params]
    prefix = ""
    if site.cls is not None:
        prefix = f"{args.pop(0)}."
    args += [f"{p.name.value}={p.name.value}" for p in func.params.kwonly_params]
    statements = [
        cst.parse_statement(f"{site.parts} = [{name}]"),
        cst.parse_statement(f"{prefix}{site.worker}({', '.join(args)})"),
        cst.parse_statement(f'return "".join([part for part in {site.parts} if part])'),
    ]
    docstring = _docstring(func.body)
    body = ([docstring] if docstring is not None else []) + statements
    assert isinstance(func.body, cst.IndentedBlock)
    return func.with_changes(body=func.body.with_changes(body=body, footer=()))


_EQUAL = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)


def _effects(annotation: cst.Annotation) -> bool:
    return any(isinstance(n, _EFFECTS) for n in walk(annotation))


def _worker(
    site: ThreadedSite, func: cst.FunctionDef, list_type: str | None, lazy: bool
) -> cst.FunctionDef:
    """The rewritten ``func`` under the worker's name, the list in place of the parameter,
    returning ``None``; no docstring, no trailing bare ``return``. Where the module evaluates
    annotations, one that calls or binds something (``n: note(int)``) is left out: it ran at
    ``F``'s def, and must not run again."""
    assert isinstance(func.body, cst.IndentedBlock)
    body = list(func.body.body)
    if _docstring(func.body) is not None:
        body = body[1:] if len(body) > 1 else body
    last = body[-1]
    if (
        len(body) > 1
        and isinstance(last, cst.SimpleStatementLine)
        and len(last.body) == 1
        and isinstance(last.body[0], cst.Return)
        and last.body[0].value is None
        and not any(line.comment for line in last.leading_lines)
    ):
        body.pop()
    returns = func.returns
    if returns is not None:
        returns = returns.with_changes(annotation=cst.Name("None"))
    blank = 2 if site.cls is None else 1
    return func.with_changes(
        name=cst.Name(site.worker),
        params=_params(site, func.params, list_type, lazy),
        returns=returns,
        body=func.body.with_changes(body=body, header=cst.TrailingWhitespace()),
        leading_lines=[cst.EmptyLine(indent=False)] * blank,
    )


def _params(
    site: ThreadedSite, params: cst.Parameters, list_type: str | None, lazy: bool
) -> cst.Parameters:
    """The parameters with the list in place of ``P``: annotated ``list[str]`` where ``P``
    was ``str`` (quoted where the module rebinds ``list``), no default unless an earlier one
    has one (then ``None``, never used: every call passes it)."""
    name = site.param.name.value
    before_default = False
    changed = {}
    for kind in ("posonly_params", "params", "kwonly_params"):
        new = []
        for param in getattr(params, kind):
            if param.name.value == name:
                param = _list_param(site, param, before_default, list_type)
            elif param.annotation is not None and not lazy and _effects(param.annotation):
                equal = _EQUAL if param.default is not None else cst.MaybeSentinel.DEFAULT
                param = param.with_changes(annotation=None, equal=equal)
            before_default = before_default or param.default is not None
            new.append(param)
        changed[kind] = new
    return params.with_changes(**changed)


def _list_param(
    site: ThreadedSite, param: cst.Param, needs_default: bool, list_type: str | None
) -> cst.Param:
    annotation = param.annotation
    if annotation is not None:
        shown = annotation.annotation
        if isinstance(shown, cst.Name) and shown.value == "str":
            text = list_type or '"list[str]"'
            annotation = annotation.with_changes(annotation=cst.parse_expression(text))
        else:
            annotation = None
    if needs_default:
        default: cst.BaseExpression | None = cst.Name("None")
        equal = param.equal
        annotation = None
    else:
        default, equal = None, cst.MaybeSentinel.DEFAULT
    return param.with_changes(
        name=cst.Name(site.parts), annotation=annotation, default=default, equal=equal
    )


def _words_in_strings(module: cst.Module) -> set[str]:
    """The words of the module's string literals: a name given as a string (``__slots__``,
    ``getattr(self, "name")``, ``__all__``) is taken too."""
    texts = (n for n in walk(module) if isinstance(n, cst.SimpleString | cst.FormattedStringText))
    return {word for node in texts for word in re.findall(r"\w+", node.value)}


def run_stage(
    done: LocalStages,
    finder: Any,
    name: Callable[[Any, set[str]], None],
    rewriter: Callable[[list[Any], cst.Module], cst.CSTTransformer],
) -> list[Any]:
    """Visit the module ``done`` holds with ``finder`` (a visitor with ``sites`` and
    ``refused``); when it found sites, name each (``name(site, taken)`` adds what it takes to
    ``taken``), rewrite with ``rewriter(sites, module)`` and leave the result in ``done``.
    The sites found (none: ``done`` unchanged but for the refusals)."""
    module = done.wrapper.module
    done.wrapper.visit(finder)
    done.refused += finder.refused
    if not finder.sites:
        return []
    done.sites += len(finder.sites)
    taken = names_in(module) | _words_in_strings(module)
    for site in finder.sites:
        name(site, taken)
    new = module.visit(rewriter(finder.sites, module))
    done.wrapper, done.targets = restage(module, new, done.targets)
    return list(finder.sites)


def threaded_stage(done: LocalStages, source: str, sampled: list[int] | None) -> LocalStages:
    """Find and rewrite the threaded accumulators in the module the local-dict stages left,
    adding to what they ``done``; ``source`` is the module the ``sampled`` lines are numbered
    in."""
    module = done.wrapper.module
    finder = ThreadedFinder(module, done.targets, current_lines(source, module.code, sampled))

    def name(site: ThreadedSite, taken: set[str]) -> None:
        site.worker = unique_name(f"{site.func.name.value}_parts", taken)
        taken.add(site.worker)
        site.parts = unique_name(f"{site.param.name.value}_parts", taken)
        taken.add(site.parts)

    sites = run_stage(done, finder, name, ThreadedRewriter)
    if sites:
        shown = sorted(f"{s.param.name.value} ({s.shown})" for s in sites)
        done.summaries.append(
            f"threaded the str {', '.join(shown)} through the recursion as one list of parts "
            f"(a worker appends, a wrapper with the same signature joins once) instead of "
            f"`+=` ({plural(len(sites), 'function')})"
        )
    return done
