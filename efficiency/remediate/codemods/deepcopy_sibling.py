"""The sibling that makes a shallow copy for the callers that keep to it (``deepcopy-shallow``).

A function whose copy leaves it (a ``@property``, a method or a module function returning it)
keeps its deep copy for every caller the module cannot show; it gets a sibling with the same
body, the copy made shallow, which the callers judged safe call. The sibling first checks the
function is still the one it was made from, through an alias taken beside it (``__pricing_deep
= pricing``): a subclass's override, a patch, or for a method one bound to another instance,
is called instead, as the caller did before; so is a subclass's own ``__getattribute__``,
which saw every lookup before. A method is looked up once, as the caller did, and only for
callers passing names and literals (their arguments used to run after the lookup, and in
the sibling run before it). A method's sibling has a mangled name and is
called through its class (``Owner.__pricing_shallow(self)``), so no subclass overrides it by
accident and a caller borrowed by another class still reaches its check.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import libcst as cst

from efficiency.remediate.codemods.deepcopy_names import bindings
from efficiency.remediate.codemods.deepcopy_shapes import shape_of
from efficiency.remediate.codemods.pysource import SCOPES, code, names_in, unique_name, walk

if TYPE_CHECKING:
    from efficiency.remediate.codemods.deepcopy_shallow import Site, _Finder


@dataclass
class Sibling:
    function: cst.FunctionDef
    owner: cst.ClassDef | None
    #: "property", "method" or "function"
    kind: str
    name: str
    alias: str

    def calls(self, finder: _Finder) -> Iterator[tuple[cst.BaseExpression, str | None]]:
        """Every place the module reads the property or calls the function (outside it), and
        why that one cannot call the sibling (None: it can, if it only reads the copy)."""
        wanted = self.function.name.value
        for node in walk(finder.module):
            if any(a is self.function for a in finder._between(node, finder.module)):
                continue
            if self.kind == "property":
                if not isinstance(node, cst.Attribute) or node.attr.value != wanted:
                    continue
                if isinstance(finder.parent(node), cst.AssignTarget | cst.Del):
                    continue
                yield node, self._through_self(finder, node)
            elif isinstance(node, cst.Call):
                func = node.func
                if self.kind == "function":
                    if not (isinstance(func, cst.Name) and func.value == wanted):
                        continue
                    why = None
                else:
                    if not (isinstance(func, cst.Attribute) and func.attr.value == wanted):
                        continue
                    why = self._through_self(finder, func)
                if why is None and any(a.star for a in node.args):
                    why = "passes *args or **kwargs"
                if why is None and not all(_inert(a.value) for a in node.args):
                    # they ran after the function was looked up; in the sibling, before
                    why = "its arguments call code (only names and literals are passed)"
                yield node, why

    def _through_self(self, finder: _Finder, attribute: cst.Attribute) -> str | None:
        """Is ``attribute`` read on the ``self`` of a method of the owner?"""
        method = next(
            (n for n in finder._between(attribute, finder.module) if isinstance(n, SCOPES)), None
        )
        block = finder.parent(method) if method is not None else None
        owner = finder.parent(block) if block is not None else None
        if not isinstance(method, cst.FunctionDef) or owner is not self.owner:
            return "is not in a method of the same class"
        params = method.params.params
        receiver = attribute.value
        if not (
            isinstance(receiver, cst.Name) and params and params[0].name.value == receiver.value
        ):
            return "reads it through a name other than the method's own self"
        if any(not _is_property(d, finder.bound) for d in method.decorators):
            return "is in a decorated method (its first parameter may not be an instance)"
        if bindings(method, receiver.value) != 1:
            return f"rebinds {receiver.value}"
        return None


def _inert(value: cst.BaseExpression) -> bool:
    return isinstance(value, cst.Name) or shape_of(value) is not None


def _is_property(decorator: cst.Decorator, bound: dict[str, int]) -> bool:
    d = decorator.decorator
    return isinstance(d, cst.Name) and d.value == "property" and "property" not in bound


def caller_site(
    finder: _Finder, function: cst.FunctionDef, owner: cst.ClassDef | None, call: cst.Call
) -> tuple[Sibling | None, str | None]:
    """The sibling ``function`` (which returns the copy ``call`` makes) can have, or why not."""
    taken = finder.taken
    stem = function.name.value.lstrip("_")
    bound = finder.bound
    if owner is None:
        if function.decorators or bound.get(function.name.value) != 1:
            return None, "the copy is returned by a decorated or rebound function"
        name = unique_name(f"_{stem}_shallow", taken)
        alias = unique_name(f"_{stem}_deep", taken | {name})
        taken |= {name, alias}
        return Sibling(function, None, "function", name, alias), None
    if owner.decorators or owner.bases or owner.keywords or bound.get(owner.name.value) != 1:
        return None, (
            f"the copy is returned by a method of {owner.name.value}, which is decorated, has "
            "a base class or metaclass, or is bound more than once"
        )
    members = 0
    for statement in owner.body.body:
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            members += statement.name.value == function.name.value
        else:
            members += function.name.value in {
                n.value for n in walk(statement) if isinstance(n, cst.Name)
            }
    if members != 1:
        return None, f"{function.name.value} is bound more than once in {owner.name.value}"
    params = function.params.params
    if not params:
        return None, "the copy is returned by a method without self"
    if function.decorators:
        if len(function.decorators) != 1 or not _is_property(function.decorators[0], bound):
            return None, "the copy is returned by a decorated method"
        kind, needed = "property", {"type", "object", "getattr"}
    else:
        kind, needed = "method", {"type", "object", "getattr"}
    clash = needed & (bound.keys() | {n.value for n in walk(function) if isinstance(n, cst.Name)})
    if clash:
        return None, f"the module binds {min(clash)}, which the sibling's check calls"
    name = unique_name(f"__{stem}_shallow", taken)
    alias = unique_name(f"__{stem}_deep", taken | {name})
    taken |= {name, alias}
    return Sibling(function, owner, kind, name, alias), None


def _guard(sibling: Sibling) -> list[cst.BaseStatement]:
    f = sibling.function
    name = f.name.value
    params = [p.name.value for p in f.params.params]
    if sibling.owner is None:
        forwarded = ", ".join(params)
        text = f"if {name} is not {sibling.alias}:\n    return {name}({forwarded})\n"
        return [cst.parse_statement(text)]
    me, owner = params[0], sibling.owner.name.value
    # a subclass's __getattribute__ sees (and may answer) every lookup, as before
    custom = f"type({me}).__getattribute__ is not object.__getattribute__"
    if sibling.kind == "property":
        text = (
            f"if {custom}:\n    return {me}.{name}\n"
            f'if getattr(type({me}), "{name}", None) is not {owner}.{sibling.alias}:\n'
            f"    return {me}.{name}\n"
        )
        return list(cst.parse_module(text).body)
    forwarded = ", ".join(params[1:])
    got = unique_name("bound", names_in(f))  # looked up once, as the caller did
    text = (
        f"if {custom}:\n    return {me}.{name}({forwarded})\n"
        f"{got} = {me}.{name}\n"
        f'if getattr({got}, "__func__", None) is not {owner}.{sibling.alias} '
        f"or {got}.__self__ is not {me}:\n    return {got}({forwarded})\n"
    )
    return list(cst.parse_module(text).body)


class _Shallow(cst.CSTTransformer):
    """``deepcopy(C)`` → ``C.copy()`` for the chosen calls."""

    def __init__(self, calls: set[int]) -> None:
        super().__init__()
        self.calls = calls

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) not in self.calls:
            return updated_node
        source = updated_node.args[0].value
        shallow = cst.Call(cst.Attribute(source, cst.Name("copy")))
        return shallow.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _sibling_defs(site: Site) -> list[cst.BaseStatement]:
    sibling = site.sibling
    assert sibling is not None
    f = sibling.function
    body = list(f.body.body) if isinstance(f.body, cst.IndentedBlock) else []
    first = body[0] if body else None
    if (
        isinstance(first, cst.SimpleStatementLine)
        and len(first.body) == 1
        and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, cst.SimpleString | cst.ConcatenatedString)
    ):
        body = body[1:]
    doc = cst.parse_statement(
        f'"""{f.name.value}, copying {site.constant} shallowly for callers that only read '
        'below its top level."""\n'
    )
    shallow = f.visit(_Shallow({id(site.copy)}))
    assert isinstance(shallow, cst.FunctionDef) and isinstance(shallow.body, cst.IndentedBlock)
    stripped = [s.visit(_Shallow({id(site.copy)})) for s in body]
    blank = [cst.EmptyLine(indent=False)] * (1 if sibling.owner else 2)
    new = shallow.with_changes(
        name=cst.Name(sibling.name),
        decorators=[],
        body=shallow.body.with_changes(body=[doc, *_guard(sibling), *stripped]),
        leading_lines=blank,
    )
    alias = cst.parse_statement(f"{sibling.alias} = {f.name.value}\n")
    return [alias.with_changes(leading_lines=blank), new]


