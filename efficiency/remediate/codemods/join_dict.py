"""A private dict attribute whose str values a class grows with ``+=`` kept as lists of parts,
joined where an item is read (part of ``join-strings``).

``self._folders[folder] += piece`` copies the whole value built so far: the dict holds a
reference to the string, so CPython can never grow it in place, and a method called per item
(or a loop over items) makes the building quadratic. The values become lists::

    self._folders = {}                      self._folders = {}
    if folder not in self._folders:         if folder not in self._folders:
        self._folders[folder] = ""     →        self._folders[folder] = []
    self._folders[folder] += line           self._folders[folder].append(line)
    ...                                     ...
    out.append(self._folders[folder])       out.append("".join(self._folders[folder]))

``x[k] = x[k] + a + b`` becomes ``x[k].extend((a, b))`` when ``k`` is a literal or a local
name no piece can rebind (else it stays a store, of ``["".join(x[k]) + a + b]``), an item
stored as a str ``v`` becomes ``[v]`` (``[]`` for ``""``), ``.get(k, d)``/``.pop(k)``/
``.setdefault(k, d)`` give the list ``[d]`` as default and are joined where their value is used.
Every read of an item joins the parts at that moment, so nothing lags: any read, mid-loop or
after an exception, sees the str the original held. Keys, their order and the dict's length are
unchanged, so key-only uses (:mod:`~efficiency.remediate.codemods.join_dict_uses`) stay.

What must hold, else the reason is given: the attribute's name starts with ``_`` (a mangled
``__x`` included) and no other module of the repository names it (the ``other_modules`` param;
a module reaching attributes by computed names counts as naming it; without the param the other
modules cannot be seen and it is refused); every ``.attr`` in this module is on the object of a
method of the class (its first parameter, never rebound there, the method undecorated) and one
of the accepted uses: ``self.attr = {}`` (a new empty dict, a statement's only target), items
stored, appended to, read whole, deleted, or key-only uses; at least one such start exists;
every value that goes in (pieces, stored values, defaults) is provably an exact str
(:mod:`~efficiency.remediate.codemods.join_exact`, an item read whole, ``+`` and conditionals
of them, str methods on them), so the original's ``+`` could not raise or run a subclass's
``__radd__``; the class is top-level, has no bases but ``object``, no keywords, no decorators
(a dataclass field would reach ``__eq__``/``__repr__``), defines no attribute hook
(``__getattr__``, ``__setattr__``...) and binds no name ``attr``; a subclass in the module (a
grandchild too) binds no ``attr``, defines no hook and is undecorated; the module does not
patch the class or reach attributes by name (``setattr``/``delattr``/``vars(x)``/ ``__dict__``,
a store to the class or to ``__class__``, ``getattr`` with a computed name, a string equal to
the name, ``eval``/``exec``), and imports no pickling module (a pickle written by the original
would hold strs). An appended value neither yields nor awaits, passes the object on, names a
function of the module that changes the dict (stores or deletes ``.attr`` or an item, calls a
method on it other than ``get``/``keys``; by name, through any naming: a call, a property read,
a bound method handed to ``map``, a name or attribute assigned one;
:mod:`~efficiency.remediate.codemods.join_dict_reach`), calls a method of the dict itself other
than ``get``, calls a callable the module does not define (``self.fmt`` not a method, a local
or assigned name), could resume a generator that changes the dict, nor could run a special
method of the module that changes it: what the piece does to the dict the original's ``+=``
undoes (an append dropped, a popped key put back), the list would keep. Item reads compared
with ``is`` or handed to ``id()`` are refused (two joins are two objects); so are key-only
builtins the method or a ``global`` statement rebinds.

Rewritten only where the appends are what the profile blames (a targeted method appends,
directly or through ``self.`` calls) or, with no profile, a loop of the module runs one.

Harmless: ``copy.copy`` of the object shares the dict in both versions, so the items grow
alike; ``deepcopy`` copies the lists; ``__slots__`` holding the attribute keeps the dict.
Residual, beyond the module: a key whose ``__hash__``/``__eq__`` has effects is hashed once per
append instead of twice; code outside the repository reading the attribute sees lists; a
foreign function given an object that holds a reference to this one could append re-entrantly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from efficiency.remediate.codemods.join_attribute_class import HOOKS, patch_refusal
from efficiency.remediate.codemods.join_builder import _appenders, object_name
from efficiency.remediate.codemods.join_builder_facts import (
    callee,
    imported,
    names_bound,
    rebinds,
)
from efficiency.remediate.codemods.join_builder_reach import driven, foreign_call, implicit_writer
from efficiency.remediate.codemods.join_dict_reach import (
    dict_writers,
    generator_refusal,
    piece_refusal,
    value_refusal,
)
from efficiency.remediate.codemods.join_dict_uses import KEY_FUNCS, DictUses, UseReader
from efficiency.remediate.codemods.pysource import INTROSPECTION, ScopedVisitor, Targets, code, walk

_PICKLERS = frozenset({"pickle", "shelve", "copyreg", "dill", "cloudpickle", "marshal"})
_NAMED_ACCESS = frozenset({"getattr", "setattr", "delattr", "hasattr"})


@dataclass
class DictSite:
    cls: cst.ClassDef
    attr: str
    uses: DictUses
    owners: list[str] = field(default_factory=list)


def _mangled(cls: str, attr: str) -> str:
    """The name Python stores ``__x`` under in class ``cls``."""
    if attr.startswith("__") and not attr.endswith("__"):
        return f"_{cls.lstrip('_')}{attr}"
    return attr


class DictFinder(ScopedVisitor):
    def __init__(self, module: cst.Module, targets: Targets | None, elsewhere: Any) -> None:
        super().__init__(targets)
        self.module = module
        self.elsewhere = elsewhere
        self.sites: list[DictSite] = []
        self.refused: list[str] = []

    def visit_Module(self, node: cst.Module) -> None:
        for cls in node.body:
            if isinstance(cls, cst.ClassDef):
                self._class(cls)

    def _class(self, cls: cst.ClassDef) -> None:
        methods = {
            s.name.value: s
            for s in cls.body.body
            if isinstance(s, cst.FunctionDef) and (s.params.posonly_params or s.params.params)
        }
        grown: dict[str, set[int]] = {}
        for method in methods.values():
            obj = object_name(method)
            for node in walk(method.body):
                target = _grown_item(node, obj)
                if target is not None:
                    grown.setdefault(target, set()).add(id(node))
        for attr in sorted(grown):
            self._consider(cls, methods, attr, grown[attr])

    def _consider(
        self, cls: cst.ClassDef, methods: dict[str, cst.FunctionDef], attr: str, grown: set[int]
    ) -> None:
        owners = {n for n, m in methods.items() if any(id(x) in grown for x in walk(m))}
        appenders = _appenders(methods, owners)
        if self.targets is not None:
            if not any(id(methods[m]) in self.targets.ids for m in appenders):
                return  # not what the profile blames
        elif not driven(self.module, appenders, grown):
            return
        rebound = names_bound(self.module) | _declared_global(self.module)
        reader = UseReader(self.module, self.parent, attr, rebound & KEY_FUNCS)
        shown = f"`self.{attr}[...] += ...` in {cls.name.value} ({', '.join(sorted(owners))})"
        why = self._uses(cls, methods, attr, reader)
        if not why and any(_number(v) for v in reader.uses.values()):
            return  # counters, not strings
        if not why and not reader.uses.appends:
            why = "no `+=` on an item can become a list append (its key may change mid-statement)"
        why = (
            why
            or self._privacy(cls, attr)
            or self._class_refusal(cls, attr)
            or self._values(reader, cls, attr, methods)
            or patch_refusal(self.module, cls)
            or self._module_refusal(cls, attr)
        )
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        self.sites.append(DictSite(cls, attr, reader.uses, sorted(reader.uses.owners)))

    def _uses(
        self, cls: cst.ClassDef, methods: dict[str, cst.FunctionDef], attr: str, reader: UseReader
    ) -> str:
        """Classify every ``.attr`` of the module; why one is not an accepted use, else ''."""
        names = {attr, _mangled(cls.name.value, attr)}
        for node in walk(self.module):
            if not (isinstance(node, cst.Attribute) and node.attr.value in names):
                continue
            method = self._method_of(node, cls, methods)
            if method is None:
                return f"`{code(node)}` is used outside the methods of {cls.name.value}"
            obj = object_name(method)
            if not (isinstance(node.value, cst.Name) and node.value.value == obj):
                return f"`{code(node)}` is not on the object of {method.name.value}"
            if not _plain_method(method, names_bound(self.module)):
                return f"{method.name.value} is decorated: {obj} may not be the object"
            if rebinds(method.body, obj):
                return f"{method.name.value} rebinds {obj}, which may then be another object"
            why = reader.classify(node, method)
            if why:
                return why
        if not reader.uses.started:
            return f"nothing shows .{attr} starts as a new empty dict (`self.{attr} = {{}}`)"
        return ""

    def _method_of(
        self, node: cst.CSTNode, cls: cst.ClassDef, methods: dict[str, cst.FunctionDef]
    ) -> cst.FunctionDef | None:
        chain = list(self.ancestors(node))
        for i, up in enumerate(chain[:-1]):
            if isinstance(up, cst.FunctionDef) and chain[i + 1] is cls.body:
                params = up.params
                return up if params.posonly_params or params.params else None
        return None

    def _privacy(self, cls: cst.ClassDef, attr: str) -> str:
        if not attr.startswith("_") or (attr.startswith("__") and attr.endswith("__")):
            return f".{attr} is not private (no leading underscore)"
        if self.elsewhere is None:
            return f"the repository's other modules cannot be seen here (they could read .{attr})"
        for name in sorted({attr, _mangled(cls.name.value, attr)}):
            why = self.elsewhere(name)
            if why:
                return f"{name} is private but {why}: it would see lists"
        return ""

    def _class_refusal(self, cls: cst.ClassDef, attr: str) -> str:
        name = cls.name.value
        if cls.keywords or any(
            not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases
        ):
            return f"class {name} has bases (one could define .{attr} or attribute hooks)"
        for klass in [cls, *_subclasses(self.module, name)]:
            if klass.decorators:
                why = f"is decorated with {code(klass.decorators[0].decorator)}"
                return f"class {klass.name.value} {why} (its fields could reach .{attr})"
            clash = sorted(names_bound(klass) & (HOOKS | {attr, _mangled(name, attr)}))
            if clash:
                return f"class {klass.name.value} defines {clash[0]}"
        return ""

    def _values(
        self,
        reader: UseReader,
        cls: cst.ClassDef,
        attr: str,
        methods: dict[str, cst.FunctionDef],
    ) -> str:
        """Why a value going into an item may not be an exact str, or could append
        re-entrantly (an append the original's ``+=`` drops), else ''."""
        names = {attr, _mangled(cls.name.value, attr)}
        writers = dict_writers(self.module, names)
        values = reader.uses.values()
        for value in values:
            if not reader.str_value(value):
                return f"`{code(value)[:50]}` is not provably a str"
        why = implicit_writer(writers, attr, values) or generator_refusal(
            self.module, writers, values
        )
        if why:
            return why
        storing = writers | _NAMED_ACCESS
        for value in values:
            method = next(
                m
                for m in cls.body.body
                if isinstance(m, cst.FunctionDef) and any(n is value for n in walk(m))
            )  # every value sits in a method (checked by _uses)
            obj = object_name(method)
            why = (
                piece_refusal(value, obj, attr, storing, self.parent, "a value put in an item")
                or value_refusal(value, writers, names, self.parent)
                or foreign_call(self.module, value, method, set(methods))
            )
            if why:
                return why
        return ""

    def _module_refusal(self, cls: cst.ClassDef, attr: str) -> str:
        names = {attr, _mangled(cls.name.value, attr)}
        for node in walk(self.module):
            if isinstance(node, cst.Import | cst.ImportFrom):
                picklers = sorted(imported(node) & _PICKLERS)
                if picklers:
                    return f"the module imports {picklers[0]} (a stored pickle would hold strs)"
            elif isinstance(node, cst.Call):
                name = callee(node.func)
                if isinstance(node.func, cst.Name) and name in INTROSPECTION - {"dir"}:
                    return f"the module calls {name}(), which could reach .{attr} by name"
                if isinstance(node.func, cst.Name) and name in _NAMED_ACCESS:
                    args = node.args
                    if len(args) < 2 or not isinstance(args[1].value, cst.SimpleString):
                        return f"`{code(node.func)}` with a computed name could reach .{attr}"
            elif isinstance(node, cst.SimpleString) and node.evaluated_value in names:
                return f"the string {code(node)} names .{attr}"
            elif isinstance(node, cst.Name) and node.value == "__dict__":
                return f"the module uses __dict__, which would see .{attr}"
        return ""


def _grown_item(node: cst.CSTNode, obj: str) -> str | None:
    """``obj.attr[k] += ...`` or ``obj.attr[k] = obj.attr[k] + ...`` → ``attr``."""
    if isinstance(node, cst.AugAssign) and isinstance(node.operator, cst.AddAssign):
        target = node.target
    elif isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        value = node.value
        if not (isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add)):
            return None
        while isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add):
            value = value.left
        if code(value) != code(target):
            return None
    else:
        return None
    if not isinstance(target, cst.Subscript):
        return None
    owner = target.value
    if isinstance(owner, cst.Attribute) and isinstance(owner.value, cst.Name):
        return owner.attr.value if owner.value.value == obj else None
    return None


