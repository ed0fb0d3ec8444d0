"""Patterns that are not literals, compiled through one bounded module-level memo of
``re.compile`` (the part of ``hoist-re-compile`` for a pattern held in a parameter or local).

A helper that takes its pattern from its caller pays ``re._compile``'s flag check and cache
lookup (a dict keyed by ``(type(p), p, flags)``) on every call::

    def check(rule, value):
        return re.fullmatch(rule, value, re.ASCII) is not None

becomes, with ``_re_compiled = functools.lru_cache(maxsize=512, typed=True)(re.compile)``
after the imports (``import functools`` added when missing)::

    def check(rule, value):
        return _re_compiled(rule, re.ASCII).fullmatch(value) is not None

and ``re.compile(p, f)`` becomes ``_re_compiled(p, f)``. ``re-loop-pattern`` names its memo the
same way, and each codemod reuses a memo the other made when it may (:func:`memo_for`).

Why the results are the same:

* ``re.fn(p, s, flags=f)`` is ``re._compile(p, f).fn(s)``, and ``re.compile(p, f)`` returns
  re's cached Pattern for the same ``(type(p), p, f)``; compiling is deterministic, so the memo
  hands back an equal Pattern (``typed=True`` keeps a str subclass apart from str, as re's key
  does). Only identity can differ: after ``re.purge()``, or past re's 512 entries, re would
  compile a new (equal) object where the memo keeps its own.
* Errors are the same and never cached: an invalid pattern raises the same ``re.error``; a
  compiled Pattern with flags raises the same ``ValueError`` (and without flags comes back
  itself); a hashable non-pattern the same ``TypeError``; an unhashable one ``TypeError:
  unhashable type`` in both, since re hashes its key before anything else (3.11+).
* The memo is bounded: patterns come from callers and may be unbounded in number. 512 is
  re's own cache size (``re._MAXCACHE``), so the memo never holds more than re would, and a
  workload that thrashes it would have thrashed re's cache too. Its misses call
  ``re.compile``, so both hold the same objects.
* The call's other arguments must be names, literals or lambdas: the memo compiles the pattern
  before they are evaluated, which must not skip a side effect or change which error comes
  first when the compile fails. (A name that is unbound there still raises its NameError after
  the compile, so an invalid pattern's ``re.error`` comes first: two errors at once, the
  second one named.)
* The memo is bound after the imports of ``re`` and ``functools`` (or where an earlier rewrite
  bound it): refused when a statement before that point other than an import or an undecorated
  ``def`` could run code, which might call a rewritten function before the memo exists.
* Flags must be a constant of re flags or an int, without ``re.DEBUG`` (prints at every
  compile, which the memo would skip) or ``re.TEMPLATE`` (warns at every compile). Positional
  ``count``/``maxsplit``/``flags`` map to the pattern's method by re's signatures
  (``sub(p, repl, s, count, flags)``, ``split(p, s, maxsplit, flags)``, ``fn(p, s, flags)``);
  any other positional or keyword form is refused.
* Refused when the file calls ``re.purge``: it asks for re's compiled patterns to be dropped,
  which the memo would not do (its results would still be equal Patterns). A purge elsewhere
  cannot be seen; it costs the same identity difference and nothing else.
* Where: as for literal patterns, the calls in the function the engine names (the hot spot's,
  and a rewrite is kept only when it replaces a line the profile sampled) or, with no function
  named, in loops inside functions; never at module level.

The difference left: ``re.compile`` is looked up once, at import (a later monkeypatch of it
is not seen). The types in the typed key also enter its hash, so a str and a bytes pattern of
the same text (whose hashes are equal) are not compared, and ``python -b`` has no
``BytesWarning`` to give, as with re's own key.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import ClassScope, GlobalScope, ScopeProvider

from efficiency.remediate.codemods.hoist_re_sites import FLAGS_POSITION, SiteFinder
from efficiency.remediate.codemods.module_level import (
    end_of_imports,
    insert_after_imports,
    is_import_line,
    module_import,
    name_free,
)
from efficiency.remediate.codemods.pysource import Targets, code, names_in, unique_name, walk
from efficiency.remediate.codemods.re_pattern_method import SIGNATURES

#: the memo's bound: re's own cache size (``re._MAXCACHE``)
MEMO_SIZE = 512
#: re.TEMPLATE's bit (deprecated, warns at every compile; gone from newer re modules)
_TEMPLATE = 1


def memo_expression(compile_func: str, bounded: bool) -> str:
    """The memo of ``compile_func`` (``re.compile`` or its imported name)."""
    if bounded:
        return f"functools.lru_cache(maxsize={MEMO_SIZE}, typed=True)({compile_func})"
    return f"functools.lru_cache(maxsize=None)({compile_func})"


@dataclass
class MemoPlan:
    """The memo's name, and the lines to add after the imports (none to reuse one)."""

    helper: str
    lines: list[str]
    functools_at: int


