"""Helpers with parameters, and methods, that hand out a deep copy (``deepcopy-read-only``).

``deepcopy_helpers`` takes a helper with no parameter that copies a module global, and puts the
global at the call site. A helper may instead take parameters or be a method, and copy what it
reads through them (``copy.deepcopy(self._rules[route][fare_class])``, ``deepcopy(table.get(
key, DEFAULT))``, ``rule = deepcopy(...); return rule``, inside a ``try`` that turns a
``KeyError`` into the caller's own error). Such a helper gets an uncopied sibling, its *view*:
the same body with the copy left out, which only the call sites whose copy is only read call
(judged as for ``copy.deepcopy`` itself); the helper stays for every other caller::

    def _rule_for(self, route):                  def _rule_for(self, route):
        return copy.deepcopy(self._rules[route])     return copy.deepcopy(self._rules[route])

                                                 __rule_for_copying = _rule_for

                                                 def __rule_for_view(self, route):
                                                     if getattr(self._rule_for, "__func__",
                                                            None) is not Book.__rule_for_copying
                                                            or self._rule_for.__self__ is not self:
                                                         return self._rule_for(route)
                                                     return self._rules[route]

The view first checks that the helper is still the one it was made from: a subclass that
overrides it, a patched method (``mock.patch.object``, ``monkeypatch.setattr``), the method
bound to another instance (``self._rule_for = other._rule_for``) or a rebound module function
is called instead, as the call site did before. A method's view has a mangled
name (``__x_view``), so no subclass can override it by accident. Taken: a function at module
level or directly in a module-level class (whose name is bound once, undecorated, with no base
class or metaclass, which might treat a new class attribute specially), undecorated, not async,
plain parameters without defaults (``self`` first for a method), no nested scope, ``yield``,
``global``/``nonlocal`` or introspection, where every ``return`` hands back ``deepcopy(X)`` or
a name bound once by ``name = deepcopy(X)`` and used only by such returns; deepcopy reached by
a name imported once at module level. A call site must be ``helper(...)`` in a function, or
``self.helper(...)`` in a method of the same class whose ``self`` is bound once (it becomes
``Owner.__x_view(self, ...)``, so a caller borrowed by another class, ``Owner.caller(other)``,
still reaches the view, whose check calls ``other``'s helper); no ``*args`` or ``**kwargs``.
Everything else in the helper's body runs in the view as before. What stays assumed, beside
what ``deepcopy_read_only`` assumes: looking the helper up on ``self`` runs no code that
matters (the view may look it up three times: a property in its place would run again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.deepcopy_types import bound_names
from efficiency.remediate.codemods.deepcopy_view_checks import (
    catches_copy_failure,
    rebinds,
    runs_after,
)
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    calls_introspection,
    code,
    names_in,
    unique_name,
    walk,
)


@dataclass
class View:
    helper: cst.FunctionDef
    #: the class the helper is a method of, or None for a module function
    owner: cst.ClassDef | None
    #: the uncopied sibling's name, and the alias that keeps the original helper
    view: str
    alias: str
    copier: cst.BaseExpression
    #: the deepcopy calls (or ``name = deepcopy(...)`` values) the view leaves out
    copies: list[cst.Call]


def find_views(
    module: cst.Module, is_deepcopy: Callable[[cst.Call], bool], bound: dict[str, int]
) -> tuple[dict[tuple[str, str], View], dict[tuple[str, str], str]]:
    """The helpers that can have a view, by (class name or "", helper name), and why each
    other function or method that returns a deep copy cannot."""
    views: dict[tuple[str, str], View] = {}
    refused: dict[tuple[str, str], str] = {}
    taken = names_in(module)
    for statement in module.body:
        owner = statement if isinstance(statement, cst.ClassDef) else None
        if owner is not None:
            members = [m for m in owner.body.body if isinstance(m, cst.FunctionDef)]
        else:
            members = [statement] if isinstance(statement, cst.FunctionDef) else []
        for function in members:
            copies = _returned_copies(function, is_deepcopy)
            if copies is None:
                continue
            key = (owner.name.value if owner else "", function.name.value)
            why = _refusal(module, owner, function, copies, bound)
            if why is not None:
                refused[key] = f"the helper {function.name.value}() {why}"
                continue
            stem = function.name.value.lstrip("_")
            if owner is None:
                view = unique_name(f"_{stem}_view", taken)
                alias = unique_name(f"_{stem}_copying", taken | {view})
            else:
                view = unique_name(f"__{stem}_view", taken)
                alias = unique_name(f"__{stem}_copying", taken | {view})
            taken |= {view, alias}
            views[key] = View(function, owner, view, alias, copies[0].func, copies)
    return views, refused


def _returned_copies(
    function: cst.FunctionDef, is_deepcopy: Callable[[cst.Call], bool]
) -> list[cst.Call] | None:
    """The deepcopy calls whose values ``function`` returns, when every ``return`` of it
    returns one (directly, or through a name bound to one); None otherwise."""
    returns = [n for n in walk(function.body) if isinstance(n, cst.Return)]
    if not returns or any(_inner_scope(function, n) for n in returns):
        return None
    bindings = bound_names(function)
    copies: list[cst.Call] = []
    for statement in returns:
        value = statement.value
        if isinstance(value, cst.Name):
            binds = bindings.get(value.value, [])
            node = binds[0] if len(binds) == 1 else None
            if not isinstance(node, cst.Assign) or len(node.targets) != 1:
                return None
            if not isinstance(node.targets[0].target, cst.Name):
                return None
            value = node.value
        if not isinstance(value, cst.Call) or not is_deepcopy(value):
            return None
        if all(value is not c for c in copies):
            copies.append(value)
    return copies


def _inner_scope(function: cst.FunctionDef, node: cst.CSTNode) -> bool:
    return any(node in walk(scope) for scope in walk(function.body) if isinstance(scope, SCOPES))


def _refusal(
    module: cst.Module,
    owner: cst.ClassDef | None,
    function: cst.FunctionDef,
    copies: list[cst.Call],
    bound: dict[str, int],
) -> str | None:
    params = function.params
    if function.decorators or function.asynchronous:
        return "is decorated or async"
    if params.posonly_params or params.kwonly_params or params.star_kwarg:
        return "takes positional-only, keyword-only or ** parameters"
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        return "takes *args"
    if any(p.default is not None for p in params.params):
        return "takes a parameter with a default (a subclass's default could differ)"
    if owner is not None and not params.params:
        return "is a method without self"
    if bound.get("*"):
        return "is in a module with a star import (any name may be rebound)"
    if owner is not None and (owner.decorators or bound.get(owner.name.value) != 1):
        return f"is a method of {owner.name.value}, which is decorated or bound more than once"
    if owner is not None and (owner.bases or owner.keywords):
        return (
            f"is a method of {owner.name.value}, which has a base class or metaclass (that may "
            "treat the sibling's new class attribute specially)"
        )
    if owner is not None and ("getattr" in bound or "getattr" in bound_names(function)):
        return "binds getattr, which its view's check calls (the builtin is meant)"
    if owner is not None and _class_bindings(owner, function.name.value) != 1:
        return f"is bound more than once in the body of {owner.name.value}"
    if owner is None and bound.get(function.name.value) != 1:
        return "is bound more than once in the module (redefined or rebound)"
    for node in walk(function.body):
        if isinstance(node, SCOPES):
            return "defines a nested function, lambda or class"
        if isinstance(node, cst.Yield | cst.Await | cst.Global | cst.Nonlocal):
            return "yields, awaits or declares global/nonlocal names"
    if calls_introspection(function):
        return "calls locals()/vars()/eval()/exec()"
    bindings = bound_names(function)
    for call in copies:
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return "calls deepcopy with a memo or unusual arguments"
        if code(call.func) != code(copies[0].func):
            return "reaches deepcopy by two spellings"
        caught = catches_copy_failure(function, call)
        if caught is not None:
            return (
                f"catches {caught} around the copy (deepcopy's own failure, an uncopyable "
                "value, would reach that handler; the view would not fail)"
            )
        held = _held_by(function, call)
        if held is not None and _other_use(function, held):
            return f"uses the copy {held} other than by returning it"
        if held is not None and len(bindings.get(held, [])) != 1:
            return f"binds {held} more than once"
        if runs_after(function, call, _held_by(function, call)):
            return (
                "runs code after taking the copy (a later statement, a finally or a with's "
                "exit could change the data the caller would then see)"
            )
    root = copies[0].func
    while isinstance(root, cst.Attribute):
        root = root.value
    if not isinstance(root, cst.Name) or not _module_import(module, root.value, bound):
        return "reaches deepcopy by a name not imported once at module level"
    return None


def _class_bindings(owner: cst.ClassDef, name: str) -> int:
    """How many statements of ``owner``'s body bind ``name`` (defs and assignments)."""
    count = 0
    for statement in owner.body.body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            count += statement.name.value == name
            continue
        for node in walk(statement):
            if isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign | cst.AsName):
                target = node.name if isinstance(node, cst.AsName) else node.target
                count += any(isinstance(n, cst.Name) and n.value == name for n in walk(target))
    return count


