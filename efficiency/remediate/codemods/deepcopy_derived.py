"""A name rebound to a new object derived from the copy, for ``deepcopy-read-only``.

``panel = deepcopy(PANELS[code])`` followed, in a branch, by ``panel = replace(panel,
turnaround_h=2)`` rebinds the name to a new dataclass instance whose other fields are the
copy's own objects. Nothing is mutated: the new object only shares parts of the copy, so the
name is still an alias of (parts of) the data and its uses are followed as reads of it, as
before. Only ``dataclasses.replace`` (imported from ``dataclasses``, the name bound once in the
module and not in the function) on a value the annotations say is a plain dataclass of this
module (``deepcopy_types``: no dunder, so no ``__post_init__`` that could mutate a field) is
taken, with keyword arguments only, each naming a field. The generated ``__init__`` of a plain
dataclass runs no user code, so the call changes nothing that existed before it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from efficiency.remediate.codemods.deepcopy_names import rebinds
from efficiency.remediate.codemods.deepcopy_shapes import shape_of
from efficiency.remediate.codemods.pysource import code, walk

if TYPE_CHECKING:
    from efficiency.remediate.codemods.deepcopy_types import Types


#: the nodes that bind the names in their ``target``
_TARGETED = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr)


def _bindings(module: cst.Module) -> dict[str, int] | None:
    """How often each name is bound anywhere in ``module`` (None with a star import)."""
    bound: dict[str, int] = {}
    for node in walk(module):
        names: list[str] = []
        if isinstance(node, cst.ImportFrom | cst.Import):
            if isinstance(node.names, cst.ImportStar):
                return None  # anything may be bound under any name
            names += [code(a.asname.name if a.asname else a.name) for a in node.names]
        elif isinstance(node, cst.ClassDef | cst.FunctionDef | cst.Param):
            names.append(node.name.value)
        elif isinstance(node, _TARGETED):
            names += [n.value for n in walk(node.target) if isinstance(n, cst.Name)]
        elif isinstance(node, cst.AsName):
            names += [n.value for n in walk(node.name) if isinstance(n, cst.Name)]
        elif isinstance(node, cst.MatchAs | cst.MatchStar | cst.MatchMapping):
            captured = node.rest if isinstance(node, cst.MatchMapping) else node.name
            names += [captured.value] if captured is not None else []  # ``case x:`` binds x
        for name in names:
            bound[name] = bound.get(name, 0) + 1
    return bound


def replace_spellings(module: cst.Module) -> frozenset[str]:
    """How ``module`` spells ``dataclasses.replace``: ``replace`` where it is imported from
    ``dataclasses`` under its own name and bound nowhere else in the module, and
    ``dataclasses.replace`` where ``dataclasses`` is imported and bound nowhere else."""
    bound = _bindings(module)
    found: set[str] = set()
    for node in walk(module):
        if (
            isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and node.relative == ()
            and node.module is not None
            and code(node.module) == "dataclasses"
            and any(a.asname is None and code(a.name) == "replace" for a in node.names)
        ):
            found.add("replace")
        elif isinstance(node, cst.Import) and any(
            a.asname is None and code(a.name) == "dataclasses" for a in node.names
        ):
            found.add("dataclasses.replace")
    if bound is None:
        return frozenset()
    return frozenset(s for s in found if bound.get(s.split(".")[0]) == 1)


def global_annotations(module: cst.Module) -> dict[str, cst.BaseExpression]:
    """The annotation of each module global bound once in the whole module, by an annotated
    assignment at the top level (``PANELS: dict[str, Panel] = {...}``), or the number type of
    one bound so to a number literal (``PENALTY = 0.004``; not where the module may rebind
    names behind their bindings' backs)."""
    bound = _bindings(module) or {}
    found: dict[str, cst.BaseExpression] = {}
    fixed = not rebinds(module)
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and fixed:
                number, target = _number_literal(small.value), small.targets[0].target
                if number and isinstance(target, cst.Name) and bound.get(target.value) == 1:
                    found[target.value] = cst.Name(number)
            if (
                isinstance(small, cst.AnnAssign)
                and isinstance(small.target, cst.Name)
                and small.value is not None
                and bound.get(small.target.value) == 1
            ):
                found[small.target.value] = small.annotation.annotation
    return found


def _number_literal(value: cst.BaseExpression) -> str | None:
    """The type, "int" or "float", for an int or float literal, negated or not, else None."""
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        value = value.expression
    return {cst.Integer: "int", cst.Float: "float"}.get(type(value))


def derived_call(call: cst.CSTNode | None, types: Types) -> bool:
    """Is ``call`` ``replace(value, field=..., ...)`` (``dataclasses.replace``) of a value the
    annotations say is a plain dataclass of this module, every other argument a keyword
    naming one of its fields? It builds a new instance and changes nothing."""
    if not isinstance(call, cst.Call) or not call.args:
        return False
    spelling = code(call.func)
    if spelling not in types.replacers or spelling.split(".")[0] in types.bound:
        return False
    first, *rest = call.args
    if first.keyword is not None or first.star:
        return False
    fields = types.fields(types.type_of(first.value))
    return isinstance(fields, dict) and all(
        a.keyword is not None and not a.star and a.keyword.value in fields for a in rest
    )


def derived_from(call: cst.CSTNode | None, names: set[str], types: Types) -> bool:
    """Is ``call`` a ``derived_call`` of one of ``names`` (the copy, or names already followed
    as reads of it) whose keyword values are each made only of literals, scalars and reads of
    those names (``turnaround_h=min(panel.turnaround_h, 2)``)? A value from elsewhere would be
    someone else's object inside the new one, deep-copied in error where a read of it leaves."""
    return (
        derived_call(call, types)
        and isinstance(call, cst.Call)
        and isinstance(call.args[0].value, cst.Name)
        and call.args[0].value.value in names
        and all(_own_value(a.value, names, types) for a in call.args[1:])
    )


#: builtins whose result is one of their arguments or a new number
_PICKS = frozenset({"min", "max", "abs", "round"})


def _own_value(node: cst.BaseExpression, names: set[str], types: Types) -> bool:
    if types.scalar(types.type_of(node)):
        return True
    if isinstance(node, cst.Name):
        return node.value in names
    if isinstance(node, cst.Subscript | cst.Attribute):
        return _own_value(node.value, names, types)
    if isinstance(node, cst.UnaryOperation) and not isinstance(node.operator, cst.Not):
        return _own_value(node.expression, names, types)
    if isinstance(node, cst.BinaryOperation):
        return _own_value(node.left, names, types) and _own_value(node.right, names, types)
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and node.func.value in _PICKS
        and not types.shadowed(node.func.value)
        and all(a.keyword is None and not a.star for a in node.args)
        and all(_own_value(a.value, names, types) for a in node.args)
    )