def memo_for(module: cst.Module, compile_func: str, bounded: bool, re_at: int) -> MemoPlan | str:
    """How calls reach the memo: an existing one (the bounded one always fits; an unbounded
    one only callers whose patterns are bounded, ``bounded=False``), or a new one after the
    imports of ``re`` (at ``re_at``) and ``functools``; else why not (the name ``functools``
    is taken, or code before the memo could call a rewritten function before it is bound)."""
    functools_at = module_import(module, "functools")
    if functools_at is None and not name_free(module, "functools"):
        return "the name functools is bound to something other than the module"
    accepted = [memo_expression(compile_func, True)]
    if not bounded:
        accepted.append(memo_expression(compile_func, False))
    for memo in accepted:
        found = _existing_memo(module, memo) if functools_at is not None else None
        if found is not None:
            helper, at = found
            return too_late_for_memo(module, at) or MemoPlan(helper, [], functools_at or 0)
    helper = unique_name("_re_compiled", names_in(module))
    lines = [] if functools_at is not None else ["import functools"]
    lines.append(f"{helper} = {memo_expression(compile_func, bounded)}")
    at = end_of_imports(module, max(re_at, functools_at or 0)) + 1
    return too_late_for_memo(module, at) or MemoPlan(helper, lines, functools_at or 0)


def too_late_for_memo(module: cst.Module, at: int) -> str | None:
    """Why a memo bound at ``module.body[at]`` would come too late: a statement before it,
    other than an import or a plain ``def``, could run code (a call, a decorator, a class
    body) that calls a rewritten function while the memo's name is still unbound."""
    for stmt in module.body[:at]:
        if is_import_line(stmt):
            continue
        if isinstance(stmt, cst.FunctionDef) and not stmt.decorators:
            checked: list[cst.CSTNode] = [stmt.params, *([stmt.returns] if stmt.returns else [])]
        else:
            checked = [stmt]
        if isinstance(stmt, cst.ClassDef) or any(
            isinstance(n, cst.Call | cst.Decorator) for c in checked for n in walk(c)
        ):
            return "code before the last import could call a rewritten function before the memo"
    return None


def add_memo(module: cst.Module, plan: MemoPlan, re_at: int) -> cst.Module:
    """``module`` with the plan's lines after the imports that hold ``re`` and ``functools``."""
    if not plan.lines:
        return module
    return insert_after_imports(module, max(re_at, plan.functools_at), plan.lines)


def _existing_memo(module: cst.Module, memo: str) -> tuple[str, int] | None:
    """The name a module-level ``NAME = <memo>`` binds (an earlier rewrite's), if it is bound
    nowhere else, and the index of that statement."""
    for index, stmt in enumerate(module.body):
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            continue
        small = stmt.body[0]
        if (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.targets[0].target, cst.Name)
            and code(small.value) == memo
        ):
            name = small.targets[0].target.value
            bindings = sum(isinstance(n, cst.AssignTarget | cst.Param | cst.Global) and
                           name in names_in(n) for n in walk(module))  # fmt: skip
            return (name, index) if bindings == 1 else None
    return None


@dataclass
class MemoSite:
    call: cst.Call
    function: str  # "compile", "search", ...
    pattern: cst.Name
    flags: cst.BaseExpression | None
    #: indices of the call's arguments the pattern's method keeps (pattern and flags dropped)
    kept: list[int]
    owner: str