def _held_by(function: cst.FunctionDef, call: cst.Call) -> str | None:
    """The name ``call``'s value is bound to (``name = deepcopy(...)``), or None."""
    for node in walk(function.body):
        if isinstance(node, cst.Assign) and node.value is call:
            target = node.targets[0].target
            return target.value if isinstance(target, cst.Name) else None
    return None


def _other_use(function: cst.FunctionDef, name: str) -> bool:
    """Is ``name`` used other than as the whole value of a ``return`` (or its one binding)?"""
    allowed = {id(n.value) for n in walk(function.body) if isinstance(n, cst.Return)}
    for node in walk(function.body):
        if isinstance(node, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == name for t in node.targets
        ):
            allowed.add(id(node.targets[0].target))
    return any(
        isinstance(n, cst.Name) and n.value == name and id(n) not in allowed
        for n in walk(function.body)
    )


def _module_import(module: cst.Module, name: str, bound: dict[str, int]) -> bool:
    if bound.get(name) != 1:
        return False
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import | cst.ImportFrom) and not isinstance(
                small.names, cst.ImportStar
            ):
                for alias in small.names:
                    target = alias.asname.name if alias.asname else alias.name
                    while isinstance(target, cst.Attribute):
                        target = target.value
                    if isinstance(target, cst.Name) and target.value == name:
                        return True
    return False


