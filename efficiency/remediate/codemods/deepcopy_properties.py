"""Properties that hand out a deep copy, read inside their own class (``deepcopy-read-only``).

A defensive ``@property`` copies what it hands out, so that no caller can change the object's
data through it; the class's own methods then read it several times per call::

    @property                                    @property
    def settings(self):                          def settings(self):
        return copy.deepcopy(self._config)           return copy.deepcopy(self._config)

    def fee(self, seat):                         __settings_copying = settings
        return self.settings["fees"][seat]   →
                                                 def __settings_view(self):
                                                     <the property is still the one above>
                                                     return self._config

                                                 def fee(self, seat):
                                                     return SeatPricer.__settings_view(self)[
                                                         "fees"][seat]

``deepcopy_views`` already gives a method that returns a deep copy an uncopied sibling, which
its read-only callers through ``self`` call. A property is such a method looked up without a
call, so it is judged as one: the module is analysed with the property written as a plain
method and its reads in methods of its class (``self.settings``, ``self`` the method's first
parameter) written as calls (``self.settings()``); every read the read-only rules accept then
calls the view, and every other read, outside the class too, goes back to the property, which
stays as it was for every other caller (the defensive copy included). Reads that only look
(subscripts, ``.get``, ``in``, iteration, arithmetic on scalars, read-only helpers) are followed
as for any copy, a value that leaves (``return tier``) is deep-copied where it leaves, and
anything that could change the data while it is read (a method of the class that changes it,
called between the reads) is refused as for any copy (``deepcopy_live``).

The view reads the property's data live where the property took a snapshot, so it first checks
that a lookup of the property would reach the property it was made from, without running it:
a subclass's own ``__getattribute__`` or ``__getattr__`` (which saw, or would have answered,
the lookup), a subclass's override, a patch of the class (``mock.patch.object(Owner,
"settings", ...)``) or a caller borrowed by a class without the property make it read the
property instead, as the caller did. An instance cannot hide a property (a data descriptor).
Taken: a plain ``@property`` (no setter or deleter, ``property`` not rebound) with ``self``
alone, directly in a module-level class, with no class of the module deriving from it that
binds the same name again, no ``__getattr__``/``__getattribute__`` of its own, and no call
anywhere in the module spelled ``x.<name>()``; everything else ``deepcopy_views`` asks of a
method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, QualifiedNameProvider

from efficiency.remediate.codemods.deepcopy_helpers import module_bindings
from efficiency.remediate.codemods.deepcopy_views import View, _returned_copies, views_summary
from efficiency.remediate.codemods.pysource import COMPREHENSIONS, Targets, walk

#: names the view's check calls: the builtins must be meant
_CHECK_NAMES = ("getattr", "type", "object")


@dataclass
class _Property:
    owner: str
    name: str
    decorators: Sequence[cst.Decorator]


@dataclass
class AsMethods:
    """The module with its taken properties written as methods, and how to undo that."""

    wrapper: MetadataWrapper
    targets: Targets | None
    properties: list[_Property]

    def restore(self, module: cst.Module, views: list[View]) -> tuple[cst.Module, str]:
        """``module`` (the rewritten analysed one) with the properties back, the reads that
        call no view back to property reads, and each property's view checking as a
        property's must; and what the summary says of the views."""
        keys = {(p.owner, p.name): p for p in self.properties}
        viewed = {(v.owner.name.value, v.helper.name.value): v for v in views if v.owner}
        if keys:
            module = module.visit(_Restore(keys, viewed))
        props = [v for v in views if v.owner and (v.owner.name.value, v.helper.name.value) in keys]
        methods = [v for v in views if all(v is not p for p in props)]
        return module, views_summary(methods) + _properties_summary(props)

    def reword(self, text: str) -> str:
        """A refusal or summary of the analysed module, in terms of the properties."""
        for prop in self.properties:
            text = text.replace(f".{prop.name}(...)", f".{prop.name}")
            text = text.replace(f".{prop.name}()", f".{prop.name}")
        return text