class MemoFinder(SiteFinder):
    """:class:`SiteFinder`'s literal sites, and the calls whose pattern is a parameter or a
    local of the function around them (:attr:`memo_sites`), with why each other is left."""

    def __init__(self, module: cst.Module, targets: Targets | None) -> None:
        super().__init__(module, targets)
        self.memo_sites: list[MemoSite] = []
        self.purges = self._mentions_purge(module)

    def _mentions_purge(self, module: cst.Module) -> bool:
        modules = {local for local, (what, _) in self.imports.items() if what == "re"}
        purge = {local for local, (what, _) in self.imports.items() if what == "re.purge"}
        for node in walk(module):
            if isinstance(node, cst.Name) and node.value in purge:
                return True
            if (
                isinstance(node, cst.Attribute)
                and node.attr.value == "purge"
                and isinstance(node.value, cst.Name)
                and node.value.value in modules
            ):
                return True
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if not self.active or (self.targets is None and self.loops == 0):
            return
        args = list(node.args)
        positional = bool(args) and args[0].keyword is None and not args[0].star
        if positional and self._pattern(args[0].value)[0] is not None:
            return super().visit_Call(node)
        found = self._re_name(node.func)
        function = found[0].removeprefix("re.") if found else ""
        if function not in FLAGS_POSITION or not args or not self.def_stack:
            return
        why = self._memo_refusal(node, function, args)
        if why is not None:
            return self._refuse(node, why)

    def _memo_refusal(self, node: cst.Call, function: str, args: list[cst.Arg]) -> str | None:
        """Record the call as a memo site, or say why it is left."""
        first = args[0]
        if first.keyword is not None or first.star:
            return "the pattern is not the first positional argument"
        if not isinstance(first.value, cst.Name):
            return f"the pattern {code(first.value)} is not a literal, a parameter or a local"
        where = self._local(first.value)
        if where is not None:
            return where
        if any(a.star for a in args):
            return "called with *args/**kwargs"
        flags_arg, rest = self._split_flags(function, args[1:])
        most, keywords = SIGNATURES.get(function, (1, frozenset()))
        if len([a for a in rest if a.keyword is None]) > most - 1:
            return f"more positional arguments than re.{function} takes"
        unknown = [a.keyword.value for a in rest if a.keyword and a.keyword.value not in keywords]
        if unknown:
            return f"keyword {unknown[0]!r} has no counterpart in Pattern.{function}"
        if flags_arg is not None:
            flags = self._flags(flags_arg.value)
            if flags is None or flags[0] & _TEMPLATE:
                return "flags are not re.<FLAG> constants (DEBUG, TEMPLATE excluded) or an int"
        loose = [a for a in rest if not _evaluates_quietly(a.value)]
        if loose:
            return (f"the argument {code(loose[0].value)} is not a name, literal or lambda (the "
                    "memo would compile the pattern before it is evaluated)")  # fmt: skip
        if self.purges:
            return "the file calls re.purge (the memo would keep what it drops)"
        if self._compile_func() is None:
            return "no module-level `import re` for the memo to compile with"
        self.memo_sites.append(MemoSite(
            node, function, first.value, None if flags_arg is None else flags_arg.value,
            [i for i, a in enumerate(args) if i and a is not flags_arg], self.def_stack[-1],
        ))  # fmt: skip
        return None

    def _local(self, name: cst.Name) -> str | None:
        """None when ``name`` is bound only in function scopes (a parameter or a local, of
        this function or one around it); else why the pattern is left."""
        scope = self.get_metadata(ScopeProvider, name, None)
        assignments = scope[name.value] if scope is not None else set()
        if not assignments:
            return f"{name.value} is not bound in this file"
        if any(isinstance(a.scope, GlobalScope | ClassScope) for a in assignments):
            return f"{name.value} is bound at module or class level, not a parameter or local"
        return None


def _evaluates_quietly(expr: cst.BaseExpression) -> bool:
    """Can evaluating ``expr`` neither run code nor have an effect (a name, a literal, a
    lambda)?"""
    if isinstance(expr, cst.Name | cst.Integer | cst.Float | cst.Imaginary | cst.Lambda):
        return True
    if isinstance(expr, cst.SimpleString | cst.ConcatenatedString):
        return True
    if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, cst.Minus):
        return isinstance(expr.expression, cst.Integer | cst.Float)
    return False


def memo_replacement(site: MemoSite, helper: str, updated: cst.Call) -> cst.BaseExpression:
    """``_re_compiled(p[, flags])`` for ``re.compile``, else its method called with the kept
    arguments of the (updated) call."""
    key = [cst.Arg(site.pattern)]
    if site.flags is not None:
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        key = [cst.Arg(site.pattern, comma=comma), cst.Arg(site.flags)]
    memo = cst.Call(func=cst.Name(helper), args=key)
    if site.function == "compile":
        return memo.with_changes(lpar=updated.lpar, rpar=updated.rpar)
    return updated.with_changes(
        func=cst.Attribute(value=memo, attr=cst.Name(site.function)),
        args=kept_args(updated, site.kept),
    )


def kept_args(updated: cst.Call, kept: list[int]) -> list[cst.Arg]:
    """The arguments at ``kept``; when the last one went, the new last takes its comma."""
    args = [updated.args[i] for i in kept]
    if args and kept[-1] != len(updated.args) - 1:
        args[-1] = args[-1].with_changes(comma=updated.args[-1].comma)
    return args