def call_refusal(call: cst.Call, caller: cst.FunctionDef, view: View) -> str | None:
    """Why the call site ``call`` (in ``caller``) may not call the view, or None."""
    if any(a.star for a in call.args):
        return "passes *args or **kwargs to the helper"
    if view.owner is None:
        return None
    params = caller.params.params
    func = call.func
    assert isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)
    if not params or params[0].name.value != func.value.value or caller.decorators:
        return "calls the method through a name other than the caller's own self"
    if rebinds(caller, func.value.value):
        return f"rebinds {func.value.value}"
    return None


def lookup(
    call: cst.Call, caller: cst.CSTNode, parent: Callable[[cst.CSTNode], cst.CSTNode | None]
) -> tuple[str, str] | None:
    """The key ``find_views`` gives the helper ``call`` (in ``caller``) may call: ``f(...)`` a
    module function, ``self.f(...)`` a method of the module-level class whose method the
    caller is (None: neither)."""
    func = call.func
    if isinstance(func, cst.Name):
        return ("", func.value)
    block = parent(caller)
    owner = parent(block) if block is not None else None
    if not isinstance(owner, cst.ClassDef) or not isinstance(parent(owner), cst.Module):
        return None
    if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
        return (owner.name.value, func.attr.value)
    return None


class _Strip(cst.CSTTransformer):
    """The helper's body with its returned deep copies left out."""

    def __init__(self, copies: list[cst.Call]) -> None:
        super().__init__()
        self.copies = {id(c) for c in copies}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.copies:
            return updated_node
        value = updated_node.args[0].value
        return value.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _view_def(view: View) -> list[cst.BaseStatement]:
    """The alias statement and the view's ``def``."""
    helper = view.helper
    name = helper.name.value
    params = [p.name.value for p in helper.params.params]
    forwarded = ", ".join(params[1:] if view.owner else params)
    if view.owner is not None:
        # the same function bound to another instance (delegation) reads that one's data
        current = f'getattr({params[0]}.{name}, "__func__", None)'
        kept = f"{view.owner.name.value}.{view.alias}"
        kept += f" or {params[0]}.{name}.__self__ is not {params[0]}"
        again = f"{params[0]}.{name}({forwarded})"
    else:
        current, kept, again = name, view.alias, f"{name}({forwarded})"
    guard = cst.parse_statement(f"if {current} is not {kept}:\n    return {again}\n")
    doc = cst.parse_statement(
        f'"""{name}() without the deep copy, for read-only callers (an override still runs)."""\n'
    )
    stripped = helper.visit(_Strip(view.copies))
    assert isinstance(stripped, cst.FunctionDef) and isinstance(stripped.body, cst.IndentedBlock)
    body = list(stripped.body.body)
    if body and isinstance(body[0], cst.SimpleStatementLine):
        first = body[0].body
        docstring = cst.SimpleString | cst.ConcatenatedString
        if len(first) == 1 and isinstance(first[0], cst.Expr):
            body = body[1:] if isinstance(first[0].value, docstring) else body
    new = stripped.with_changes(
        name=cst.Name(view.view),
        body=stripped.body.with_changes(body=[doc, guard, *body]),
        leading_lines=[cst.EmptyLine(indent=False)] * (1 if view.owner else 2),
    )
    alias = cst.parse_statement(f"{view.alias} = {name}\n")
    alias = alias.with_changes(
        leading_lines=[cst.EmptyLine(indent=False)] * (1 if view.owner else 2)
    )
    return [alias, new]