def as_methods(wrapper: MetadataWrapper, targets: Targets | None) -> AsMethods:
    """The analysed module for ``wrapper``'s (itself when no property is taken: none is read
    in its own class)."""
    unchanged = AsMethods(wrapper, targets, [])
    module = wrapper.module
    bound = module_bindings(module)
    if bound.get("property") or any(bound.get(n) for n in _CHECK_NAMES):
        return unchanged
    called = {
        n.func.attr.value
        for n in walk(module)
        if isinstance(n, cst.Call) and isinstance(n.func, cst.Attribute)
    }
    names = wrapper.resolve(QualifiedNameProvider)

    def is_deepcopy(call: cst.Call) -> bool:
        found = names.get(call.func, ())
        found = found() if callable(found) else found  # a lazily computed value
        return any(q.name == "copy.deepcopy" for q in found)

    taken: list[_Property] = []
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef):
            continue
        for member in statement.body.body:
            if not _taken(module, statement, member) or member.name.value in called:
                continue
            assert isinstance(member, cst.FunctionDef)
            if _returned_copies(member, is_deepcopy):  # one deepcopy_views can give a view
                taken.append(_Property(statement.name.value, member.name.value, member.decorators))
    if not taken:
        return unchanged
    defs: dict[int, cst.FunctionDef] = {}
    methods = _AsMethods({(p.owner, p.name) for p in taken}, defs)
    analysed = module.visit(methods)
    if not methods.reads:
        return unchanged
    new = MetadataWrapper(analysed, unsafe_skip_copy=True)
    if targets is not None:
        targets = Targets(tuple(defs.get(id(d), d) for d in targets.defs), targets.label)
    return AsMethods(new, targets, taken)


def _taken(module: cst.Module, owner: cst.ClassDef, member: cst.CSTNode) -> bool:
    """Is ``member`` a plain ``@property`` of ``self`` alone that no class of the module
    overrides, in a class with no attribute hooks of its own?"""
    if not isinstance(member, cst.FunctionDef) or len(member.decorators) != 1:
        return False
    decorator = member.decorators[0].decorator
    if not (isinstance(decorator, cst.Name) and decorator.value == "property"):
        return False
    params = member.params
    if len(params.params) != 1 or params.posonly_params or params.kwonly_params:
        return False
    if isinstance(params.star_arg, cst.Param | cst.ParamStar) or params.star_kwarg:
        return False
    hooks = {"__getattr__", "__getattribute__"}
    if any(isinstance(m, cst.FunctionDef) and m.name.value in hooks for m in owner.body.body):
        return False
    for node in walk(module):
        if not isinstance(node, cst.ClassDef) or node is owner:
            continue
        derives = any(
            isinstance(n, cst.Name) and n.value == owner.name.value
            for base in node.bases
            for n in walk(base)
        )
        if derives and any(
            isinstance(n, cst.FunctionDef | cst.Name) and _named(n, member.name.value)
            for n in walk(node.body)
        ):
            return False  # a subclass here overrides it (or its name): leave it alone
    return True


def _named(node: cst.FunctionDef | cst.Name, name: str) -> bool:
    return (node.name.value if isinstance(node, cst.FunctionDef) else node.value) == name


def _first(function: cst.FunctionDef) -> str | None:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else None