def _plain_method(method: cst.FunctionDef, bound: set[str]) -> bool:
    """Is the method's first parameter the object: no decorator, or only ``@property`` (and
    ``@name.setter``/``.getter``/``.deleter`` on a def of that name) with ``property`` not
    rebound by the module?"""
    for decorator in method.decorators:
        func = decorator.decorator
        if isinstance(func, cst.Name) and func.value == "property" and "property" not in bound:
            continue
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == method.name.value
            and func.attr.value in {"setter", "getter", "deleter"}
            and "property" not in bound
        ):
            continue
        return False
    return True


def _subclasses(module: cst.Module, name: str) -> list[cst.ClassDef]:
    """The module's classes deriving from ``name``, directly or through one another (a
    grandchild's ``__getattribute__`` sees the attribute as much as a child's)."""
    classes = [d for d in walk(module) if isinstance(d, cst.ClassDef)]
    names, found = {name}, []
    grown = True
    while grown:
        grown = False
        for d in classes:
            if d in found or d.name.value == name:
                continue
            if any(isinstance(n, cst.Name) and n.value in names
                   for b in d.bases for n in walk(b.value)):  # fmt: skip
                found.append(d)
                names.add(d.name.value)
                grown = True
    return found


def _declared_global(module: cst.Module) -> set[str]:
    """The names some function of the module declares ``global`` (and may rebind there)."""
    return {a.name.value for n in walk(module) if isinstance(n, cst.Global) for a in n.names}


def _number(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.UnaryOperation):
        return _number(node.expression)
    return isinstance(node, cst.Integer | cst.Float | cst.Imaginary)