def derived_rebinds(name: str, copy: cst.Assign, scoped: int, types: Types) -> str | None:
    """Why ``name``, bound ``scoped`` times, to the copy at ``copy`` and elsewhere, may not
    be followed as a read: some other binding is not ``name = replace(name, ...)`` as
    ``derived_from`` takes it, or ``name`` is augmented."""
    if any(isinstance(n, cst.AugAssign) for n in types.bound.get(name, [])):
        return f"{name} is bound more than once (augmented)"
    binds = types.bound.get(name, [])
    if len(binds) != scoped:  # (an import or a binding the function's walk does not see)
        return f"{name} is bound more than once"
    for bind in binds:
        if bind is copy:
            continue
        if not (
            isinstance(bind, cst.Assign)
            and len(bind.targets) == 1
            and isinstance(bind.targets[0].target, cst.Name)
            and derived_from(bind.value, {name}, types)
        ):
            why = _not_plain(bind, types)
            if why is not None:
                return f"{name} is rebound by replace(), and {why}"
            return (
                f"{name} is bound more than once, not only to replace({name}, ...) of a plain "
                "dataclass with values read from it or scalars"
            )
    return None


def _not_plain(bind: cst.CSTNode, types: Types) -> str | None:
    """For ``name = replace(value, ...)``: why the class of ``value`` is not a plain dataclass
    of this module (a ``__post_init__`` could change the fields it is given), or None."""
    call = bind.value if isinstance(bind, cst.Assign) else None
    if not isinstance(call, cst.Call) or not call.args or code(call.func) not in types.replacers:
        return None
    fields = types.fields(types.type_of(call.args[0].value))
    return fields if isinstance(fields, str) else None


