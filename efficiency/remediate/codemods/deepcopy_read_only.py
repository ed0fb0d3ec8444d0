"""Drop ``copy.deepcopy`` of data a function only reads (``deepcopy-read-only``).

``cfg = copy.deepcopy(DEFAULTS)`` walks and copies everything reachable from ``DEFAULTS`` on
every call. When the function then only looks at ``cfg`` - tests, comparisons, ``len`` - the
copy buys nothing and ``cfg = DEFAULTS`` does the same::

    def allowed(user):                          def allowed(user):
        cfg = copy.deepcopy(DEFAULTS)     →         cfg = DEFAULTS
        return user in cfg["users"] and ...         return user in cfg["users"] and ...

Proving "only read" is deliberately narrow. The function must bind the copy once, to a plain
local name (no ``global``/``nonlocal``, no nested function, lambda or class, no ``locals()``
or ``eval``), and every use of that name must end in a value that cannot alias the data: a
comparison or membership test, ``len``/``str``/``repr``/``int``/``float``/``bool``/``hash``/
``isinstance``, an f-string field, ``not``, or the test of an ``if``/``while``/conditional,
reached only through subscripts and ``.get``/``.keys``/``.values``/``.items``/``.count``/
``.index``. A local name bound once from such a read (``feat = cfg.get("x")``, ``for user in
cfg["users"]``) is held to the same rule, up to three levels deep. Nothing anywhere in the
function may mutate anything or run code that could (no call other than those builtins and
read methods, no assignment to a subscript or attribute, no ``del``, ``yield`` or ``await``),
so the original cannot change while the alias is read.
A shallow copy, when only the top level is mutated, is not attempted: those cases are refused.
What stays assumed: no other thread mutates the original meanwhile, and deepcopy itself had
no side effects (a ``__deepcopy__`` hook or an uncopyable object would have run or raised).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    walk,
    where,
)

#: builtins whose result cannot alias their argument and which mutate nothing
SCALAR_BUILTINS = frozenset({"len", "str", "repr", "int", "float", "bool", "hash", "isinstance"})
#: methods that only read a dict or list
READ_METHODS = frozenset({"get", "keys", "values", "items", "count", "index"})


@dataclass
class _Site:
    assign: cst.Assign
    call: cst.Call
    name: str
    owner: str


class _Finder(ScopedVisitor):
    METADATA_DEPENDENCIES = (
        *ScopedVisitor.METADATA_DEPENDENCIES,
        QualifiedNameProvider,
        ScopeProvider,
    )

    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        self.sites: list[_Site] = []
        self.refused: list[str] = []

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.active or not isinstance(node.value, cst.Call):
            return
        names = self.get_metadata(QualifiedNameProvider, node.value.func, set())
        if not any(q.name == "copy.deepcopy" for q in names):
            return
        shown = code(node).splitlines()[0]
        why = self._refusal(node)
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        assert isinstance(node.targets[0].target, cst.Name)
        owner = self.def_stack[-1]
        self.sites.append(_Site(node, node.value, node.targets[0].target.value, owner))

    def _refusal(self, node: cst.Assign) -> str | None:
        call = node.value
        assert isinstance(call, cst.Call)
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            return "deepcopy with a memo or unusual arguments"
        if len(node.targets) != 1 or not isinstance(node.targets[0].target, cst.Name):
            return "the copy is not bound to one plain name"
        name = node.targets[0].target.value
        function = self.scope_of(node)
        if not isinstance(function, cst.FunctionDef):
            return "not inside a function"
        if declares_global(function, name):
            return f"{name} is declared global/nonlocal"
        if calls_introspection(function):
            return "the function calls locals()/vars()/eval()/exec()"
        if any(isinstance(n, SCOPES) for n in walk(function.body)):
            return "the function defines a nested function, lambda or class"
        scope = self.get_metadata(ScopeProvider, node.targets[0].target, None)
        if scope is None or len(scope[name]) != 1:
            return f"{name} is bound more than once"
        for other in walk(function.body):
            if other is node:
                continue
            why = self._mutation(other, node)
            if why is not None:
                return why
        return self._name_read_only(function, name, node.targets[0].target, 0)

    def _name_read_only(
        self, function: cst.FunctionDef, name: str, bound: cst.CSTNode, depth: int
    ) -> str | None:
        """Why some use of ``name`` (bound at ``bound``) could keep the data, or None."""
        for use in walk(function.body):
            if isinstance(use, cst.Name) and use.value == name and use is not bound:
                why = self._read_only(use, function, depth)
                if why is not None:
                    return why if why.startswith(name + " ") else f"{name} {why}"
        return None

    def _alias(
        self, parent: cst.CSTNode | None, node: cst.CSTNode, function: cst.FunctionDef, depth: int
    ) -> str | None:
        """For ``z = <read>`` or ``for z in <read>`` (z bound there only): why a use of ``z``
        could keep the data, or None; "" when ``parent`` binds no such alias."""
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            target: cst.BaseExpression = parent.targets[0].target
        elif isinstance(parent, cst.For) and parent.iter is node:
            target = parent.target
        else:
            return ""
        names = [target] if isinstance(target, cst.Name) else []
        if isinstance(target, cst.Tuple) and all(
            isinstance(e.value, cst.Name) for e in target.elements
        ):
            names = [e.value for e in target.elements]
        if not names or depth >= 3:
            return ""
        for alias in names:
            assert isinstance(alias, cst.Name)
            scope = self.get_metadata(ScopeProvider, alias, None)
            if scope is None or len(scope[alias.value]) != 1:
                return f"{alias.value} is bound more than once"
            why = self._name_read_only(function, alias.value, alias, depth + 1)
            if why is not None:
                return why
        return None

    def _mutation(self, node: cst.CSTNode, copy_stmt: cst.Assign) -> str | None:
        """Why ``node`` could change data (or run code that could), or None."""
        if isinstance(node, (cst.Yield, cst.Await)):
            return "the function yields or awaits: other code runs while the copy is in use"
        if isinstance(node, cst.AsName):
            return "the function binds a name with `as` (a context manager or except clause)"
        if isinstance(node, (cst.Del, cst.Global, cst.Nonlocal)):
            return "the function deletes or rebinds outer names"
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.CompFor)):
            target = node.target
            if not isinstance(target, (cst.Name, cst.Tuple, cst.List)) or any(
                isinstance(n, (cst.Subscript, cst.Attribute)) for n in walk(target)
            ):
                return "the function assigns to a subscript or attribute"
        if isinstance(node, cst.Call) and not self._harmless_call(node):
            if node is copy_stmt.value:
                return None
            return f"the function calls {code(node.func)}(), which could mutate the data"
        return None

    @staticmethod
    def _harmless_call(node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Name):
            return func.value in SCALAR_BUILTINS
        return isinstance(func, cst.Attribute) and func.attr.value in READ_METHODS

    def _read_only(self, use: cst.Name, function: cst.FunctionDef, depth: int) -> str | None:
        """None when the value read through ``use`` ends in a scalar, else why not."""
        node: cst.CSTNode = use
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.Subscript) and parent.value is node:
                node = parent
                continue
            if (
                isinstance(parent, cst.Attribute)
                and parent.value is node
                and parent.attr.value in READ_METHODS
            ):
                call = self.parent(parent)
                if not isinstance(call, cst.Call) or call.func is not parent:
                    return "has a read method used other than by calling it"
                node = call
                continue
            break
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.BooleanOperation) or (
                isinstance(parent, cst.IfExp) and parent.test is not node
            ):
                node = parent  # its value may be this operand: see where that goes
                continue
            break
        if isinstance(parent, cst.Arg):
            call = self.parent(parent)
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in SCALAR_BUILTINS
            ):
                return None
            return "is passed to a call"
        if isinstance(parent, (cst.ComparisonTarget, cst.Comparison)):
            return None
        if isinstance(parent, cst.FormattedStringExpression):
            return None
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return None
        if isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is node:
            return None
        alias = self._alias(parent, node, function, depth)
        if alias != "":
            return alias
        shown = code(parent).splitlines()[0] if parent is not None else ""
        return f"flows into `{shown}`, which could keep it"


class _Rewriter(cst.CSTTransformer):
    def __init__(self, calls: set[int]) -> None:
        super().__init__()
        self.calls = calls

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.calls:
            return updated_node
        return updated_node.args[0].value.with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )


class DeepcopyReadOnly(PythonCodemod):
    name = "deepcopy-read-only"
    needs = ("deepcopy",)

    def rewrite(
        self, wrapper: MetadataWrapper, targets: Targets | None, params: dict[str, Any]
    ) -> Edit:
        finder = _Finder(targets)
        wrapper.visit(finder)
        refused = "; ".join(finder.refused)
        if not finder.sites:
            why = refused or "no `name = copy.deepcopy(value)` in a function"
            return Edit(wrapper.module, 0, f"{self.name}: nothing to rewrite ({why})")
        new = wrapper.module.visit(_Rewriter({id(s.call) for s in finder.sites}))
        names = ", ".join(sorted({s.name for s in finder.sites}))
        summary = (
            f"dropped copy.deepcopy of read-only {names} "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'deepcopy call')})"
        )
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
