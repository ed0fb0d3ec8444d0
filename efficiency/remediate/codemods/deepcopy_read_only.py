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
reached only through subscripts, ``.get``/``.keys``/``.values``/``.items``/``.count``/
``.index`` and reads of the fields of a plain dataclass (the copy of ``tiers[name]`` where
``tiers: dict[str, Tier]`` and ``Tier`` is a plain ``@dataclass`` of this module; see
``deepcopy_types``), or in a value the annotations say is an immutable scalar (``int``,
``str``...), which cannot alias the data whatever is done with it. A local name bound once from such a read (``feat = cfg.get("x")``, ``for user in
cfg["users"]``) is held to the same rule, up to three levels deep. Nothing anywhere in the
function may mutate anything or run code that could (no call other than those builtins, read
methods, constructors of plain dataclasses and ``append`` to a list the function made, no
assignment to a subscript or attribute, no ``del``, ``yield`` or ``await``),
so the original cannot change while the alias is read.
A value read from the copy may also leave the function, when it is returned (``return v``, or
an item of a dict, list or tuple display that is returned) or passed to such a constructor or
``append``: then that value alone is deep-copied where it leaves, every such value through one memo, so values that shared an object in the
original still share one copy, as in the whole copy::

    def resolve(self, req):                  def resolve(self, req):
        p = deepcopy(self.base)      →           p = self.base
                                                 memo = {}
        return {"limit": p["limits"].get(        return {"limit": deepcopy(p["limits"].get(
            req["plan"], p["limits"]["*"])}          req["plan"], p["limits"]["*"]), memo)}

(the default of a ``.get`` on the copy may come from the copy too: the ``.get``'s value is
followed either way). The whole copy returned or stored, or a value that leaves in any other
way (assigned elsewhere, passed on, ``x or default``) is still refused.
A shallow copy, when only the top level is mutated, is not attempted: those cases are refused.
What stays assumed: no other thread mutates the original meanwhile, deepcopy itself had no
side effects (a ``__deepcopy__`` hook or an uncopyable object would have run or raised), the
annotations are true, and reads of other values (subscripts, attributes) run no code that
changes the original.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider, ScopeProvider

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.deepcopy_types import (
    READ_METHODS,
    SCALAR_BUILTINS,
    Types,
    mutation,
)
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    Edit,
    PythonCodemod,
    ScopedVisitor,
    Targets,
    calls_introspection,
    code,
    declares_global,
    names_in,
    unique_name,
    walk,
    where,
)