class AddViews(cst.CSTTransformer):
    """Insert, after each helper some call site now bypasses, its alias and view (helpers are
    found by class and name: the module handed in may be a rewritten copy)."""

    def __init__(self, views: list[View]) -> None:
        super().__init__()
        self.views = {_key(v): v for v in views}
        self.depth = 0  # classes and functions around the current node
        self.owner = ""

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.owner = node.name.value if self.depth == 0 else "<nested>"
        self.depth += 1

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.depth -= 1
        self.owner = "" if self.depth == 0 else self.owner
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef | cst.FlattenSentinel[cst.BaseStatement]:
        self.depth -= 1
        at_top = self.depth == (1 if self.owner else 0)
        view = self.views.get((self.owner, original_node.name.value)) if at_top else None
        if view is None:
            return updated_node
        return cst.FlattenSentinel([updated_node, *_view_def(view)])


def _key(view: View) -> tuple[str, str]:
    return (view.owner.name.value if view.owner else "", view.helper.name.value)


def views_summary(views: list[View]) -> str:
    """What the summary says of the views some call sites now call ("" for none)."""
    if not views:
        return ""
    shown = ", ".join(sorted(f"{v.helper.name.value}() → {v.view}()" for v in views))
    return (
        f"; read-only calls of {shown}, an uncopied sibling that calls the helper "
        "instead when it is overridden or replaced (the helper stays for other callers)"
    )