#: the builtins a field's ``default_factory`` may name: a new empty container, no user code
_FACTORIES = frozenset({"list", "dict", "set", "tuple", "frozenset"})


def field_from_dataclasses(module: cst.Module) -> bool:
    """Does ``module`` import ``field`` from ``dataclasses`` under its own name, and bind no
    builtin container's name that a default factory could name?"""
    bound = _bindings(module)
    return (
        bound is not None
        and not _FACTORIES & bound.keys()
        and any(
            isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and node.relative == ()
            and node.module is not None
            and code(node.module) == "dataclasses"
            and any(a.asname is None and code(a.name) == "field" for a in node.names)
            for node in walk(module)
        )
    )


def builtin_factory(value: cst.BaseExpression) -> bool:
    """Is ``value`` ``field(default_factory=list)`` (or dict, set...), and nothing else? The
    generated ``__init__`` then makes a new empty container and runs no user code."""
    return (
        isinstance(value, cst.Call)
        and code(value.func) == "field"
        and len(value.args) == 1
        and value.args[0].keyword is not None
        and value.args[0].keyword.value == "default_factory"
        and code(value.args[0].value) in _FACTORIES
    )


def copied_element(value: cst.BaseExpression) -> cst.Call | None:
    """For ``[f(x) for x in src]`` or ``[f(x) for x in src if test]`` (one plain ``for``, the
    target one name, ``f`` given only that name): the call ``f(x)``, else None. With ``f``
    ``copy.deepcopy`` the list is a new list of copies of the items of ``src``; where each is
    only read, ``[x for x in src if test]`` is a new list of the items themselves."""
    if not isinstance(value, cst.ListComp) or not isinstance(value.elt, cst.Call):
        return None
    loop, call = value.for_in, value.elt
    if loop.inner_for_in is not None or loop.asynchronous is not None:
        return None
    if not isinstance(loop.target, cst.Name) or len(call.args) != 1:
        return None
    arg = call.args[0]
    if arg.keyword is not None or arg.star or not isinstance(arg.value, cst.Name):
        return None
    return call if arg.value.value == loop.target.value else None


def listed_type(value: cst.BaseExpression, types: Types) -> cst.BaseExpression | None:
    """For ``[copy.deepcopy(x) for x in src ...]``: ``list[T]`` where iterating ``src`` gives
    values the annotations say are ``T``, else None."""
    if not isinstance(value, cst.ListComp):
        return None
    item = types.element_types(value.for_in.iter, 1)[0]
    if item is None:
        return None
    return cst.Subscript(cst.Name("list"), [cst.SubscriptElement(cst.Index(item))])


def listed_by_value(
    value: cst.BaseExpression, types: Types | None, module: cst.Module | None
) -> bool:
    """For ``[copy.deepcopy(x) for x in src ...]``: do its items compare by value all the way
    down (``by_value``), or share no object (``unshared_literal``)? Items that shared an object
    had separate copies of it, unequal where it compares by identity; the items themselves
    share it, equal."""
    if types is None or module is None:
        return False
    return by_value(listed_type(value, types), types, module) or unshared_literal(value, module)


#: what a comprehension's filter may not hold to be known to change nothing (it may read,
#: compare and combine tests; anything that runs code of its own is refused)
_ACTING = (
    cst.Call, cst.NamedExpr, cst.Lambda, cst.Await, cst.Yield, cst.ListComp, cst.SetComp,
    cst.DictComp, cst.GeneratorExp, cst.FormattedString, cst.BinaryOperation,
)  # fmt: skip


