"""Where the values read from a copy go (``deepcopy-read-only``).

``ReadFollower`` is the part of the finder that follows one copy: from each use of a name that
holds it (or of a call read directly) through subscripts, read methods, plain dataclass fields,
``min``/``max``/``sorted`` and arithmetic, to where the value ends - an immutable scalar, a test
or comparison, a name bound from it (followed in turn, three levels deep), or a value that
leaves the function (recorded in ``_escapes``, deep-copied there by the rewrite). Each method
answers why the value could keep the data, or None. ``deepcopy_read_only`` judges the copy
itself (where it is made, what else the function runs) and sets ``_types`` and ``_tracked``.
"""

from __future__ import annotations

import libcst as cst
from libcst.metadata import ScopeProvider

from efficiency.remediate.codemods.deepcopy_builtins import exception
from efficiency.remediate.codemods.deepcopy_callees import in_place
from efficiency.remediate.codemods.deepcopy_derived import derived_from
from efficiency.remediate.codemods.deepcopy_dicts import DictReads
from efficiency.remediate.codemods.deepcopy_flow import (
    consumed,
    foreign_default,
    get_default,
    identity_test,
    returned,
    scalar_result,
)
from efficiency.remediate.codemods.deepcopy_helpers import picker
from efficiency.remediate.codemods.deepcopy_lambdas import LambdaReads
from efficiency.remediate.codemods.deepcopy_methods import MethodReads
from efficiency.remediate.codemods.deepcopy_operands import _own_operand, combined, plain_tuple
from efficiency.remediate.codemods.deepcopy_owned import stored_in_field
from efficiency.remediate.codemods.deepcopy_raised import module_exception
from efficiency.remediate.codemods.deepcopy_types import READ_METHODS, Types
from efficiency.remediate.codemods.pysource import ScopedVisitor, Targets, code, walk