class _InClass(cst.CSTTransformer):
    """Knows the module-level class and the method directly in it around the current node."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.ClassDef | cst.FunctionDef | cst.Lambda):
            self.stack.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, cst.ClassDef | cst.FunctionDef | cst.Lambda):
            self.stack.pop()
        return result  # type: ignore[return-value]

    def place(self) -> tuple[str, cst.FunctionDef | None]:
        """The module-level class around the node ("" for none), and the method of it
        directly around the node (None inside any other scope)."""
        if not self.stack or not isinstance(self.stack[0], cst.ClassDef):
            return "", None
        owner = self.stack[0].name.value
        if len(self.stack) == 2 and isinstance(self.stack[1], cst.FunctionDef):
            return owner, self.stack[1]
        return owner, None


class _AsMethods(_InClass):
    def __init__(self, keys: set[tuple[str, str]], defs: dict[int, cst.FunctionDef]) -> None:
        super().__init__()
        self.keys = keys
        self.defs = defs  # id of each original def -> its node in the analysed module
        self.stores: set[int] = set()
        self.reads = 0  # property reads written as calls

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.stores.add(id(node.target))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.stores.add(id(node.target))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.stores.add(id(node.target))

    def visit_Del(self, node: cst.Del) -> None:
        self.stores.add(id(node.target))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        owner, method = self.place()
        if method is original_node and (owner, original_node.name.value) in self.keys:
            updated_node = updated_node.with_changes(decorators=())
        self.defs[id(original_node)] = updated_node
        return updated_node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        owner, method = self.place()
        if method is None or (owner, original_node.attr.value) not in self.keys:
            return updated_node
        if id(original_node) in self.stores or method.name.value == original_node.attr.value:
            return updated_node
        value = original_node.value
        if not (isinstance(value, cst.Name) and value.value == _first(method)):
            return updated_node
        self.reads += 1
        bare = updated_node.with_changes(lpar=[], rpar=[])
        return cst.Call(func=bare, lpar=updated_node.lpar, rpar=updated_node.rpar)


class _Restore(_InClass):
    def __init__(
        self, keys: dict[tuple[str, str], _Property], views: dict[tuple[str, str], View]
    ) -> None:
        super().__init__()
        self.keys = keys
        self.views = {(owner, v.view): (v, keys[owner, name]) for (owner, name), v in
                      views.items() if (owner, name) in keys}  # fmt: skip

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        owner, method = self.place()
        if method is not original_node:
            return updated_node
        prop = self.keys.get((owner, original_node.name.value))
        if prop is not None:
            return updated_node.with_changes(decorators=prop.decorators)
        view = self.views.get((owner, original_node.name.value))
        return updated_node if view is None else _checked(updated_node, *view)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        owner, _ = self.place()
        if updated_node.args or not isinstance(func, cst.Attribute):
            return updated_node
        if (owner, func.attr.value) not in self.keys:
            return updated_node
        return func.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _checked(view_def: cst.FunctionDef, view: View, prop: _Property) -> cst.FunctionDef:
    """The view ``deepcopy_views`` wrote for the property as a method, with a property's
    docstring and check in place of a method's (its first two statements)."""
    me = _first(view_def) or "self"
    name, kept = prop.name, f"{prop.owner}.{view.alias}"
    text = (
        f'"""{name} without the deep copy, for read-only callers (an override still runs)."""\n'
        # a subclass's __getattribute__ sees every lookup, its __getattr__ answers a failed one
        f"if type({me}).__getattribute__ is not object.__getattribute__ or getattr(\n"
        f'    type({me}), "__getattr__", None\n'
        f") is not None:\n"
        f"    return {me}.{name}\n"
        f'if getattr(type({me}), "{name}", None) is not {kept}:\n'
        f"    return {me}.{name}\n"
    )
    check = list(cst.parse_module(text).body)
    assert isinstance(view_def.body, cst.IndentedBlock)
    body = [*check, *view_def.body.body[2:]]
    if len(body) > len(check) and isinstance(body[len(check)], cst.SimpleStatementLine):
        # the property's own comments speak of the copy the view leaves out
        body[len(check)] = body[len(check)].with_changes(leading_lines=())
    return view_def.with_changes(body=view_def.body.with_changes(body=body))


def returned_once(
    leaving: cst.CSTNode, ancestors: Callable[[cst.CSTNode], Iterator[cst.CSTNode]]
) -> bool:
    """Is ``leaving`` part of a ``return``'s value (no comprehension or lambda between), with
    no ``finally`` around it in its function? It then leaves at most once per run of the
    function, in a loop too (``for tier in self.settings["tiers"]: ... return tier``): the
    ``return`` ends the loop, and no ``finally`` can turn it into a ``continue``."""
    returning = False
    for node in ancestors(leaving):
        if isinstance(node, (*COMPREHENSIONS, cst.Lambda)) and not returning:
            return False
        if isinstance(node, cst.BaseSmallStatement) and not returning:
            if not isinstance(node, cst.Return):
                return False
            returning = True
        if isinstance(node, cst.Try | cst.TryStar) and node.finalbody is not None:
            return False
        if isinstance(node, cst.FunctionDef):
            return returning
    return False


def _properties_summary(views: list[View]) -> str:
    """What the summary says of the properties some reads now read through a view."""
    if not views:
        return ""
    shown = ", ".join(sorted(f"{v.helper.name.value} → {v.view}()" for v in views))
    return (
        f"; reads of the properties {shown} in their own class, an uncopied sibling that reads "
        "the property instead when it is overridden or replaced (it stays for other callers)"
    )
