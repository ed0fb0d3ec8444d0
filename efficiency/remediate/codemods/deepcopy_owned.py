"""Objects a function makes and fills from its copy (``deepcopy-read-only``).

A function that reads its copy often builds its result in a plain dataclass it makes itself
and fills field by field::

    package = WorkPackage(ac.tail)               # tasks: list = field(default_factory=list)
    for task in programme["tasks"]:
        package.tasks.append((task["code"], left))
        package.zones.update(task["zones"])
        package.labour_h += task["labour_h"]
    package.tasks.sort(key=lambda item: item[1])

``package`` is a local name bound once, in the function, to a call of a plain dataclass of the
module (``deepcopy_types``: its generated ``__init__`` only stores what it is given). A field
the call gives no argument and whose default is ``field(default_factory=list)`` (``set``,
``dict``: ``builtin_factory``, the builtins not rebound) then holds a new empty container only
this call made, so ``append``/``extend``/``sort`` on such a list, ``add``/``update`` on such a
set, change nothing that existed before, as an ``append`` to a list display the function made
does; and a store to a field of the object annotated as an immutable scalar
(``package.labour_h += hours``) changes only the object. Container fields are never stored to
(the store stays refused), so they stay the ones the call made; and the object is used only
through those fields and returned (``_private``): handed to a hook, even before the copy, it
could get someone else's list in a field, which ``append`` would then change. Each field up to
the container one must be annotated with a builtin type or a class of the module, so that the
positional arguments counted are the fields' (a ``ClassVar`` is no parameter of ``__init__``).
A value read from the copy
that goes into such a container or field goes with the object wherever it goes, so it is
deep-copied where it goes in, as a value that leaves (``deepcopy_flow``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from efficiency.remediate.codemods.deepcopy_derived import builtin_factory
from efficiency.remediate.codemods.pysource import code, walk

if TYPE_CHECKING:
    from efficiency.remediate.codemods.deepcopy_types import Types

#: the methods that only add to (or reorder) a new container of each factory
GROWERS = {"list": frozenset({"append", "extend", "sort"}), "set": frozenset({"add", "update"})}


def owned_object(node: cst.BaseExpression, types: Types) -> cst.Call | None:
    """The call of a plain dataclass of the module that the local name ``node`` is bound to,
    once, in this function, or None."""
    if not isinstance(node, cst.Name):
        return None
    binds = [b for b in types.bound.get(node.value, []) if not _stored_into(b, node.value)]
    if len(binds) != 1 or not isinstance(binds[0], cst.Assign) or len(binds[0].targets) != 1:
        return None
    call = binds[0].value
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
        return None
    if not types.harmless_call(call) or not _private(node.value, call, types):
        return None
    return call


def _private(name: str, call: cst.Call, types: Types) -> bool:
    """Is the object ``name`` holds used in the function only through its fields (a number
    field read or stored, a container field grown or tested) and returned, never handed to
    other code, aliased or stored (which could put someone else's list in a field: a hook
    given it before the copy, ``hook(package)``, would make ``package.tasks.append`` change
    that list)?"""
    fields = types.fields(call.func)
    if not isinstance(fields, dict):
        return False
    parents: dict[int, cst.CSTNode] = {}
    stack: list[cst.CSTNode] = [types.function.body]
    while stack:
        node = stack.pop()
        for child in node.children:
            parents[id(child)] = node
            stack.append(child)
    for use in walk(types.function.body):
        if not isinstance(use, cst.Name) or use.value != name:
            continue
        above = parents.get(id(use))
        if (
            (isinstance(above, cst.AssignTarget) and above.target is use)
            or (isinstance(above, cst.Return) and above.value is use)
            or (isinstance(above, cst.Attribute) and above.attr is use)
            or (isinstance(above, cst.Arg) and above.keyword is use)
        ):
            continue  # its binding, ``return name``, or no use of it (``x.name``, ``f(name=)``)
        if not isinstance(above, cst.Attribute) or above.attr.value not in fields:
            return False
        if types.scalar(fields[above.attr.value]):
            continue
        outer = parents.get(id(above))
        grown = parents.get(id(outer)) if isinstance(outer, cst.Attribute) else None
        if not (
            (isinstance(grown, cst.Call) and grown.func is outer and outer.value is above)
            or (isinstance(outer, cst.UnaryOperation) and isinstance(outer.operator, cst.Not))
            or (isinstance(outer, cst.If | cst.While) and outer.test is above)
        ):
            return False  # (which methods may grow it is ``grows``'s to judge)
    return True


def _stored_into(bind: cst.CSTNode, name: str) -> bool:
    """Is ``bind`` (which ``bound_names`` counts as binding ``name``) only a store into an
    attribute or item of ``name`` (``name.f = v``, ``name.f += v``), not a binding of it?"""
    if isinstance(bind, cst.Assign):
        targets = [t.target for t in bind.targets]
    elif isinstance(bind, cst.AugAssign | cst.AnnAssign):
        targets = [bind.target]
    else:
        return False
    return all(
        isinstance(t, cst.Attribute | cst.Subscript) and code(t) != name for t in targets
    ) and not any(isinstance(t, cst.Name) and t.value == name for t in targets)


def owned_container(node: cst.BaseExpression, types: Types) -> str | None:
    """For ``p.f``: the builtin (``list``, ``set``...) whose new empty container the field
    ``f`` of an object ``p`` the function made holds (above), or None."""
    if not isinstance(node, cst.Attribute):
        return None
    call = owned_object(node.value, types)
    if (
        call is None
        or any(a.star for a in call.args)
        or not isinstance(types.fields(call.func), dict)
    ):
        return None
    assert isinstance(call.func, cst.Name)
    cls = next(
        (
            s
            for s in types.module.body
            if isinstance(s, cst.ClassDef) and s.name.value == call.func.value
        ),
        None,
    )
    if cls is None:
        return None
    fields = [
        small
        for line in cls.body.body
        if isinstance(line, cst.SimpleStatementLine)
        for small in line.body
        if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name)
    ]
    index = next((i for i, f in enumerate(fields) if code_of(f) == node.attr.value), None)
    if index is None:
        return None
    if not all(_plain(f.annotation.annotation, types) for f in fields[: index + 1]):
        return None  # a ``ClassVar`` before it is no parameter: the count below would be off
    default = fields[index].value
    positional = sum(a.keyword is None for a in call.args)
    given = positional > index or any(
        a.keyword is not None and a.keyword.value == node.attr.value for a in call.args
    )
    if given or default is None or not builtin_factory(default):
        return None
    # the class is plain, so ``field`` is the one of ``dataclasses`` and the module binds no
    # builtin a factory names (``deepcopy_types``); the factory runs at module level
    assert isinstance(default, cst.Call)
    factory = default.args[0].value
    assert isinstance(factory, cst.Name)
    return factory.value


#: the builtin types a field annotated with may be taken to be a parameter of ``__init__``
_TYPES = frozenset({"int", "float", "str", "bool", "bytes", "complex", "list", "dict", "set"})
_TYPES |= frozenset({"tuple", "frozenset", "None"})


def _plain(annotation: cst.BaseExpression, types: Types) -> bool:
    """Is ``annotation`` a builtin type not rebound or a class of the module (``list[str]``,
    ``Plane | None``...), never ``ClassVar``/``InitVar``/``KW_ONLY`` under whatever name?"""
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return _plain(annotation.left, types) and _plain(annotation.right, types)
    if isinstance(annotation, cst.Subscript):
        annotation = annotation.value
    if not isinstance(annotation, cst.Name):
        return False
    name = annotation.value
    builtin = name in _TYPES and not types.shadowed(name)
    return builtin or isinstance(types.classes.get(name), dict)


def code_of(field: cst.AnnAssign) -> str:
    assert isinstance(field.target, cst.Name)
    return field.target.value


def grows(call: cst.Call, types: Types) -> bool:
    """Is ``call`` ``p.f.append(x)`` (or another of ``GROWERS``) on a new container of an
    object the function made?"""
    func = call.func
    if not isinstance(func, cst.Attribute):
        return False
    factory = owned_container(func.value, types)
    return factory is not None and func.attr.value in GROWERS.get(factory, ())


def owned_field(target: cst.BaseExpression, types: Types) -> bool:
    """Is ``target`` ``p.f``, a field annotated as an immutable scalar of an object the
    function made (a store to it changes only that object)?"""
    if not isinstance(target, cst.Attribute):
        return False
    call = owned_object(target.value, types)
    if call is None:
        return False
    fields = types.fields(call.func)
    return isinstance(fields, dict) and types.scalar(fields.get(target.attr.value))


def owned_store(node: cst.CSTNode, types: Types) -> bool:
    """Is ``node`` an assignment (plain or augmented) to such a field?"""
    if isinstance(node, cst.AssignTarget | cst.AugAssign):
        return owned_field(node.target, types)
    return False


def stored_in_field(parent: cst.CSTNode | None, node: cst.CSTNode, types: Types) -> bool:
    """Is ``node`` the value stored by ``p.f = node`` or ``p.f op= node`` into such a field?"""
    if isinstance(parent, cst.AugAssign) and parent.value is node:
        return owned_field(parent.target, types)
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
        return owned_field(parent.targets[0].target, types)
    return False
