"""Attribute reads of ``self``/``cls`` that run the module's own code (``deepcopy-read-only``).

Reading ``self.x`` is taken to run no code, in the copying method and in the methods of its
class it calls (``deepcopy_methods``). The module can see where that is false for its own
class: a ``@property`` (or any decorated ``def``), a class attribute bound to something other
than plain data or a method (``spoil = Spoiler()`` may be a descriptor whose ``__get__``
changes the original), and ``__getattr__``/``__getattribute__``, which answer reads. Any such
read, through the function's first parameter or the class's own name, keeps the copy::

    class P:
        @property
        def spoil(self): SITE["moon"] = 0 ...

        def _n(self): return self.spoil          # runs the property

        def score(self):
            p = copy.deepcopy(SITE)               # stays: p["moon"] was read from the copy
            n = self._n() ...

A name not bound in the class body (an annotation alone binds none) is an instance attribute
(the class has no base, or its methods are not followed); reads of other objects' attributes
are judged in ``deepcopy_descriptors``. A class attribute may be bound to literals and
displays of them, to a module global bound once to such a value, or, in a ``@dataclass``, to
``field(...)`` (the decorator replaces it by the default). What a subclass elsewhere adds is
checked at run time for the methods only (``deepcopy_guards``); its attributes stay assumed
plain.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from efficiency.remediate.codemods.pysource import code, walk

_HOOKS = ("__getattr__", "__getattribute__")
_CONSTANTS = frozenset({"True", "False", "None"})
_FIELDS = frozenset({"field", "dataclasses.field"})


def hooked_read(
    function: cst.FunctionDef,
    owner: cst.ClassDef,
    first: str | None,
    module: cst.Module,
    bound: Mapping[str, int],
) -> str | None:
    """Why a read of an attribute of ``first`` (``self``/``cls``) or of ``owner``'s name in
    ``function`` may run code of ``owner``, or None."""
    names = {n for n in (first, owner.name.value) if n is not None}
    plain = plain_attributes(owner, module, bound)
    called = {id(n.func) for n in walk(function.body) if isinstance(n, cst.Call)}
    for node in walk(function.body):
        if not (isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name)):
            continue
        if id(node) in called:
            continue  # a method call: judged as one (deepcopy_methods)
        if node.value.value not in names:
            continue
        attr = node.attr.value
        if any(h in plain.hooks for h in _HOOKS):
            return f"reads {code(node)}, which {owner.name.value}'s __getattr__ may answer"
        if attr in plain.bound and attr not in plain.plain:
            return (
                f"reads {code(node)}, which may be a property or descriptor of "
                f"{owner.name.value} that runs code"
            )
    return None


class _Attributes:
    def __init__(self) -> None:
        self.bound: set[str] = set()  # every name the class body binds
        self.plain: set[str] = set()  # those bound only to data or methods
        self.hooks: set[str] = set()


def plain_attributes(
    owner: cst.ClassDef, module: cst.Module, bound: Mapping[str, int]
) -> _Attributes:
    found = _Attributes()
    dataclass = any(
        code(d.decorator) in ("dataclass", "dataclasses.dataclass") for d in owner.decorators
    )
    data = _module_data(module, bound)
    body = owner.body.body if isinstance(owner.body, cst.IndentedBlock) else ()
    unplain: set[str] = set()
    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            name = statement.name.value
            found.bound.add(name)
            if name in _HOOKS:
                found.hooks.add(name)
            decorators = [code(d.decorator) for d in statement.decorators]
            fine = all(d in ("staticmethod", "classmethod") for d in decorators)
            if not fine or any(bound.get(d) for d in decorators):
                unplain.add(name)
            continue
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else [statement]
        for small in smalls:
            targets, value = _binding(small)
            alone = isinstance(small, cst.AnnAssign) and small.value is None  # binds nothing
            for name in targets:
                found.bound.add(name)
                if not alone and (value is None or not _data(value, data, dataclass, bound)):
                    unplain.add(name)
    found.plain = found.bound - unplain
    return found


def _binding(small: cst.CSTNode) -> tuple[list[str], cst.BaseExpression | None]:
    """The names a class-body statement binds, and the value when it is ``name = value``."""
    if isinstance(small, cst.Assign) and all(isinstance(t.target, cst.Name) for t in small.targets):
        return [t.target.value for t in small.targets], small.value  # type: ignore[union-attr]
    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
        return [small.target.value], small.value
    names = [n.value for n in walk(small) if isinstance(n, cst.Name)]
    return names, None  # anything else: each name it mentions counts as bound, not plain


def _data(
    value: cst.BaseExpression | None, data: set[str], dataclass: bool, bound: Mapping[str, int]
) -> bool:
    """Is ``value`` literals and displays of them, or names of module data, or in a dataclass a
    ``field(...)`` call?"""
    if value is None:
        return True  # an annotation alone binds nothing
    if dataclass and isinstance(value, cst.Call) and code(value.func) in _FIELDS:
        return not bound.get("field") or bound.get("field") == 1
    for node in walk(value):
        if isinstance(node, cst.Call | cst.Lambda | cst.Attribute | cst.BaseComp):
            return False
        if isinstance(node, cst.Name) and node.value not in _CONSTANTS and node.value not in data:
            return False
    return True


def _module_data(module: cst.Module, bound: Mapping[str, int]) -> set[str]:
    """Module globals bound once, at the top level, to literals and displays of them."""
    found: set[str] = set()
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for small in line.body:
            target = (
                small.targets[0].target
                if isinstance(small, cst.Assign) and len(small.targets) == 1
                else None
            )
            if isinstance(small, cst.AnnAssign):
                target, value = small.target, small.value
            else:
                value = small.value if isinstance(small, cst.Assign) else None
            if not isinstance(target, cst.Name) or value is None or bound.get(target.value) != 1:
                continue
            if all(
                not isinstance(n, cst.Call | cst.Lambda | cst.Attribute | cst.BaseComp)
                and (not isinstance(n, cst.Name) or n.value in _CONSTANTS or n.value in found)
                for n in walk(value)
            ):
                found.add(target.value)
    return found
