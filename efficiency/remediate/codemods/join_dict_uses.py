"""How a class uses a private dict-of-str attribute, for
:mod:`~efficiency.remediate.codemods.join_dict`: each ``.attr`` in the module is one of the
accepted forms (a start, an item stored or appended to, an item read, a key-only use) on the
object of one of the class's methods, or the reason it is not.

Key-only uses see the dict's keys (or its emptiness), which the rewrite leaves as they were:
``k in self._x``, ``for k in self._x``, ``sorted(self._x)`` (also ``len``, ``list``, ``set``...
of builtins the module does not rebind, and ``.keys()`` in those places), ``if self._x:``,
``not self._x``, ``self._x.clear()`` and ``del self._x[k]``. An item read whole
(``self._x[k]``, ``.get(k, "")``, ``.pop(k)``, ``.setdefault(k, "")``) gets ``"".join``; a
use that could hand out the dict or a value of it (``.items()``, ``.values()``, the dict passed
on or returned, ``.keys()`` kept, whose ``.mapping`` reaches the values) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from efficiency.remediate.codemods.join_attribute_class import Parent, _stored
from efficiency.remediate.codemods.join_builder_facts import rebinds
from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import code, walk

#: builtins that read only an iterable's items (a dict's keys) or its length
KEY_FUNCS = frozenset(
    {"sorted", "len", "list", "tuple", "set", "frozenset", "iter", "reversed", "bool", "any",
     "all", "min", "max", "enumerate"}
)  # fmt: skip
#: methods of an exact str that return an exact str
_STR_METHODS = frozenset(
    {"upper", "lower", "strip", "lstrip", "rstrip", "replace", "title", "capitalize",
     "casefold", "center", "ljust", "rjust", "zfill", "expandtabs", "swapcase",
     "removeprefix", "removesuffix"}
)  # fmt: skip
#: dict methods whose result is an item's value, and the position of their default
_VALUE_CALLS = {"get": 1, "pop": 1, "setdefault": 1}


@dataclass
class DictUses:
    """The accepted uses of ``.attr`` found in the module, by the id of their node."""

    #: an appending statement -> its pieces (``x[k] += p``, ``x[k] = x[k] + p + q``)
    appends: dict[int, list[cst.BaseExpression]] = field(default_factory=dict)
    #: an ``x[k] = value`` statement -> the value
    items: dict[int, cst.BaseExpression] = field(default_factory=dict)
    #: ``x[k]`` subscripts read whole
    reads: set[int] = field(default_factory=set)
    #: ``x.get(k, d)``/``x.pop(k)``/``x.setdefault(k, d)`` -> (whether its value is used,
    #: the default or None)
    calls: dict[int, tuple[bool, cst.BaseExpression | None]] = field(default_factory=dict)
    #: the ``.attr`` nodes an append's right-hand side reads again (``x[k] = x[k] + p``)
    covered: set[int] = field(default_factory=set)
    #: whether ``self.attr = {}`` was seen
    started: bool = False
    #: the names of the methods that append
    owners: set[str] = field(default_factory=set)

    def values(self) -> list[cst.BaseExpression]:
        """Every value that goes into an item: pieces, stored values, defaults."""
        return [
            *(p for pieces in self.appends.values() for p in pieces),
            *self.items.values(),
            *(d for _, d in self.calls.values() if d is not None),
        ]


def item_of(parent: Parent, node: cst.Attribute) -> cst.Subscript | None:
    """``node[k]`` (one plain index) when ``node`` is subscripted so."""
    up = parent(node)
    if not isinstance(up, cst.Subscript) or up.value is not node or len(up.slice) != 1:
        return None
    index = up.slice[0].slice
    if not isinstance(index, cst.Index) or getattr(index, "star", None) is not None:
        return None
    return up


def _simple_key(
    sub: cst.Subscript, method: cst.FunctionDef, pieces: list[cst.BaseExpression]
) -> bool:
    """A key that evaluates the same, with no effect, before and after the pieces: a literal,
    or a name local to ``method`` (a parameter or a name it assigns, not declared ``global``
    or ``nonlocal``, which a call could rebind) that no piece rebinds with ``:=``."""
    key = sub.slice[0].slice.value  # type: ignore[attr-defined]
    if isinstance(key, cst.SimpleString | cst.Integer):
        return True
    if not isinstance(key, cst.Name):
        return False
    name = key.value
    params = method.params
    local = any(
        p.name.value == name
        for p in (*params.posonly_params, *params.params, *params.kwonly_params)
    ) or any(
        isinstance(n, cst.AssignTarget | cst.AnnAssign | cst.For)
        and isinstance(n.target, cst.Name)
        and n.target.value == name
        for n in walk(method.body)
    )
    declared = any(
        isinstance(n, cst.Global | cst.Nonlocal) and any(a.name.value == name for a in n.names)
        for n in walk(method.body)
    )
    walrus = any(
        isinstance(n, cst.NamedExpr) and isinstance(n.target, cst.Name) and n.target.value == name
        for p in pieces
        for n in walk(p)
    )
    return local and not declared and not walrus


class UseReader:
    """Classifies each ``obj.attr`` of the class's methods into :class:`DictUses`."""

    def __init__(self, module: cst.Module, parent: Parent, attr: str, rebound: set[str]) -> None:
        self.module = module
        self.parent = parent
        self.attr = attr
        #: builtins the module binds to something else
        self.rebound = rebound
        self.uses = DictUses()

    def str_value(self, node: cst.BaseExpression) -> bool:
        """Provably an exact str: :func:`~efficiency.remediate.codemods.join_exact.exact_str`,
        an item of the attribute read whole (joined by the rewrite), ``+`` or a conditional
        of such values, or a str method returning str called on one."""
        if exact_str(node, self.module) or id(node) in self.uses.reads:
            return True
        if isinstance(node, cst.Subscript) and isinstance(node.value, cst.Attribute):
            return node.value.attr.value == self.attr and item_of(self.parent, node.value) is node
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.str_value(node.left) and self.str_value(node.right)
        if isinstance(node, cst.IfExp):
            return self.str_value(node.body) and self.str_value(node.orelse)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return node.func.attr.value in _STR_METHODS and self.str_value(node.func.value)
        return False

    def classify(self, node: cst.Attribute, method: cst.FunctionDef) -> str:
        """Record the use ``node`` (``obj.attr``) makes in ``method``; '' or why it is not one
        of the accepted forms."""
        if id(node) in self.uses.covered:
            return ""
        sub = item_of(self.parent, node)
        if sub is not None:
            return self._item(sub, method)
        up = self.parent(node)
        shown = f"`{code(up)[:60]}`" if up is not None else code(node)
        if isinstance(up, cst.AssignTarget) and up.target is node:
            assign = self.parent(up)
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1 and _empty(assign.value):
                self.uses.started = True
                return ""
            return f"{shown} stores .{self.attr} other than as a new empty dict"
        if isinstance(up, cst.AnnAssign) and up.target is node:
            if _empty(up.value):
                self.uses.started = True
                return ""
            return f"{shown} stores .{self.attr} other than as a new empty dict"
        if isinstance(up, cst.Del) and up.target is node:
            return ""
        if isinstance(up, cst.Attribute) and up.value is node:
            return self._method(up, shown, method)
        if self._keys_only(node, method):
            return ""
        return f"{shown} uses .{self.attr} other than by its keys or items"

    def _keys_only(self, node: cst.BaseExpression, method: cst.FunctionDef) -> bool:
        """Does ``node`` (the dict, or its ``.keys()``) sit where only its keys count? A
        builtin counts only where neither the module nor ``method`` binds its name (a
        parameter ``sorted=...``, a local, ``global sorted`` in any function)."""
        up = self.parent(node)
        if isinstance(up, cst.ComparisonTarget) and up.comparator is node:
            return isinstance(up.operator, cst.In | cst.NotIn)
        if isinstance(up, cst.For | cst.CompFor) and up.iter is node:
            return True
        if isinstance(up, cst.If | cst.While | cst.IfExp) and up.test is node:
            return True
        if isinstance(up, cst.UnaryOperation) and isinstance(up.operator, cst.Not):
            return True
        if isinstance(up, cst.Arg) and up.keyword is None and not up.star:
            call = self.parent(up)
            return (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Name)
                and call.func.value in KEY_FUNCS - self.rebound
                and not _binds(method, call.func.value)
                and call.args[0] is up
            )
        return False

    def _method(self, method: cst.Attribute, shown: str, scope: cst.FunctionDef) -> str:
        call = self.parent(method)
        name = method.attr.value
        if not isinstance(call, cst.Call) or call.func is not method:
            return f"{shown} reads a member of the dict other than by calling it"
        if any(a.keyword is not None or a.star for a in call.args):
            return f"`{code(call)[:60]}` passes keywords or unpacked arguments"
        used = not isinstance(self.parent(call), cst.Expr)
        if name == "keys" and not call.args and self._keys_only(call, scope):
            return ""
        if name == "clear" and not call.args and not used:
            return ""
        if name in _VALUE_CALLS and 1 <= len(call.args) <= 2:
            default = call.args[1].value if len(call.args) == 2 else None
            if default is None and name != "pop":
                return f"`{code(call)[:60]}` can return None, not a str"
            if default is not None and not self.str_value(default):
                return f"`{code(default)[:40]}` is not provably a str"
            self.uses.calls[id(call)] = (used, default)
            return ""
        return f"`{code(call)[:60]}` could hand out the dict or its values"

    def _item(self, sub: cst.Subscript, method: cst.FunctionDef) -> str:
        up = self.parent(sub)
        shown = f"`{code(up)[:60]}`" if up is not None else code(sub)
        if isinstance(up, cst.AugAssign) and up.target is sub:
            if not isinstance(up.operator, cst.AddAssign):
                return f"{shown} changes an item by `{code(up.operator).strip()}`"
            self.uses.appends[id(up)] = [up.value]
            self.uses.owners.add(method.name.value)
            return ""
        if isinstance(up, cst.AssignTarget) and up.target is sub:
            assign = self.parent(up)
            if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
                return f"{shown} stores an item together with other targets"
            pieces = self._appended(assign, sub, method)
            if pieces is not None:
                self.uses.appends[id(assign)] = pieces
                self.uses.owners.add(method.name.value)
                return ""
            self.uses.items[id(assign)] = assign.value
            return ""
        if isinstance(up, cst.Del) and up.target is sub:
            return ""
        if (isinstance(up, cst.AnnAssign) and up.target is sub) or _stored(self.parent, sub):
            return f"{shown} stores an item by annotation, unpacking, a loop or `as`"
        if _identity(self.parent, sub):
            return f"{shown} asks for an item's identity, which a joined str does not keep"
        self.uses.reads.add(id(sub))
        return ""

    def _appended(
        self, assign: cst.Assign, sub: cst.Subscript, method: cst.FunctionDef
    ) -> list[cst.BaseExpression] | None:
        """The pieces of ``x[k] = x[k] + p + q`` (``k`` a literal or a local name the pieces
        cannot rebind), else None: then it is an item stored, ``[x[k] + p + q]`` joined."""
        pieces: list[cst.BaseExpression] = []
        value = assign.value
        while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            pieces.insert(0, value.right)
            value = value.left
        if not pieces or not isinstance(value, cst.Subscript) or value.lpar:
            return None
        if code(value) != code(sub) or not _simple_key(sub, method, pieces):
            return None
        self.uses.covered.add(id(value.value))
        return pieces


def _binds(method: cst.FunctionDef, name: str) -> bool:
    """Does ``method`` bind ``name`` in any of its scopes (a parameter, a local, a nested def,
    class or import)?"""
    if rebinds(method, name):
        return True
    return any(
        (isinstance(n, cst.FunctionDef | cst.ClassDef) and n.name.value == name)
        or (isinstance(n, cst.ImportAlias) and code(n.asname.name if n.asname else n.name) == name)
        for n in walk(method.body)
    )


def _identity(parent: Parent, sub: cst.Subscript) -> bool:
    """Is the item read compared with ``is``/``is not`` or handed to ``id()``? Two reads of
    the original's item are one object; two joins of the parts are not."""
    up = parent(sub)
    if isinstance(up, cst.ComparisonTarget):
        return isinstance(up.operator, cst.Is | cst.IsNot)
    if isinstance(up, cst.Comparison) and up.left is sub:
        return isinstance(up.comparisons[0].operator, cst.Is | cst.IsNot)
    if isinstance(up, cst.Arg):
        call = parent(up)
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Name)
            and call.func.value == "id"
        )
    return False


def _empty(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, cst.Dict) and not value.elements
