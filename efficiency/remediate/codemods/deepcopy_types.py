"""Types for ``deepcopy-read-only``: which values are plain dataclasses, scalars or fresh lists.

The proof that a copy is only read follows attribute reads only on values whose class is known
to be plain data: a class defined once at module level, decorated ``@dataclass`` (frozen or
not), with no base class or metaclass, whose body holds only annotated fields (no default, or a
literal one), a docstring, ``pass`` and undecorated methods that are not dunders (so no
property or other descriptor, no ``__getattr__``/``__getattribute__``, no ``__post_init__``).
Reading one of its fields by name then runs no user code, and calling it runs only the
generated ``__init__``, which stores its arguments. Types come from annotations: the
function's parameters (``cards: dict[str, RateCard]``) and the fields of those classes
(``limits: dict[str, int]``), through subscripts, ``.get``, iteration and field reads. What
stays assumed is that these annotations are true, as a type checker would hold them. A value
whose type is an immutable scalar (``int``, ``float``, ``str``, ``bool``, ``bytes``, ``None``)
cannot alias the data whatever is done with it.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from efficiency.remediate.codemods.deepcopy_decimal import decimal_imported
from efficiency.remediate.codemods.deepcopy_derived import (
    builtin_factory,
    field_from_dataclasses,
    global_annotations,
    replace_spellings,
)
from efficiency.remediate.codemods.deepcopy_owned import grows
from efficiency.remediate.codemods.pysource import code, walk

#: builtins whose result cannot alias their argument and which mutate nothing
SCALAR_BUILTINS = frozenset({"len", "str", "repr", "int", "float", "bool", "hash", "isinstance"})
#: methods that only read a dict or list
READ_METHODS = frozenset({"get", "keys", "values", "items", "count", "index"})
#: methods of ``str`` that build a new string or number and change nothing (called on a
#: string literal: ``", ".join(parts)``; the argument is iterated as builtins iterate)
STR_METHODS = frozenset({"join", "split", "rsplit", "strip", "lstrip", "rstrip", "replace"})
STR_METHODS |= frozenset({"startswith", "endswith", "upper", "lower", "title", "zfill"})
#: builtins whose result is always of that exact immutable type
SCALAR_CALLS = {"int": "int", "float": "float", "bool": "bool", "len": "int", "hash": "int"}
SCALAR_CALLS |= {"isinstance": "bool"}
SCALARS = frozenset({"int", "float", "str", "bool", "bytes", "complex", "None", "Decimal"})
MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping"})
SEQUENCES = frozenset({"list", "List", "Sequence", "MutableSequence", "tuple", "Tuple"})
ITERABLES = SEQUENCES | frozenset({"set", "Set", "frozenset", "FrozenSet", "Iterable"})
#: the class of a literal
LITERALS: dict[type[cst.CSTNode], str] = {
    cst.Integer: "int",
    cst.Float: "float",
    cst.Imaginary: "complex",
    cst.SimpleString: "str",
    cst.ConcatenatedString: "str",
    cst.FormattedString: "str",
}


def _name(node: cst.CSTNode | None) -> str | None:
    return node.value if isinstance(node, cst.Name) else None


def _is_dataclass_decorator(decorator: cst.Decorator) -> bool:
    target = decorator.decorator
    if isinstance(target, cst.Call):
        target = target.func
    if isinstance(target, cst.Attribute):
        return _name(target.value) == "dataclasses" and target.attr.value == "dataclass"
    return _name(target) == "dataclass"


def _literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    return type(node) in LITERALS or _name(node) in {"True", "False", "None"}


def _class_fields(
    node: cst.ClassDef, property_bound: bool = False, field_imported: bool = False
) -> dict[str, cst.BaseExpression] | str:
    """A plain dataclass's fields and their annotations, or why the class is not plain. A
    read-only ``@property`` whose name is no field is allowed (``property_bound``: the module
    binds the name ``property`` itself): the generated ``__init__`` never touches it, and the
    reads followed are of fields only."""
    shown = node.name.value
    properties: set[str] = set()
    if not any(_is_dataclass_decorator(d) for d in node.decorators) or len(node.decorators) != 1:
        return f"{shown} is not a class decorated only with @dataclass"
    if node.bases or node.keywords:
        return f"{shown} has a base class or metaclass"
    fields: dict[str, cst.BaseExpression] = {}
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            method = statement.name.value
            decorators = [d.decorator for d in statement.decorators]
            if decorators == [] or (
                not property_bound and len(decorators) == 1 and _name(decorators[0]) == "property"
            ):
                properties |= {method} if decorators else set()
                decorators = []
            if decorators or method.startswith("__"):
                return f"{shown} defines {method} with a decorator or as a dunder (code on access)"
            continue
        if not isinstance(statement, cst.SimpleStatementLine):
            return f"{shown} has a class body other than fields and methods"
        for small in statement.body:
            if isinstance(small, cst.Pass) or (
                isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString)
            ):
                continue
            if (
                isinstance(small, cst.AnnAssign)
                and isinstance(small.target, cst.Name)
                and (
                    small.value is None
                    or _literal(small.value)
                    or (field_imported and builtin_factory(small.value))
                )
            ):
                fields[small.target.value] = small.annotation.annotation
                continue
            return f"{shown} has a class attribute that is not a field with a literal default"
    if properties & fields.keys():
        return f"{shown} has a property named as one of its fields"
    return fields


def plain_classes(module: cst.Module) -> dict[str, dict[str, cst.BaseExpression] | str]:
    """Every module-level class defined once: its fields if it is a plain dataclass, else why
    it is not (``dataclass`` must be the one imported from ``dataclasses``)."""
    bound: dict[str, int] = {}
    imported = False
    for statement in module.body:
        for node in walk(statement):
            if isinstance(node, cst.ClassDef | cst.FunctionDef):
                bound[node.name.value] = bound.get(node.name.value, 0) + 1
            elif isinstance(node, cst.ImportFrom | cst.Import) and not isinstance(
                node.names, cst.ImportStar
            ):
                for alias in node.names:
                    shown = code(alias.asname.name if alias.asname else alias.name)
                    bound[shown] = bound.get(shown, 0) + 1
                    imported |= (
                        isinstance(node, cst.ImportFrom)
                        and code(node.module) == "dataclasses"
                        and shown == "dataclass"
                        and alias.asname is None
                    )
            elif isinstance(node, cst.AssignTarget | cst.AnnAssign | cst.AugAssign):
                for name in walk(node.target):
                    if isinstance(name, cst.Name):
                        bound[name.value] = bound.get(name.value, 0) + 1
    classes: dict[str, dict[str, cst.BaseExpression] | str] = {}
    for statement in module.body:
        if isinstance(statement, cst.ClassDef):
            name = statement.name.value
            field_imported = field_from_dataclasses(module) and bound.get("field") == 1
            fields = _class_fields(statement, "property" in bound, field_imported)
            if bound.get(name) != 1:
                fields = f"{name} is bound more than once"
            elif not imported or bound.get("dataclass") != 1:
                fields = f"{name} is not a class decorated only with @dataclass (from dataclasses)"
            classes[name] = fields
    return classes


def bound_names(function: cst.FunctionDef) -> dict[str, list[cst.CSTNode]]:
    """Each name bound in ``function`` (which has no nested scope): the statements binding it
    (the parameter itself for a parameter)."""
    found: dict[str, list[cst.CSTNode]] = {}
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        found.setdefault(param.name.value, []).append(param)
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            found.setdefault(star.name.value, []).append(star)
    for node in walk(function.body):
        targets: list[cst.CSTNode] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AnnAssign | cst.AugAssign | cst.For | cst.CompFor):
            targets = [node.target]
        elif isinstance(node, cst.AsName | cst.NamedExpr):
            targets = [node.name if isinstance(node, cst.AsName) else node.target]
        elif isinstance(node, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
            captured = node.rest if isinstance(node, cst.MatchMapping) else node.name
            targets = [captured] if captured is not None else []  # ``case x:`` binds x
        for target in targets:
            for name in walk(target):
                if isinstance(name, cst.Name):
                    found.setdefault(name.value, []).append(node)
    return found


class Types:
    """What the annotations say about the values of one function."""

    def __init__(self, module: cst.Module, function: cst.FunctionDef) -> None:
        self.module, self.function = module, function
        self._unpacking: set[str] = set()  # the names ``_unpacked`` is typing now
        self.classes = plain_classes(module)
        self.bound = bound_names(function)
        #: is ``Decimal`` here ``decimal.Decimal`` (an immutable number)?
        self.decimal = "Decimal" not in self.bound and decimal_imported(module)
        self.env: dict[str, cst.BaseExpression] = {}
        #: how the module spells ``dataclasses.replace`` (see deepcopy_derived)
        self.replacers = replace_spellings(module)
        #: module globals bound once, by an annotated assignment, and not in the function
        for name, kind in global_annotations(module).items():
            if name not in self.bound:
                self.env[name] = kind
        #: is a builtin's name bound in the module or function (set by the caller; until then
        #: every builtin counts as rebound)
        self.shadowed: Callable[[str], bool] = lambda name: True
        #: is a call's function a number function of ``math`` (set by the caller, as above)
        self.math: Callable[[cst.BaseExpression], bool] = lambda func: False
        #: the scalar a call of a method or function that changes nothing is annotated to
        #: return (set by the caller, see ``deepcopy_methods``; until then none)
        self.returns: Callable[[cst.Call], cst.BaseExpression | None] = lambda call: None
        params = function.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            if param.annotation is not None and len(self.bound[param.name.value]) == 1:
                self.env[param.name.value] = param.annotation.annotation

    def fields(self, kind: cst.BaseExpression | None) -> dict[str, cst.BaseExpression] | str:
        """The fields of the plain dataclass ``kind`` names, or why it is none."""
        name = _name(kind)
        found = self.classes.get(name or "") if name not in self.bound else None
        if found is None:
            return "its class is not known (not a dataclass defined in this module)"
        return found

    def scalar(self, kind: cst.BaseExpression | None) -> bool:
        if isinstance(kind, cst.BinaryOperation) and isinstance(kind.operator, cst.BitOr):
            return self.scalar(kind.left) and self.scalar(kind.right)
        if isinstance(kind, cst.Subscript) and _name(kind.value) == "Optional":
            return all(self.scalar(e.slice.value) for e in kind.slice)  # type: ignore[union-attr]
        name = _name(kind)
        return name in SCALARS and (name != "Decimal" or self.decimal)

    def type_of(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        """The annotation of ``node``'s value, where the annotations tell it."""
        if _literal(node):
            if isinstance(node, cst.UnaryOperation):
                node = node.expression
            kind = LITERALS.get(type(node)) or ("None" if _name(node) == "None" else "bool")
            return cst.Name(kind)
        if isinstance(node, cst.Name):
            return self.env.get(node.value) or self._unpacked(node.value)
        if isinstance(node, cst.Attribute):
            fields = self.fields(self.type_of(node.value))
            return fields.get(node.attr.value) if isinstance(fields, dict) else None
        if isinstance(node, cst.Subscript) and len(node.slice) == 1:
            if not isinstance(node.slice[0].slice, cst.Index):
                return None
            return self._item(self.type_of(node.value), mapping_value=True)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return self._get(node, self.type_of(node.func.value)) or self.returns(node)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            kind = SCALAR_CALLS.get(node.func.value)
            if kind and not self.shadowed(node.func.value):
                return cst.Name(kind)
            return self.returns(node)
        return None

    def _get(self, call: cst.Call, owner: cst.BaseExpression | None) -> cst.BaseExpression | None:
        assert isinstance(call.func, cst.Attribute)
        if call.func.attr.value != "get" or _generic(owner)[0] not in MAPPINGS:
            return None
        value = self._item(owner, mapping_value=True)
        if len(call.args) == 1:
            return value if self.scalar(value) else None
        given = call.args[1].value if len(call.args) == 2 else None
        default = self.type_of(given) if given is not None else None
        generic, args = _generic(value)
        if isinstance(given, cst.Tuple) and generic in ("tuple", "Tuple"):  # ``.get(k, (0, 0))``
            items = [self.type_of(e.value) for e in given.elements]
            same = len(items) == len(args) and all(map(self.scalar, [*items, *args]))
            return value if same else None
        if value is None or default is None:
            return None
        if self.scalar(value) and self.scalar(default):
            return value
        return value if code(value) == code(default) else None

    def _unpacked(self, name: str) -> cst.BaseExpression | None:
        """The type of a local bound once, by ``a, b = value``, where ``value``'s type is
        ``tuple[A, B]``: ``A`` for ``a``."""
        binds = self.bound.get(name, [])
        if len(binds) != 1 or not isinstance(binds[0], cst.Assign) or len(binds[0].targets) != 1:
            return None
        target = binds[0].targets[0].target
        names = [_name(e.value) for e in target.elements] if isinstance(target, cst.Tuple) else []
        if name not in names or name in self._unpacking:
            return None  # (``a, b = c`` and ``c, d = a``: each asked once)
        self._unpacking.add(name)
        try:
            generic, args = _generic(self.type_of(binds[0].value))
        finally:
            self._unpacking.discard(name)
        if generic not in ("tuple", "Tuple") or len(args) != len(names):
            return None
        return args[names.index(name)]

    def _item(
        self, kind: cst.BaseExpression | None, *, mapping_value: bool
    ) -> cst.BaseExpression | None:
        """The type of an item read by subscript (``mapping_value``) or by iteration."""
        generic, args = _generic(kind)
        if generic in MAPPINGS and len(args) == 2:
            return args[1] if mapping_value else args[0]
        if generic in ("tuple", "Tuple") and len(args) == 2 and _is_ellipsis(args[1]):
            return args[0]
        if generic in (SEQUENCES if mapping_value else ITERABLES) and len(args) == 1:
            return args[0]
        return None

    def element_types(
        self, node: cst.BaseExpression, count: int
    ) -> list[cst.BaseExpression | None]:
        """The types of the names a ``for`` binds from iterating ``node`` (``count`` of them:
        1 for a plain name, 2 for ``key, value`` over ``.items()``)."""
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ("items", "values")
            and not node.args
        ):
            generic, args = _generic(self.type_of(node.func.value))
            if generic in MAPPINGS and len(args) == 2:
                if node.func.attr.value == "values":
                    return [args[1]] if count == 1 else [None] * count
                return list(args) if count == 2 else [None] * count
            return [None] * count
        if count != 1:
            return [None] * count
        return [self._item(self.type_of(node), mapping_value=False)]

    def container(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` annotated as a builtin dict, list, tuple or str (whose ``get``/``count``/
        ``index`` keep nothing they are given)?"""
        return _generic(self.type_of(node))[0] in MAPPINGS | SEQUENCES | {"str"}

    def own_list(self, node: cst.BaseExpression) -> bool:
        """Is ``node`` a name bound once, in this function, to a list display?"""
        binds = self.bound.get(_name(node) or "", [])
        return (
            len(binds) == 1
            and isinstance(binds[0], cst.Assign | cst.AnnAssign)
            and isinstance(binds[0].value, cst.List)
        )

    def snapshot(self, call: cst.Call, shadowed: Callable[[str], bool]) -> bool:
        """Is ``call`` ``tuple(xs)`` or ``list(xs)`` (not shadowed) of a list this function
        made? It runs no user code and changes nothing: a new sequence of the same items."""
        func = call.func
        return (
            isinstance(func, cst.Name)
            and func.value in ("tuple", "list")
            and not shadowed(func.value)
            and len(call.args) == 1
            and call.args[0].keyword is None
            and not call.args[0].star
            and self.own_list(call.args[0].value)
        )

    def harmless_call(self, call: cst.Call) -> bool:
        """Is ``call`` the construction of a plain dataclass, an ``append`` to a list this
        function made (bound once, to a list display), or one to a new container of an object
        it made (``deepcopy_owned``)? None runs user code or changes data that existed before
        the call."""
        func = call.func
        if isinstance(func, cst.Name):
            return func.value not in self.bound and isinstance(self.fields(func), dict)
        if isinstance(func, cst.Attribute) and func.attr.value == "append":
            return self.own_list(func.value) or grows(call, self)
        return grows(call, self)


def _generic(kind: cst.BaseExpression | None) -> tuple[str | None, list[cst.BaseExpression]]:
    """``dict[str, int]`` → ("dict", [str, int]); a bare name → (name, [])."""
    if isinstance(kind, cst.Subscript):
        value = kind.value
        if isinstance(value, cst.Attribute):  # typing.Mapping, collections.abc.Mapping
            value = value.attr
        args = [e.slice.value for e in kind.slice if isinstance(e.slice, cst.Index)]
        return _name(value), args
    return _name(kind), []


def _is_ellipsis(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Ellipsis)