class _AddSiblings(cst.CSTTransformer):
    def __init__(self, sites: list[Site]) -> None:
        super().__init__()
        self.after = {id(s.sibling.function): s for s in sites if s.sibling}
        self.inplace = {id(s.copy) for s in sites if not s.sibling}
        self.callers: dict[int, Sibling] = {
            id(c): s.sibling for s in sites if s.sibling for c in s.callers
        }

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> Any:
        site = self.after.get(id(original_node))
        if site is None:
            return updated_node
        return cst.FlattenSentinel([updated_node, *_sibling_defs(site)])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if id(original_node) in self.inplace:
            return _Shallow({id(original_node)}).leave_Call(original_node, updated_node)
        sibling = self.callers.get(id(original_node))
        if sibling is None:
            return updated_node
        func = updated_node.func
        if sibling.owner is None:
            return updated_node.with_changes(func=cst.Name(sibling.name))
        assert isinstance(func, cst.Attribute)
        me = cst.Arg(func.value)
        return updated_node.with_changes(func=_on_owner(sibling), args=[me, *updated_node.args])

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        sibling = self.callers.get(id(original_node))
        if sibling is None:
            return updated_node
        call = cst.Call(_on_owner(sibling), [cst.Arg(updated_node.value)])
        return call.with_changes(lpar=updated_node.lpar, rpar=updated_node.rpar)


def _on_owner(sibling: Sibling) -> cst.Attribute:
    assert sibling.owner is not None
    return cst.Attribute(cst.Name(sibling.owner.name.value), cst.Name(sibling.name))


def add_siblings(module: cst.Module, sites: list[Site]) -> cst.Module:
    """``module`` with each site's copy made shallow: in place, or in a new sibling that the
    site's callers now call."""
    return module.visit(_AddSiblings(sites))


def describe(sibling: Sibling) -> str:
    return code(_on_owner(sibling)) if sibling.owner else sibling.name
