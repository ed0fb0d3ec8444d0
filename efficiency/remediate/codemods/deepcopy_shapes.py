"""What a shallow copy shares with the data it copies, and where the shared values go
(``deepcopy-shallow``).

The data copied is a module constant written as plain literal data: dict, list, tuple and set
displays whose leaves are numbers, strings, bytes, ``True``/``False``/``None`` and whose dict
keys are such literals. Its *shape* says, for any value read from a shallow copy of it, which
of the constant's own objects that value may be: a :class:`Scalar` (immutable: it may go
anywhere), a :class:`Mapping` (a dict of the data, by literal key), a :class:`Seq` (a list or
set of the data, or a tuple or a new list whose items are the data's) or a :class:`Tup` (a
tuple, by position). A value read under a key the data lacks has no shape: it is not the
data's (an override stored by the caller), and the original kept no copy of it either.

:class:`SharedUses` follows a value that may be a mutable object of the data through the
function that holds it, and answers why it could be changed or escape, or None. A shared value
may only be read: subscripts, ``.get``/``.keys``/``.values``/``.items``/``.count``/``.index``,
iteration (a ``for`` or a comprehension; its names are followed in turn), comparisons with
literal data (the other operand's ``__eq__`` would be given the value; ``x in value`` and
``.count(x)`` with anything when the items are immutable), tests, f-string fields, ``len``/
``any``/``all``/``str``/``repr``/``bool``/``int``/``float``/``abs``/``round``, ``isinstance``
against builtin types, ``min``/``max`` (an item, followed),
``sorted``/``list``/``tuple``/``reversed`` (a new container of its items, followed) with a key
lambda that is followed too, a name bound once to it, and a positional argument of a function
of the module (plain parameters, undecorated, bound once) whose parameter is followed the same
way, three calls deep. Everything else (returned, stored, passed to other code, compared by
identity, changed through a subscript or a method) is refused unless the shape says the value
is immutable. Keys compare as Python compares them (``d[1.0]`` and ``d[True]`` read ``d[1]``),
and a subscript stored to by a ``for``, comprehension, ``as`` or unpacking target is a change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.deepcopy_names import (
    bindings,
    loaded,
    nested_binding,
    scope_of,
    stored,
)
from efficiency.remediate.codemods.pysource import code, walk


@dataclass(frozen=True)
class Scalar:
    pass


@dataclass(frozen=True)
class Mapping:
    entries: tuple[tuple[object, frozenset[Shape]], ...]


@dataclass(frozen=True)
class Seq:
    items: frozenset[Shape]
    #: a list or set of the data itself (False: a tuple, or a new container of its items,
    #: which only the items make shared)
    mutable: bool


@dataclass(frozen=True)
class Tup:
    parts: tuple[frozenset[Shape], ...]


Shape = Scalar | Mapping | Seq | Tup
Shapes = frozenset[Shape]
SCALAR: Shapes = frozenset({Scalar()})
#: builtins that read their arguments and return something new and immutable (or a bool)
CONSUMERS = frozenset({"len", "any", "all", "str", "repr", "bool", "isinstance", "int"})
CONSUMERS |= {"float", "abs", "round"}
#: builtins whose value is a new container of the items of their first argument
CONTAINERS = frozenset({"sorted", "list", "reversed", "tuple"})
LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)


def literal_key(node: cst.BaseExpression) -> tuple[object] | None:
    """The value of a literal dict key or subscript (a number, string or name constant), in a
    1-tuple that compares as Python compares keys (``1``, ``1.0`` and ``True`` are one key)."""
    if isinstance(node, cst.Integer | cst.Float | cst.SimpleString):
        return (node.evaluated_value,)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return ({"True": True, "False": False, "None": None}[node.value],)
    return None


def shape_of(node: cst.BaseExpression) -> Shape | None:
    """The shape of a display of plain literal data, or None when it is not one."""
    if isinstance(node, LITERALS) or (
        isinstance(node, cst.Name) and node.value in ("True", "False", "None")
    ):
        return Scalar()
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return Scalar() if isinstance(node.expression, cst.Integer | cst.Float) else None
    if isinstance(node, cst.Dict):
        entries: list[tuple[object, frozenset[Shape]]] = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return None  # **other
            key, value = literal_key(element.key), shape_of(element.value)
            if key is None or value is None or any(k == key for k, _ in entries):
                return None
            entries.append((key, frozenset({value})))
        return Mapping(tuple(entries))
    if isinstance(node, cst.List | cst.Tuple | cst.Set):
        parts = []
        for item in node.elements:
            if not isinstance(item, cst.Element):
                return None  # *other
            part = shape_of(item.value)
            if part is None:
                return None
            parts.append(frozenset({part}))
        if isinstance(node, cst.Tuple):
            return Tup(tuple(parts))
        return Seq(frozenset().union(*parts), True)
    return None


def exposes(shapes: Iterable[Shape]) -> bool:
    """May a value of these shapes be, or hold, a mutable object of the data?"""
    for shape in shapes:
        if isinstance(shape, Mapping) or (isinstance(shape, Seq) and shape.mutable):
            return True
        if isinstance(shape, Seq) and exposes(shape.items):
            return True
        if isinstance(shape, Tup) and any(exposes(p) for p in shape.parts):
            return True
    return False


def subscript(shapes: Shapes, key: cst.BaseExpression | None) -> Shapes:
    """The shapes of ``value[key]`` (``key`` None: a key not known)."""
    out: set[Shape] = set()
    wanted = None if key is None else literal_key(key)
    for shape in shapes:
        if isinstance(shape, Mapping):
            for name, values in shape.entries:
                if wanted is None or name == wanted:
                    out |= values
        elif isinstance(shape, Seq):
            out |= shape.items
        elif isinstance(shape, Tup):
            index = wanted[0] if wanted is not None else None
            if isinstance(index, int) and -len(shape.parts) <= index < len(shape.parts):
                out |= shape.parts[index]
            else:
                out |= frozenset().union(*shape.parts)
    return frozenset(out)


def items_of(shapes: Shapes) -> Shapes:
    """The shapes of what iterating a value gives (a dict: its keys, literals)."""
    out: set[Shape] = set()
    for shape in shapes:
        if isinstance(shape, Mapping):
            out.add(Scalar())
        elif isinstance(shape, Seq):
            out |= shape.items
        elif isinstance(shape, Tup):
            out |= frozenset().union(*shape.parts)
    return frozenset(out)


def values_of(shapes: Shapes) -> Shapes:
    return frozenset().union(*(v for s in shapes if isinstance(s, Mapping) for _, v in s.entries))


class SharedUses:
    """Follows values that may share the data's mutable objects; each method answers why
    such a value could be changed or escape, or None."""

    def __init__(
        self,
        parent: Callable[[cst.CSTNode], cst.CSTNode | None],
        functions: dict[str, cst.FunctionDef],
        shadowed: Callable[[str], bool],
    ) -> None:
        self.parent = parent
        #: the module's functions a shared value may be passed to (see ``module_functions``)
        self.functions = functions
        self.shadowed = shadowed

    def name(
        self, scope: cst.CSTNode, name: str, binding: cst.CSTNode, shapes: Shapes, depth: int
    ) -> str | None:
        """Why some use of ``name`` (bound once, at ``binding``, in ``scope``) could change or
        leak a shared value, or None."""
        if not exposes(shapes):
            return None
        if bindings(scope, name) != 1:
            return f"{name} is bound more than once"
        body = scope.body if isinstance(scope, cst.FunctionDef | cst.Lambda) else scope
        for use in walk(body):
            if loaded(use, name, self.parent) and use is not binding:
                if nested_binding(use, scope, self.parent):
                    return f"{name} is used inside a nested function, class or lambda"
                why = self.value(use, shapes, depth)
                if why is not None:
                    return why if why.startswith(f"{name} ") else f"{name} {why}"
        return None

    def value(self, node: cst.CSTNode, shapes: Shapes, depth: int) -> str | None:
        """Why the value of ``node`` (of these shapes) could be changed or leak, or None."""
        if not exposes(shapes):
            return None
        parent = self.parent(node)
        if isinstance(parent, cst.Subscript) and parent.value is node:
            if stored(parent, self.parent):
                return "is changed through a subscript"
            index = parent.slice[0].slice if len(parent.slice) == 1 else None
            key = index.value if isinstance(index, cst.Index) else None
            if isinstance(index, cst.Slice):
                return self.value(parent, frozenset({Seq(items_of(shapes), False)}), depth)
            return self.value(parent, subscript(shapes, key), depth)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            return self._method(parent, shapes, depth)
        if isinstance(parent, cst.Comparison | cst.ComparisonTarget):
            return self._compared(node, parent, shapes)
        if isinstance(parent, cst.If | cst.While | cst.IfExp) and parent.test is node:
            return None
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return None
        if isinstance(parent, cst.FormattedStringExpression):
            return None
        if isinstance(parent, cst.Lambda) and parent.body is node:
            return None  # a key lambda (see _key): its value is only compared
        if isinstance(parent, cst.Arg) and parent.value is node and not parent.star:
            return self._argument(parent, shapes, depth)
        if isinstance(parent, cst.For) and parent.iter is node:
            return self._target(parent, parent.target, items_of(shapes), depth)
        if isinstance(parent, cst.CompFor) and parent.iter is node:
            comprehension = self.parent(parent)
            assert comprehension is not None
            return self._target(comprehension, parent.target, items_of(shapes), depth)
        if isinstance(parent, cst.GeneratorExp | cst.ListComp) and parent.elt is node:
            return self.value(parent, frozenset({Seq(shapes, False)}), depth)
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name):
                return self.name(scope_of(parent, self.parent), target.value, target, shapes, depth)
        shown = code(parent).splitlines()[0] if parent is not None else ""
        return f"flows into `{shown}`, which could keep or change a value the data shares"

    def _method(self, attribute: cst.Attribute, shapes: Shapes, depth: int) -> str | None:
        call = self.parent(attribute)
        method = attribute.attr.value
        if not isinstance(call, cst.Call) or call.func is not attribute:
            return f"has .{method} used other than by calling it"
        if any(a.star or a.keyword is not None for a in call.args):
            return f"is read by .{method}() with unusual arguments"
        if method == "keys":
            return None
        if method in ("count", "index"):
            return compares_items(shapes, call.args[:1])
        if method == "get" and call.args:
            return self.value(call, subscript(shapes, call.args[0].value), depth)
        if method == "values":
            return self.value(call, frozenset({Seq(values_of(shapes), False)}), depth)
        if method == "items":
            pairs = frozenset({Tup((SCALAR, values_of(shapes)))})
            return self.value(call, frozenset({Seq(pairs, False)}), depth)
        return f"has .{method}() called, which could change a value the data shares"

    def _argument(self, arg: cst.Arg, shapes: Shapes, depth: int) -> str | None:
        call = self.parent(arg)
        assert isinstance(call, cst.Call)
        func = call.func.value if isinstance(call.func, cst.Name) else ""
        first = bool(call.args) and call.args[0] is arg and arg.keyword is None
        if func and self.shadowed(func):
            func = f"<module {func}>"
        if func == "isinstance" and first and len(call.args) == 2:
            if not self._builtin_types(call.args[1].value):
                return "is given to isinstance() with a class that is not a builtin type"
            return None
        if func in CONSUMERS:
            return None
        if func == "sum" and first and not exposes(items_of(shapes)):
            return None
        if func in ("min", "max") and first and len(call.args) == 1 + _keys(call):
            return self._key(call, items_of(shapes), depth) or self.value(
                call, items_of(shapes), depth
            )
        if func in CONTAINERS and first and len(call.args) == 1 + _keys(call):
            made = frozenset({Seq(items_of(shapes), False)})
            return self._key(call, items_of(shapes), depth) or self.value(call, made, depth)
        callee = self.functions.get(func.removeprefix("<module ").removesuffix(">"))
        if callee is not None and arg.keyword is None and depth < 3:
            position = list(call.args).index(arg)
            params = callee.params.params
            if all(a.keyword is None and not a.star for a in call.args) and position < len(params):
                param = params[position].name
                return self.name(callee, param.value, param, shapes, depth + 1)
        return f"is passed to {code(call.func)}()"

    def _compared(
        self, node: cst.CSTNode, parent: cst.Comparison | cst.ComparisonTarget, shapes: Shapes
    ) -> str | None:
        """A comparison runs the other operand's ``__eq__``/``__lt__``/``__contains__`` on
        the value (``in`` with the value on the right: on its items)."""
        if isinstance(parent, cst.ComparisonTarget):
            comparison = self.parent(parent)
            assert isinstance(comparison, cst.Comparison)
            at = list(comparison.comparisons).index(parent)
            before = comparison.left if at == 0 else comparison.comparisons[at - 1].comparator
            pairs = [(parent.operator, before, False)]
            if at + 1 < len(comparison.comparisons):
                after = comparison.comparisons[at + 1]
                pairs.append((after.operator, after.comparator, True))
        else:
            first = parent.comparisons[0]
            pairs = [(first.operator, first.comparator, True)]
        for operator, other, left in pairs:
            if isinstance(operator, cst.Is | cst.IsNot):
                return "is compared by identity (the deep copy's objects were new ones)"
            if isinstance(operator, cst.In | cst.NotIn) and not left:
                why = compares_items(shapes, [cst.Arg(other)])
            elif shape_of(other) is None:
                why = UNKNOWN
            else:
                why = None
            if why is not None:
                return why
        return None

    def _builtin_types(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` a builtin type, or a tuple of them (whose checks run no other code)?"""
        if isinstance(node, cst.Tuple):
            return all(self._builtin_types(e.value) for e in node.elements)
        return isinstance(node, cst.Name) and node.value in TYPES and not self.shadowed(node.value)

    def _key(self, call: cst.Call, items: Shapes, depth: int) -> str | None:
        """For ``sorted``/``min``/``max``: a ``key=`` lambda's parameter holds the items."""
        for arg in call.args:
            if arg.keyword is None or arg.keyword.value == "reverse":
                continue
            if arg.keyword.value != "key":
                return f"passes {arg.keyword.value}= to {code(call.func)}()"
            key = arg.value
            if not isinstance(key, cst.Lambda) or len(key.params.params) != 1:
                return f"has a key= that is not a one-parameter lambda in {code(call.func)}()"
            param = key.params.params[0].name
            return self.name(key, param.value, param, items, depth)
        return None

    def _target(
        self, scope: cst.CSTNode, target: cst.BaseExpression, items: Shapes, depth: int
    ) -> str | None:
        """A ``for`` (or comprehension) target gets the items; tuples are unpacked."""
        if isinstance(scope, cst.For):
            scope = scope_of(scope, self.parent)
        if isinstance(target, cst.Name):
            return self.name(scope, target.value, target, items, depth)
        if isinstance(target, cst.Tuple) and all(
            isinstance(e.value, cst.Name) and not isinstance(e, cst.StarredElement)
            for e in target.elements
        ):
            count = len(target.elements)
            for n, element in enumerate(target.elements):
                part: set[Shape] = set()
                for shape in items:
                    if isinstance(shape, Tup) and len(shape.parts) == count:
                        part |= shape.parts[n]
                    elif not isinstance(shape, Scalar):
                        part |= items_of({shape})
                assert isinstance(element.value, cst.Name)
                why = self.name(scope, element.value.value, element.value, frozenset(part), depth)
                if why is not None:
                    return why
            return None
        return f"is unpacked into `{code(target)}`"


UNKNOWN = (
    "is compared with a value of unknown type (its __eq__, __lt__ or __contains__ is given "
    "the value)"
)
TYPES = frozenset({"dict", "list", "tuple", "set", "frozenset", "str", "bytes", "int", "float"})
TYPES |= {"bool", "complex", "type", "object", "bytearray"}


def compares_items(shapes: Shapes, args: Iterable[cst.Arg]) -> str | None:
    """Why comparing the items of a value of these shapes with ``args`` (``x in value``,
    ``value.count(x)``, ``value.remove(x)``) could hand a shared item to unknown code."""
    if not exposes(items_of(shapes)):
        return None
    if all(shape_of(a.value) is not None for a in args):
        return None
    return UNKNOWN


def _keys(call: cst.Call) -> int:
    return sum(a.keyword is not None for a in call.args)