class ReadFollower(DictReads, LambdaReads, MethodReads, ScopedVisitor):
    METADATA_DEPENDENCIES = (*ScopedVisitor.METADATA_DEPENDENCIES, ScopeProvider)

    def __init__(self, targets: Targets | None) -> None:
        super().__init__(targets)
        #: for the copy being judged: the names that hold it or a read of it, and the reads
        #: that leave the function
        self._tracked: set[str] = set()
        self._escapes: list[cst.CSTNode] = []
        #: what the annotations tell of the function being judged (see deepcopy_types)
        self._types: Types | None = None
        #: how often each name is bound in the module (``module_bindings``)
        self._bound: dict[str, int] = {}
        #: the depth the function being followed starts at (a callee's parameter is one
        #: deeper than the read handed to it): each function may follow three levels of
        #: names bound from reads, however deep the calls that reach it (``_DEPTH``) are
        self._entry = 0

    def _shadowed(self, name: str) -> bool:
        """Is the builtin ``name`` bound anywhere in the module (or the function judged), or
        may a star import bind it?"""
        local = self._types is not None and name in self._types.bound
        return name in self._bound or "*" in self._bound or local

    def _name_read_only(
        self, function: cst.FunctionDef, name: str, bound: cst.CSTNode, depth: int
    ) -> str | None:
        """Why some use of ``name`` (bound at ``bound``) could keep the data, or None."""
        self._tracked.add(name)
        for use in walk(function.body):
            if isinstance(use, cst.Name) and use.value == name and use is not bound:
                if _not_a_load(self.parent(use), use):
                    continue
                why = self._read_only(use, function, depth)
                if why is not None:
                    return why if why.startswith(name + " ") else f"{name} {why}"
        return None

    def _alias(
        self, parent: cst.CSTNode | None, node: cst.CSTNode, function: cst.FunctionDef, depth: int
    ) -> str | None:
        """For ``z = <read>`` or ``for z in <read>`` (a comprehension's too; z bound there
        only): why a use of ``z``
        could keep the data, or None; "" when ``parent`` binds no such alias."""
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            target: cst.BaseExpression = parent.targets[0].target
        elif isinstance(parent, cst.AugAssign) and parent.value is node:
            target = parent.target  # ``f *= read``: f = f * read, judged by ``rebinding``
        elif isinstance(parent, cst.For | cst.CompFor) and parent.iter is node:
            target = parent.target  # a comprehension's too: its names are bound there once
        else:
            return ""
        names = [target] if isinstance(target, cst.Name) else []
        if isinstance(target, cst.Tuple) and all(
            isinstance(e.value, cst.Name) for e in target.elements
        ):
            names = [e.value for e in target.elements]
        assert self._types is not None and isinstance(node, cst.BaseExpression)
        deep = depth - self._entry >= 3
        if names and deep and all(self._followed(n.value) for n in names):
            return None  # ``best = (az, alt)`` where ``best = mask[0]`` is followed already
        if not names or deep:
            return ""
        if isinstance(parent, cst.Assign) and len(names) == 1:
            kinds = [self._types.type_of(node)]
        elif isinstance(parent, cst.For | cst.CompFor):
            kinds = self._types.element_types(node, len(names))
        else:
            kinds = [None] * len(names)
        for alias, kind in zip(names, kinds, strict=True):
            assert isinstance(alias, cst.Name)
            scope = self.get_metadata(ScopeProvider, alias, None)
            if scope is None or len(scope[alias.value]) != len(self._types.bound[alias.value]):
                return f"{alias.value} is bound more than once"  # (an import among them)
            if len(scope[alias.value]) != 1:  # every binding must be a read (or a scalar)
                if alias.value in self._tracked:
                    continue  # its uses are being followed already (its bindings judged)
                why = rebinding(function, alias.value, self._types, self._tracked)
                if why is not None:
                    return why
            elif kind is not None:
                self._types.env[alias.value] = kind
            why = self._name_read_only(function, alias.value, alias, depth + 1)
            if why is not None:
                return why
        return None

    def _lookup(self, receiver: cst.BaseExpression) -> bool:
        """May ``receiver.get(read)`` take a read as a key: is it annotated as a builtin
        container, or a read of the copy (its data, read as everywhere here)?"""
        assert self._types is not None
        return self._types.container(receiver) or _own_operand(receiver, self._types, self._tracked)

    def _followed(self, name: str) -> bool:
        """Is ``name``, bound more than once, followed already (its bindings judged)?"""
        assert self._types is not None
        return name in self._tracked and len(self._types.bound.get(name, [])) > 1

    def _named_tuple(self, display: cst.Tuple) -> bool:
        """Is ``display`` the whole value of ``name = (...)`` (one plain name), every item a
        scalar or a read of the copy (``_own_operand``; so that deep-copying the tuple where
        it leaves copies nothing that was not the copy's)?"""
        assign = self.parent(display)
        assert self._types is not None
        return (
            isinstance(assign, cst.Assign)
            and assign.value is display
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and plain_tuple(display)
            and _own_operand(display, self._types, self._tracked)
        )

    def _read_only(
        self, use: cst.BaseExpression, function: cst.FunctionDef, depth: int, whole: bool = True
    ) -> str | None:
        """None when the value read through ``use`` ends in a scalar, else why not (``whole``:
        ``use`` at depth 0 is the copy itself, not a call's value made from a read of it)."""
        node: cst.CSTNode = use
        types = self._types
        assert types is not None
        foreign = False  # read through a .get whose default may be someone else's object
        target = self.parent(use)
        if isinstance(target, cst.AssignTarget) and target.target is use:
            return None  # a name rebound only to reads (see ``rebinding``): not a use
        if isinstance(target, cst.AugAssign) and target.target is use:
            assert isinstance(use, cst.Name)  # ``f *= k``: f = f * k, a new value (or why not)
            return rebinding(function, use.value, types, self._tracked)
        if self._compared_in_lambda(use, function):  # deepcopy_lambdas
            return None  # a key lambda's result is only compared, a map/filter lambda's too
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.Subscript) and parent.value is node:
                node = parent
                continue
            display = self.parent(parent) if isinstance(parent, cst.Element) else None
            if isinstance(display, cst.Tuple) and self._named_tuple(display):
                node = display  # ``best = (az, alt)``, each item a read or scalar: a read
                continue
            if (
                isinstance(parent, cst.Arg)
                and parent.value is node
                and picker(parent, self.parent(parent), self._shadowed)
            ):
                node = self.parent(parent) or parent  # min/max/sorted: elements of the data
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
                foreign = foreign or foreign_default(call, types, self._tracked)
                node = call
                continue
            if isinstance(parent, cst.Arg) and derived_from(
                self.parent(parent), self._tracked, types
            ):
                node = self.parent(parent) or parent  # replace(x, ...): a new object of its parts
                continue
            operation = combined(self.parent, node, types, self._tracked, self._shadowed)
            if operation is not None:
                node = operation
                continue
            if isinstance(parent, cst.Arg) and parent.value is node:
                whole = whole and node is use and depth == 0
                through = self._through_call(parent, function, depth, whole)  # deepcopy_callees
                if through != "":
                    return through
            break
        assert isinstance(node, cst.BaseExpression)
        if _dict_view(node) and _kept(self.parent(node), node):
            return "is kept as a dict view (deepcopy cannot copy one where it leaves)"
        if types.scalar(types.type_of(node)) or scalar_result(self.parent, node, types):
            return None  # an immutable scalar: whatever is done with it, the data is safe
        if foreign and not consumed(
            self.parent, self.parent(node), node, self._shadowed, self._lookup
        ):
            return (
                "is read by a .get whose default is not from the copy (copied where it "
                "leaves, the default would be copied too)"
            )
        if returned(self.parent, node, types):
            if node is use and depth == 0 and whole:
                return "is returned whole (nothing to save)"
            if _dict_view(node):
                return "is returned as a dict view (deepcopy cannot copy one where it leaves)"
            self._escapes.append(node)
            return None
        operand, mixed, joined = node, False, False
        while True:
            parent = self.parent(node)
            if isinstance(parent, cst.BooleanOperation) or (
                isinstance(parent, cst.IfExp) and parent.test is not node
            ):
                # the other operand: a scalar or read from the copy too (then the value is
                # always the copy's, followed as a read), or someone else's?
                if isinstance(parent, cst.IfExp):
                    other = parent.orelse if parent.body is node else parent.body
                    mixed = mixed or not _own_operand(other, types, self._tracked)
                else:
                    other = parent.right if parent.left is node else parent.left
                    joined = joined or not _own_operand(other, types, self._tracked)
                node = parent  # its value may be this operand: see where that goes
                continue
            break
        if identity_test(self.parent, parent, node):
            return "is compared by identity with a value that may be the original's own"
        if consumed(self.parent, parent, node, self._shadowed, self._lookup) or (
            isinstance(parent, cst.Arg) and get_default(self.parent, parent, types, self._tracked)
        ):
            return None
        if joined:  # and/or may yield the other value: copying it would change its identity
            return "is combined by and/or with another value, which could leave in its place"
        if mixed:  # the value may not come from the copy: copy this branch where it is picked
            if operand is use and depth == 0 and whole:
                return "is picked whole by a conditional expression (nothing to save)"
            self._escapes.append(operand)
            return None
        value = self._lambda_value(node, function, depth)  # returned by a called lambda
        if value != "":
            return value
        call = self.parent(parent) if isinstance(parent, cst.Arg) else None
        if stored_in_field(parent, node, types) or (  # deepcopy_owned
            isinstance(parent, cst.Arg)
            and isinstance(call, cst.Call)
            and types.harmless_call(call)
            and parent.value is node
            and not parent.star
        ):
            if node is use and depth == 0 and whole:
                return "is stored whole in a new object (nothing to save)"
            self._escapes.append(node)  # stored in a new object or list: copied there
            return None
        if isinstance(parent, cst.Arg):
            made = exception(call, self._shadowed) or module_exception(call, types.module)
            if made is not None:  # its args would hand the original's own object on
                return f"is carried by {made}() (whoever catches it gets the original's object)"
            return "is passed to a call"
        made = self._new_dict(parent, node, function, depth)  # deepcopy_dicts
        if made != "":
            return made
        alias = self._alias(parent, node, function, depth)
        if alias != "":
            return alias
        shown = code(parent).splitlines()[0] if parent is not None else ""
        return f"flows into `{shown}`, which could keep it"


