"""A str threaded through a recursion as an accumulator parameter, kept as one list of parts
for the whole recursion (part of ``join-strings``)::

    def walk(self, node, out: str) -> str:
        out += self.row(node)
        for child in node.kids:
            out = self.walk(child, out)
        return out

becomes::

    def walk(self, node, out: str) -> str:
        out_parts = [out]
        self.walk_parts(node, out_parts)
        return "".join([part for part in out_parts if part])

    def walk_parts(self, node, out_parts: list[str]) -> None:
        out_parts.append(self.row(node))
        for child in node.kids:
            self.walk_parts(child, out_parts)

Every ``out += piece`` copies the string (the caller's frame still holds it), so the original
is quadratic in the output. ``F`` keeps its exact signature and becomes a wrapper that starts
the list with the caller's ``P``, runs the worker and joins once (the empty parts left out, so
that where ``+`` would hand back one of the strs itself, ``s + ""`` or ``"" + s``, the join of
the one part left does too); the worker has ``F``'s parameters with ``P`` renamed to the list,
appends the pieces, and recurses into itself.

Why it is exact: in ``F``, ``P`` is only appended to, replaced by the result of a recursive call
that was handed ``P`` itself, and returned, so at every moment ``P`` is the caller's initial
value followed by every piece appended so far in the whole recursion, in order; the worker's
one list holds those same parts. An exception leaves every frame of ``F`` (nothing in ``F``
can catch it), so the caller of ``F`` sees it and no partial string in both versions.

What must hold, else the reason is given: ``F`` is a module-level function bound once
(:func:`~efficiency.remediate.codemods.join_exact.module_function`) or a method of a module
class whose every recursive call ``self.F(...)`` provably runs ``F``
(:func:`~efficiency.remediate.codemods.join_exact_callee.method_called`); not ``async``, no
``yield``/``await``; ``P`` a positional parameter; no ``*args``/``**kwargs``; every default
other than ``P``'s an immutable literal (the worker evaluates its defaults once more); in
``F``, ``P`` only in ``P += piece``, ``P = F(...)`` passing the bare ``P`` in ``P``'s place (by
position or as ``P=P``) and nowhere else in that call, each argument of it bound to a parameter
of its own and every parameter without a default given one (else its ``TypeError`` would name
the worker), and ``return P``; every ``return`` is ``return P`` and ``F`` cannot fall off its
end; no ``try``/``with``, ``global``/``nonlocal``, ``locals()``-style call or frame access in
``F``, no ``__defaults__``/``__kwdefaults__``/``__code__`` in the module (changed there, they
would reach the wrapper only) nor ``dir``/``getmembers`` (they would list the worker); a piece
neither mentions ``P`` nor calls ``F``; something shows ``P`` is a str: a ``str`` annotation, a
str literal default or an exact str piece (:mod:`~efficiency.remediate.codemods.join_exact`).
Passed by silently: a ``P`` with another annotation, or a number as its default or a piece (a
counter).
With the profile's sampled lines, only a function one of whose appends or recursive calls
holds one.

Assumed, as for the other ``join-strings`` stages: the pieces and the caller's initial ``P``
are str. A non-str makes the original raise ``TypeError`` at that ``+=``, the rewrite at the
join, after the whole recursion ran; a str subclass (as a piece or as the initial ``P``) with
its own ``__add__``/``__radd__`` is not consulted by ``join``. Residual: a subclass in another
module overriding ``F``, or another module patching ``F`` (``mock.patch("mod.F", wraps=...)``),
is no longer reached by the recursion; a name computed at run time (``getattr(obj, "f" + x)``)
may find the worker; the recursion is one frame deeper (the wrapper); the frames read from
elsewhere (a debugger, a traceback) show the worker and the list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import ParentNodeProvider, PositionProvider

from efficiency.remediate.codemods.join_exact import (
    _ends,
    exact_str,
    is_str_literal,
    module_function,
)
from efficiency.remediate.codemods.join_exact_callee import method_called
from efficiency.remediate.codemods.pysource import (
    COMPREHENSIONS,
    SCOPES,
    ScopedVisitor,
    Targets,
    calls_introspection,
    mentions,
    walk,
)

#: names that reach a frame's locals (``sys._getframe()``, ``inspect`` and its ``stack()``...)
_FRAMES = frozenset({"_getframe", "currentframe", "f_locals", "f_back", "tb_frame", "inspect"})
#: a function's parts that, changed at run time, reach the wrapper but not the worker
_SWAPPED = frozenset({"__defaults__", "__kwdefaults__", "__code__"})
#: what lists the names an object or class has (the worker would be one more)
_LISTED = frozenset({"dir", "getmembers", "getmembers_static"})


@dataclass
class ThreadedSite:
    """``func`` (a method of ``cls``, or a module function) threading ``param`` through its
    recursion; the nodes the rewrite changes, by identity."""

    func: cst.FunctionDef
    cls: cst.ClassDef | None
    param: cst.Param
    appends: set[int] = field(default_factory=set)  # ``P += piece``
    calls: set[int] = field(default_factory=set)  # ``P = F(...)``
    returns: set[int] = field(default_factory=set)  # ``return P``
    args: set[int] = field(default_factory=set)  # the recursive calls' ``P`` arguments
    parts: str = ""  # the worker's list parameter
    worker: str = ""  # the worker's name

    @property
    def shown(self) -> str:
        owner = f"{self.cls.name.value}." if self.cls is not None else ""
        return f"{owner}{self.func.name.value}"


class ThreadedFinder(ScopedVisitor):
    METADATA_DEPENDENCIES = (ParentNodeProvider, PositionProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, lines: set[int] | None):
        super().__init__(targets)
        self.module = module
        self.lines = lines
        self.sites: list[ThreadedSite] = []
        self.refused: list[str] = []
        self.module_wide = _module_wide(module)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        super().visit_FunctionDef(node)
        if not self.active:
            return None
        candidates = [p for p in _positional(node) if _shape(node, p.name.value)[0]]
        why = ""
        for param in candidates:
            name = param.name.value
            augs, calls = _shape(node, name)
            if self.lines is not None and not any(self._sampled(s) for s in augs + calls):
                continue  # not what the profile blames
            kind = _kind(param, augs, self.module)
            if kind is False:
                continue  # a counter, or a parameter declared another type
            cls = self._class_of(node)
            args: set[int] = set()
            why = self._refusal(node, cls, name, (augs, calls), args) or (
                ""
                if kind
                else f"nothing shows {name} is a str (a `str` annotation or default, "
                "or a str literal piece)"
            )
            if not why:
                self.sites.append(_site(node, cls, param, (augs, calls), args))
                return None
            why = f"`{name} += ...` threaded through {node.name.value}: {why}"
        if why:
            self.refused.append(why)
        return None

    def _sampled(self, node: cst.CSTNode) -> bool:
        span = self.get_metadata(PositionProvider, node)
        return any(span.start.line <= line <= span.end.line for line in self.lines or ())

    def _class_of(self, func: cst.FunctionDef) -> cst.ClassDef | None:
        block = self.parent(func)
        cls = None if block is None else self.parent(block)
        return cls if isinstance(cls, cst.ClassDef) else None

    def _refusal(
        self,
        func: cst.FunctionDef,
        cls: cst.ClassDef | None,
        name: str,
        shape: tuple[list[cst.AugAssign], list[cst.Assign]],
        args: set[int],
    ) -> str:
        """Why ``func`` cannot thread a list of parts for ``name``; empty when it can (then
        ``args`` holds the recursive calls' arguments that pass ``name`` on)."""
        augs, calls = shape
        if func.asynchronous or any(isinstance(n, cst.Yield | cst.Await) for n in _own(func)):
            return "a generator or async function"
        if self.module_wide:
            return self.module_wide
        if cls is None and module_function(self.module, func.name.value) is not func:
            return "not a module-level function bound once (undecorated) nor a method"
        params = func.params
        if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None:
            return "the function takes *args/**kwargs"
        others = [*params.posonly_params, *params.params, *params.kwonly_params]
        if any(
            p.default is not None and not _literal(p.default)
            for p in others
            if p.name.value != name
        ):
            return "a default that is not an immutable literal (the worker would evaluate it again)"
        if any(isinstance(n, cst.Try | cst.TryStar | cst.With) for n in walk(func.body)):
            return "try/with in the function (a handler could keep appends the original dropped)"
        if any(isinstance(n, cst.Global | cst.Nonlocal) for n in walk(func.body)):
            return "global/nonlocal in the function"
        if calls_introspection(func) or any(
            isinstance(n, cst.Name) and n.value in _FRAMES for n in walk(func)
        ):
            return "locals()/vars()/eval()/exec() or frame access in the function"
        allowed: set[int] = set()
        for call in calls:
            allowed.add(id(call.targets[0].target))
            if cls is not None and method_called(_call(call), self.module) is not func:
                return (
                    f"self.{func.name.value}(...) is not provably this method (decorated, the "
                    "class has bases or subclasses or is reached unnamed, the method rebound...)"
                )
            arg, why = _passed(func, cls, name, _call(call))
            if arg is None:
                return why
            if not _matches(func, cls, _call(call)):
                return (
                    "a recursive call does not match the signature (its TypeError would "
                    "name the worker)"
                )
            allowed |= {id(arg.value), id(arg.keyword)}
            args.add(id(arg))
        for aug in augs:
            if mentions(aug.value, name) or mentions(aug.value, func.name.value):
                return f"a piece mentions {name} or calls {func.name.value}"
        returns = [n for n in _own(func) if isinstance(n, cst.Return)]
        if any(not _is_name(r.value, name) for r in returns):
            return f"a return other than `return {name}`"
        assert isinstance(func.body, cst.IndentedBlock)
        if not _ends(func.body.body):
            return "the function can fall off its end"
        allowed |= {id(a.target) for a in augs} | {id(r.value) for r in returns}
        if any(
            isinstance(n, cst.Name) and n.value == name and id(n) not in allowed
            for n in walk(func.body)
        ):
            return (
                f"{name} is used other than in `{name} += ...`, `{name} = "
                f"{func.name.value}(..., {name}, ...)` and `return {name}`"
            )
        return ""


def _module_wide(module: cst.Module) -> str:
    """Why no function of the module may be rewritten, else ``""``."""
    for node in walk(module):
        if isinstance(node, cst.Name) and node.value in _SWAPPED:
            return f"the module reaches a function's {node.value} (the worker keeps its own)"
        if isinstance(node, cst.Name) and node.value in _LISTED:
            return f"the module lists names with {node.value}() (the worker would be one more)"
    return ""


def _kind(param: cst.Param, augs: list[cst.AugAssign], module: cst.Module) -> bool | None:
    """Is the parameter a str: ``True`` when annotated ``str``, with a str literal default or
    with an exact-str piece; ``False`` for another annotation or a default or piece that is a
    number (a counter); ``None`` when nothing shows."""
    shown = None if param.annotation is None else param.annotation.annotation
    if isinstance(shown, cst.SimpleString):
        shown = cst.Name(shown.raw_value) if shown.raw_value.isidentifier() else shown
    numbers = (cst.Integer, cst.Float, cst.Imaginary)
    if shown is not None and not _is_name(shown, "str"):
        return False
    if isinstance(param.default, numbers) or any(isinstance(a.value, numbers) for a in augs):
        return False
    if shown is not None or is_str_literal(param.default):
        return True
    return True if any(exact_str(a.value, module) for a in augs) else None


def _positional(func: cst.FunctionDef) -> list[cst.Param]:
    return [*func.params.posonly_params, *func.params.params]


def _own(func: cst.FunctionDef) -> list[cst.CSTNode]:
    """The nodes of ``func``'s body outside nested functions, lambdas, classes and
    comprehensions."""
    found: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [func.body]
    while stack:
        node = stack.pop()
        found.append(node)
        if not isinstance(node, (*SCOPES, *COMPREHENSIONS)):
            stack.extend(node.children)
    return found


def _shape(func: cst.FunctionDef, name: str) -> tuple[list[cst.AugAssign], list[cst.Assign]]:
    """``name += piece`` statements and ``name = <call of func>`` statements of ``func``'s own
    body; both empty unless there is at least one of each."""
    augs, calls = [], []
    for node in _own(func):
        if (
            isinstance(node, cst.AugAssign)
            and isinstance(node.operator, cst.AddAssign)
            and _is_name(node.target, name)
        ):
            augs.append(node)
        elif (
            isinstance(node, cst.Assign)
            and len(node.targets) == 1
            and _is_name(node.targets[0].target, name)
            and isinstance(node.value, cst.Call)
            and _calls_named(node.value, func.name.value)
        ):
            calls.append(node)
    return (augs, calls) if augs and calls else ([], [])


def _calls_named(call: cst.Call, name: str) -> bool:
    """``name(...)`` or ``obj.name(...)``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value == name and isinstance(func.value, cst.Name)
    return _is_name(func, name)


def _passed(
    func: cst.FunctionDef, cls: cst.ClassDef | None, name: str, call: cst.Call
) -> tuple[cst.Arg | None, str]:
    """The argument of the recursive ``call`` that hands ``name`` itself on in its own place,
    or why there is none."""
    if cls is None and not _is_name(call.func, func.name.value):
        return None, f"a call of .{func.name.value} that is not the recursion"
    if any(a.star for a in call.args):
        return None, "a recursive call with *args/**kwargs"
    index = [p.name.value for p in _positional(func)].index(name) - (cls is not None)
    positional = [a for a in call.args if a.keyword is None]
    named = [a for a in call.args if a.keyword is not None and a.keyword.value == name]
    keyword_ok = name not in [p.name.value for p in func.params.posonly_params]
    if 0 <= index < len(positional) and not named and _is_name(positional[index].value, name):
        return positional[index], ""
    if (
        index >= len(positional)
        and len(named) == 1
        and keyword_ok
        and _is_name(named[0].value, name)
    ):
        return named[0], ""
    return None, f"a recursive call does not pass {name} itself in its place"


def _matches(func: cst.FunctionDef, cls: cst.ClassDef | None, call: cst.Call) -> bool:
    """Does every argument of the recursive ``call`` (no ``*``/``**`` in it or in ``func``)
    bind to its own parameter, and every parameter without a default get one?"""
    params = func.params
    positional = _positional(func)[cls is not None :]
    every = [*positional, *params.kwonly_params]
    by_position = [a for a in call.args if a.keyword is None]
    if len(by_position) > len(positional):
        return False
    posonly = {p.name.value for p in params.posonly_params}
    named = [a.keyword.value for a in call.args if a.keyword is not None]
    if any(k in posonly or k not in {p.name.value for p in every} for k in named):
        return False
    bound = [p.name.value for p in positional[: len(by_position)]] + named
    if len(set(bound)) != len(bound):
        return False
    return all(p.default is not None or p.name.value in bound for p in every)


def _call(statement: cst.Assign) -> cst.Call:
    assert isinstance(statement.value, cst.Call)
    return statement.value


def _is_name(node: cst.CSTNode | None, name: str) -> bool:
    return isinstance(node, cst.Name) and node.value == name


def _literal(node: cst.BaseExpression) -> bool:
    """An immutable literal: a number, a plain str or bytes literal, ``None``/``True``/
    ``False``, ``-n``, or a tuple of those."""
    if isinstance(node, cst.Integer | cst.Float | cst.Imaginary | cst.SimpleString):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return _literal(node.left) and _literal(node.right)  # type: ignore[arg-type]
    if isinstance(node, cst.Name):
        return node.value in {"None", "True", "False"}
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return _literal(node.expression)
    if isinstance(node, cst.Tuple):
        return all(isinstance(e, cst.Element) and _literal(e.value) for e in node.elements)
    return False


def _site(
    func: cst.FunctionDef,
    cls: cst.ClassDef | None,
    param: cst.Param,
    shape: tuple[list[cst.AugAssign], list[cst.Assign]],
    args: set[int],
) -> ThreadedSite:
    augs, calls = shape
    returns = {id(n) for n in _own(func) if isinstance(n, cst.Return)}
    return ThreadedSite(
        func, cls, param, {id(a) for a in augs}, {id(c) for c in calls}, returns, args
    )