def unshared_literal(value: cst.BaseExpression, module: cst.Module) -> bool:
    """For ``[copy.deepcopy(x) for x in SRC if <test>]``: is ``SRC`` (a name, or an attribute
    ``self.SRC``/``Cls.SRC``) a display of plain literal data bound once at module or class
    level, named nowhere else in the module, with a test made only of reads and comparisons?
    A display makes a new object of each of its parts, and nothing in the module can reach the
    items to make them share one, so the items share no mutable object (code in other modules
    changing the table in place is assumed not to happen, as for every module constant)."""
    if not isinstance(value, cst.ListComp) or value.for_in.inner_for_in is not None:
        return False
    source = value.for_in.iter
    name = (
        source.attr.value
        if isinstance(source, cst.Attribute) and isinstance(source.value, cst.Name)
        else source.value
        if isinstance(source, cst.Name)
        else None
    )
    if name is None or rebinds(module) or (_bindings(module) or {}).get(name) != 1:
        return False
    if any(isinstance(n, _ACTING) for t in value.for_in.ifs for n in walk(t.test)):
        return False
    mentions = [n for n in walk(module) if isinstance(n, cst.Name) and n.value == name]
    if len(mentions) != 2:  # the binding's target and the source
        return False
    blocks = [module.body, *(c.body.body for c in module.body if isinstance(c, cst.ClassDef))]
    for line in (line for block in blocks for line in block):
        for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, bound = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign):
                target, bound = small.target, small.value
            else:
                continue
            if isinstance(target, cst.Name) and target.value == name:
                return isinstance(bound, cst.List | cst.Tuple) and shape_of(bound) is not None
    return False


#: containers whose equality compares their items (their values, by the items' own ``==``)
_CONTAINERS = frozenset(
    {"list", "List", "Sequence", "MutableSequence", "tuple", "Tuple", "dict", "Dict"}
    | {"Mapping", "MutableMapping", "set", "Set", "frozenset", "FrozenSet", "Optional"}
)


def by_value(
    kind: cst.BaseExpression | None,
    types: Types,
    module: cst.Module,
    seen: frozenset[str] = frozenset(),
) -> bool:
    """Do values of ``kind`` compare by value all the way down: immutable scalars, builtin
    containers of such values, plain dataclasses of this module (``==`` compares the fields;
    not ``eq=False``) of such values? Separate deep copies of items that shared an object
    hold separate copies of it; only where nothing compares by identity can that not show."""
    if kind is None:
        return False
    if types.scalar(kind) or isinstance(kind, cst.Ellipsis):
        return True
    if isinstance(kind, cst.BinaryOperation) and isinstance(kind.operator, cst.BitOr):
        return by_value(kind.left, types, module, seen) and by_value(
            kind.right, types, module, seen
        )
    if isinstance(kind, cst.Subscript):
        value = kind.value.attr if isinstance(kind.value, cst.Attribute) else kind.value
        args = [e.slice.value for e in kind.slice if isinstance(e.slice, cst.Index)]
        return (
            isinstance(value, cst.Name)
            and value.value in _CONTAINERS
            and len(args) == len(kind.slice)
            and all(by_value(a, types, module, seen) for a in args)
        )
    fields = types.fields(kind)
    if not isinstance(fields, dict) or not isinstance(kind, cst.Name) or kind.value in seen:
        return False
    return _compares_fields(module, kind.value) and all(
        by_value(f, types, module, seen | {kind.value}) for f in fields.values()
    )


def _compares_fields(module: cst.Module, name: str) -> bool:
    """Is the class ``name`` a ``@dataclass`` whose decorator does not turn ``eq`` off?"""
    for statement in module.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == name:
            return all(
                not isinstance(d.decorator, cst.Call)
                or all(
                    a.keyword is None or a.keyword.value != "eq" or code(a.value) == "True"
                    for a in d.decorator.args
                )
                for d in statement.decorators
            )
    return False