@dataclass
class _Site:
    assign: cst.Assign
    call: cst.Call
    name: str
    owner: str
    #: values read from the copy that leave the function (deep-copied there)
    escapes: list[cst.CSTNode]


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
        #: for the copy being judged: the names that hold it or a read of it, and the reads
        #: that leave the function
        self._tracked: set[str] = set()
        self._escapes: list[cst.CSTNode] = []
        self._module: cst.Module | None = None
        #: what the annotations tell of the function being judged (see deepcopy_types)
        self._types: Types | None = None

    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self.active or not isinstance(node.value, cst.Call):
            return
        names = self.get_metadata(QualifiedNameProvider, node.value.func, set())
        if not any(q.name == "copy.deepcopy" for q in names):
            return
        shown = code(node).splitlines()[0]
        self._tracked, self._escapes = set(), []
        why = self._refusal(node)
        if (
            why is None
            and self._escapes
            and not isinstance(self.parent(node), cst.SimpleStatementLine)
        ):
            why = "a value read from it leaves the function, and it is bound in a one-line block"
        if why is not None:
            self.refused.append(f"{shown}: {why}")
            return
        assert isinstance(node.targets[0].target, cst.Name)
        owner = self.def_stack[-1]
        name = node.targets[0].target.value
        self.sites.append(_Site(node, node.value, name, owner, list(self._escapes)))

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
        assert self._module is not None
        types = self._types = Types(self._module, function)
        source = types.type_of(call.args[0].value)
        if source is not None:
            types.env[name] = source
        scope = self.get_metadata(ScopeProvider, node.targets[0].target, None)
        if scope is None or len(scope[name]) != 1:
            return f"{name} is bound more than once"
        for other in walk(function.body):
            if other is node:
                continue
            why = mutation(other, call, types)
            if why is not None:
                return why
        return self._name_read_only(function, name, node.targets[0].target, 0)

    def _name_read_only(
        self, function: cst.FunctionDef, name: str, bound: cst.CSTNode, depth: int
    ) -> str | None:
        """Why some use of ``name`` (bound at ``bound``) could keep the data, or None."""
        self._tracked.add(name)
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
        assert self._types is not None and isinstance(node, cst.BaseExpression)
        if isinstance(parent, cst.Assign) and len(names) == 1:
            kinds = [self._types.type_of(node)]
        elif isinstance(parent, cst.For):
            kinds = self._types.element_types(node, len(names))
        else:
            kinds = [None] * len(names)
        for alias, kind in zip(names, kinds, strict=True):
            assert isinstance(alias, cst.Name)
            if kind is not None:
                self._types.env[alias.value] = kind
            scope = self.get_metadata(ScopeProvider, alias, None)
            if scope is None or len(scope[alias.value]) != 1:
                return f"{alias.value} is bound more than once"
            why = self._name_read_only(function, alias.value, alias, depth + 1)
            if why is not None:
                return why
        return None

    def _read_only(self, use: cst.Name, function: cst.FunctionDef, depth: int) -> str | None:
        """None when the value read through ``use`` ends in a scalar, else why not."""
        node: cst.CSTNode = use
        types = self._types
        assert types is not None
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.Subscript) and parent.value is node:
                node = parent
                continue
            if isinstance(parent, cst.Attribute) and parent.value is node:
                assert isinstance(node, cst.BaseExpression)
                fields = types.fields(types.type_of(node))
                if isinstance(fields, dict) and parent.attr.value in fields:
                    node = parent  # a field of a plain dataclass: no code runs
                    continue
                if isinstance(fields, dict) or parent.attr.value not in READ_METHODS:
                    why = fields if isinstance(fields, str) else "it has no such field"
                    return f"has its attribute .{parent.attr.value} read, and {why}"
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
        assert isinstance(node, cst.BaseExpression)
        if types.scalar(types.type_of(node)):
            return None  # an immutable scalar: whatever is done with it, the data is safe
        if self._returned(node):
            if node is use and depth == 0:
                return "is returned whole (nothing to save)"
            self._escapes.append(node)
            return None
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.BooleanOperation) or (
                isinstance(parent, cst.IfExp) and parent.test is not node
            ):
                node = parent  # its value may be this operand: see where that goes
                continue
            break
        if isinstance(parent, cst.Arg) and self._get_default(parent):
            return None
        if isinstance(parent, cst.Arg):
            call = self.parent(parent)
            if (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in SCALAR_BUILTINS
            ):
                return None
            if (
                isinstance(call, cst.Call)
                and types.harmless_call(call)
                and parent.value is node
                and not parent.star
            ):
                if node is use and depth == 0:
                    return "is stored whole in a new object (nothing to save)"
                self._escapes.append(node)  # stored in a new object or list: copied there
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

    def _returned(self, node: cst.CSTNode) -> bool:
        """Is ``node`` the value of a ``return``, or an item of a dict, list or tuple display
        that is (display in display included)?"""
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.Return):
                return parent.value is node
            if (isinstance(parent, cst.DictElement) and parent.value is node) or (
                isinstance(parent, cst.Element)
                and isinstance(self.parent(parent), cst.List | cst.Tuple)
            ):
                node = self.parent(parent) or parent
            else:
                return False

    def _get_default(self, arg: cst.Arg) -> bool:
        """Is ``arg`` the default of ``<a tracked name, read>.get(key, default)`` (whose value
        is followed through the ``.get`` itself)?"""
        call = self.parent(arg)
        if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
            return False
        if call.func.attr.value != "get" or len(call.args) != 2 or call.args[1] is not arg:
            return False
        if arg.keyword is not None or arg.star or call.args[0].star:
            return False
        root: cst.BaseExpression = call.func.value
        while isinstance(root, cst.Subscript | cst.Call | cst.Attribute):
            if isinstance(root, cst.Call):
                if not isinstance(root.func, cst.Attribute) or root.func.attr.value not in (
                    READ_METHODS
                ):
                    return False
                root = root.func.value
            elif isinstance(root, cst.Attribute):
                assert self._types is not None
                fields = self._types.fields(self._types.type_of(root.value))
                if not isinstance(fields, dict) or root.attr.value not in fields:
                    return False
                root = root.value
            else:
                root = root.value
        return isinstance(root, cst.Name) and root.value in self._tracked


class _Rewriter(cst.CSTTransformer):
    def __init__(self, sites: list[_Site], memos: dict[int, str]) -> None:
        super().__init__()
        self.calls = {id(s.call): s for s in sites}
        self.escapes = {id(e): s for s in sites for e in s.escapes}
        self.memos = memos  # id(assign) -> the memo's name, for sites with escapes
        self.lines = {id(s.assign): s for s in sites}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.calls:
            return self._escape(original_node, updated_node)
        return updated_node.args[0].value.with_changes(
            lpar=updated_node.lpar, rpar=updated_node.rpar
        )

    def on_leave(self, original_node: cst.CSTNode, updated_node: Any) -> Any:
        updated = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.Call) or not isinstance(updated, cst.BaseExpression):
            return updated
        return self._escape(original_node, updated)

    def _escape(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        site = self.escapes.get(id(original))
        if site is None:
            return updated
        func = site.call.func
        args = [cst.Arg(updated.with_changes(lpar=[], rpar=[]))]
        args.append(cst.Arg(cst.Name(self.memos[id(site.assign)])))
        return cst.Call(func=func, args=args, lpar=updated.lpar, rpar=updated.rpar)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> Any:
        sites = [self.lines[id(s)] for s in original_node.body if id(s) in self.lines]
        memos = [self.memos[id(s.assign)] for s in sites if id(s.assign) in self.memos]
        if not memos:
            return updated_node
        added = [cst.parse_statement(f"{memo} = {{}}\n") for memo in memos]
        return cst.FlattenSentinel([updated_node, *added])


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
        taken = names_in(wrapper.module)
        memos: dict[int, str] = {}
        for site in finder.sites:
            if site.escapes:
                memos[id(site.assign)] = unique_name("memo", taken)
                taken.add(memos[id(site.assign)])
        new = wrapper.module.visit(_Rewriter(finder.sites, memos))
        names = ", ".join(sorted({s.name for s in finder.sites}))
        escapes = sum(len(s.escapes) for s in finder.sites)
        summary = (
            f"dropped copy.deepcopy of read-only {names} "
            f"{where(targets, (s.owner for s in finder.sites))} "
            f"({plural(len(finder.sites), 'deepcopy call')}"
            + (f"; {plural(escapes, 'value')} that leave deep-copied where they leave, one memo)"
               if escapes else ")")
        )  # fmt: skip
        if refused:
            summary += f"; left: {refused}"
        return Edit(new, len(finder.sites), summary)