def _not_a_load(parent: cst.CSTNode | None, name: cst.Name) -> bool:
    """Is ``name`` an attribute's name (``target.band``) or a keyword (``f(band=1)``), not the
    local variable it spells?"""
    if isinstance(parent, cst.Attribute):
        return parent.attr is name
    return isinstance(parent, cst.Arg) and parent.keyword is name


def _dict_view(node: cst.CSTNode) -> bool:
    """``x.keys()``, ``x.values()`` or ``x.items()``: a view, which ``copy.deepcopy`` refuses."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in ("keys", "values", "items")
    )


def _kept(parent: cst.CSTNode | None, node: cst.CSTNode) -> bool:
    """Is ``node``'s value bound, combined or put in a display (so it may leave later)?"""
    if isinstance(parent, cst.IfExp):
        return parent.test is not node
    return isinstance(
        parent,
        cst.Assign | cst.AnnAssign | cst.NamedExpr | cst.BooleanOperation | cst.Element
        | cst.DictElement | cst.StarredElement | cst.Return | cst.Yield,
    )  # fmt: skip


def rebinding(function: cst.FunctionDef, name: str, types: Types, tracked: set[str]) -> str | None:
    """Why ``name``, bound more than once in ``function`` and once to a read of the copy, may
    not be followed as a read: some binding is not ``name = <value>`` with a value made only of
    scalars and reads of the copy (``price = price * band["pct"] // 100``), nor ``name op=
    <such a value>`` where ``in_place`` shows the operation makes a new object (``f *= k``
    where ``f`` starts as a number: ``f = f * k``; on a list of the copy, ``+=`` would change
    it in place)."""
    for node in walk(function.body):
        if (
            isinstance(node, cst.AugAssign)
            and code(node.target) == name
            and (
                in_place(node, types) is not None
                or not _own_operand(node.value, types, tracked | {name})
            )
        ):
            return (
                f"{name} is bound more than once (an augmented assignment could change a "
                "list or dict of the copy in place, or add another value)"
            )
    for bind in types.bound.get(name, []):
        if isinstance(bind, cst.AugAssign):
            continue  # judged above
        if not (
            isinstance(bind, cst.Assign)
            and len(bind.targets) == 1
            and isinstance(bind.targets[0].target, cst.Name)
            and (
                _own_operand(bind.value, types, tracked | {name})
                or derived_from(bind.value, tracked | {name}, types)
            )
        ):
            return f"{name} is bound more than once, not always to a value read from the copy"
    return None
