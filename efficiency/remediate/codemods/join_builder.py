"""An attribute built by appends spread over a class's methods (``self.out += line`` in a
helper ``_emit`` that another method's loop calls) kept as a list of parts behind a property
(part of ``join-strings``).

Every ``+=`` on an attribute copies the whole string built so far, so a loop that calls the
helper once per item is quadratic. The appends of the class become list appends, and the
class gets a property of the attribute's name that joins the parts when the attribute is read
(and keeps the joined string as the only part, so reading it again is cheap)::

    class Writer:                          class Writer:
        def _emit(self, line):                 def _emit(self, line):
            self.out += line + "\\n"   →            self._out_parts.append(line + "\\n")
                                               @property
                                               def out(self):
                                                   parts = self._out_parts
                                                   if len(parts) != 1:
                                                       parts[:] = ["".join(parts)]
                                                   return parts[0]

with a setter storing ``[value]`` and a deleter deleting the parts. ``self.out = self.out + a +
b`` becomes ``self._out_parts.extend((a, b))``. Unlike the ``finally`` rewrite of
:mod:`~efficiency.remediate.codemods.join_attribute`, the attribute never lags: every read,
from any method or module, sees the same str as before, also mid-loop, after an exception and
after a store from outside (stored values are returned as they were stored). ``copy.copy`` of
the object would share the list between the copies, so the class also gets a ``__copy__`` that
copies the instance ``__dict__`` (what the default does for a class without ``__slots__``) and
gives the copy its own list; ``deepcopy`` and pickling copy the list anyway.

Rewritten only when the appends are what a profile blames: the profile names a method that
appends (directly or through any chain of ``self.`` method calls), wherever the loop that calls
it once per item is (in the module, another module, or a caller the profile does not show); or,
with no profile, a loop anywhere in the module runs an append or calls a method of an appending
method's name (``for r in rs: exporter.add(r)``), see
:mod:`~efficiency.remediate.codemods.join_builder_reach`. Refused, with the reason, unless the
module shows the attribute is a plain str built by these appends: the class has no bases but
``object``, no keywords, no decorators (a dataclass reads its fields by name), and defines
neither the attribute, ``property``, ``__slots__``, the attribute hooks (``__getattr__``...)
nor the copy/pickle hooks (``__copy__``, ``__reduce__``...); no class of the module subclasses
it, nor reads an appending method from the class (``Writer._emit(other, line)`` would run it on
an object without the parts); the module neither reads ``__dict__``/``vars()``, imports
``copy``/``pickle``-like modules, calls ``getattr``/``setattr``/``delattr`` with a computed
name, stores ``__class__``, nor rebinds ``property``, ``len``, ``list`` or ``type``; the
attribute's name does not start with ``__``; every store to ``.out`` on any object is a
provably exact str (:mod:`~efficiency.remediate.codemods.join_exact`: a literal, an f-string,
a conditional of them, a module constant...), an append, ``del``, or an unpacking that pairs
it with such a str of a tuple or list display of the same shape (the reset ``text, self.out =
self.out, ""``; a starred target, a value that is not a display or a loop target is
refused), and none stores it on the class itself; an appended piece neither calls a function
or method of the module that stores ``.out`` (which the original would overwrite with its
result), nor a callable the module does not define (``self.fmt(x)`` where ``fmt`` is no method,
a parameter's ``fmt(x)``: one that appends would have its append dropped by the original's
``+=``), nor names such a function or a name or attribute assigned one (a property read
``self.stamp``, ``map(self.also, xs)``, ``self._cb`` set to ``self.also``: see
:func:`~efficiency.remediate.codemods.join_dict_reach.reach`), nor resumes a generator that
stores it, nor uses the object other than to read its attributes, yields or awaits; and no
special method of the module (``__format__``, ``__str__``...) stores ``.out`` unless every
piece is a str literal; the module defines no str subclass with its own ``+`` and imports no
``markupsafe`` (``Markup``'s ``+`` escapes the other operand, a join does not).

Residual risks, beyond one module: as for a local string, the pieces are taken to be str (a
piece that is not makes the original raise at the append, the rewrite when the attribute is
next read, with the bad piece kept); a subclass elsewhere that defines ``out``, ``__slots__``
or its own pickling, code elsewhere that reads ``obj.__dict__["out"]``, and pickles made by the
original class are not seen; ``vars(obj)`` shows ``_out_parts`` where it showed ``out``, and
the class itself now has an ``out`` (the property: ``hasattr(Writer, "out")`` turns true).
The method's object is its first parameter (positional-only or not); a method that rebinds
that name is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.join_attribute import _attr_append
from efficiency.remediate.codemods.join_builder_facts import (
    callee,
    imported,
    names_bound,
    rebinds,
    storers,
)
from efficiency.remediate.codemods.join_builder_reach import (
    borrowed,
    counts,
    driven,
    foreign_call,
    implicit_writer,
    odd_addition,
    paired_value,
)
from efficiency.remediate.codemods.join_dict_reach import (
    generator_refusal,
    naming,
    piece_refusal,
    reach,
)
from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    ScopedVisitor,
    Targets,
    code,
    names_in,
    walk,
)

_CLASS_HOOKS = frozenset(
    {"__slots__", "__getattr__", "__getattribute__", "__setattr__", "__delattr__",
     "__getstate__", "__setstate__", "__reduce__", "__reduce_ex__", "__copy__",
     "__deepcopy__", "__replace__", "__init_subclass__", "__class_getitem__"}
)  # fmt: skip
_SERIALISERS = frozenset({"copy", "pickle", "shelve", "copyreg", "dill", "cloudpickle"})
_BUILTINS_USED = frozenset({"property", "len", "list", "type"})
_NAMED_ACCESS = frozenset({"getattr", "setattr", "delattr"})


@dataclass
class BuilderSite:
    cls: cst.ClassDef
    attr: str
    #: the appending statements -> the method's name for the object (``self``)
    appends: dict[int, str]
    owners: list[str]
    parts: str = ""


def _self_call(node: cst.CSTNode, obj: str) -> str | None:
    """``obj.name(...)`` → ``name``."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        value = node.func.value
        if isinstance(value, cst.Name) and value.value == obj:
            return node.func.attr.value
    return None


class BuilderFinder(ScopedVisitor):
    """Finds the classes whose string attributes can be kept as parts; ``skip`` holds the
    (class, attribute) pairs another rewrite already takes."""

    def __init__(
        self, module: cst.Module, targets: Targets | None, skip: set[tuple[str, str]]
    ) -> None:
        super().__init__(targets)
        self.module = module
        self.skip = skip
        self.sites: list[BuilderSite] = []
        self.refused: list[str] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        methods = {
            s.name.value: s
            for s in node.body.body
            if isinstance(s, cst.FunctionDef) and (s.params.posonly_params or s.params.params)
        }
        targeted = {
            name for name, m in methods.items() if self.targets is None or id(m) in self.targets.ids
        }
        if not targeted:
            return
        appends: dict[str, dict[int, tuple[str, cst.CSTNode, str]]] = {}
        for name, method in methods.items():
            obj = object_name(method)
            for node_ in walk(method.body):
                found = _attr_append(node_, obj)
                if found is not None:
                    appends.setdefault(found[0], {})[id(node_)] = (obj, node_, name)
        for attr in sorted(appends):
            if (node.name.value, attr) in self.skip:
                continue
            self._consider(node, methods, targeted, attr, appends[attr])

    def _consider(
        self,
        cls: cst.ClassDef,
        methods: dict[str, cst.FunctionDef],
        targeted: set[str],
        attr: str,
        appends: dict[int, tuple[str, cst.CSTNode, str]],
    ) -> None:
        owners = sorted({m for _, _, m in appends.values()})
        appenders = _appenders(methods, set(owners))
        if not targeted & appenders:
            return  # not what a profile blames
        pieces = [p for o, n, _ in appends.values() for p in (_attr_append(n, o) or ("", []))[1]]
        if counts(self.module, attr, pieces):
            return  # a number counted up, not a string
        if self.targets is None and not driven(self.module, appenders, set(appends)):
            return  # no profile, and no loop of the module appends again and again
        shown = f"`self.{attr} += ...` in {cls.name.value} ({', '.join(owners)})"
        why = (
            (f"the name .{attr} is mangled or special" if attr.startswith("__") else "")
            or self._append_refusal(methods, attr, appends)
            or self._class_refusal(cls, attr)
            or borrowed(self.module, cls.name.value, appenders)
            or odd_addition(self.module)
            or self._module_refusal(cls, attr)
        )
        if why:
            self.refused.append(f"{shown}: {why}")
            return
        site = BuilderSite(cls, attr, {k: obj for k, (obj, _, _) in appends.items()}, owners)
        self.sites.append(site)

    def _append_refusal(
        self,
        methods: dict[str, cst.FunctionDef],
        attr: str,
        appends: dict[int, tuple[str, cst.CSTNode, str]],
    ) -> str:
        stored = storers(self.module, attr)
        writers = reach(self.module, stored, {attr})
        pieces = [p for o, n, _ in appends.values() for p in (_attr_append(n, o) or ("", []))[1]]
        why = implicit_writer(writers, attr, pieces) or generator_refusal(
            self.module, writers, pieces, f".{attr}"
        )
        if why:
            return why
        for obj, node, owner in appends.values():
            method = methods[owner]
            if method.decorators:
                return f"{owner} is decorated, so its first parameter may not be the object"
            if rebinds(method.body, obj):
                return f"{owner} rebinds {obj}, which may then be another object"
            chain = list(self.ancestors(node))
            inner = chain[: next(i for i, a in enumerate(chain) if a is method)]
            if any(isinstance(a, SCOPES) for a in inner):
                return f".{attr} is appended to in a nested function or class"
            pieces = _attr_append(node, obj)
            assert pieces is not None
            for piece in pieces[1]:
                why = piece_refusal(
                    piece, obj, attr, stored | _NAMED_ACCESS, self.parent, "an appended piece"
                ) or foreign_call(self.module, piece, method, set(methods))
                if why:
                    return why
                found = naming(piece, writers)  # a property read, a bound method handed on
                if found is not None:
                    return f"`{code(found)}` in an appended piece could store .{attr}"
        return ""

    def _class_refusal(self, cls: cst.ClassDef, attr: str) -> str:
        name = cls.name.value
        if cls.keywords or any(
            not (isinstance(b.value, cst.Name) and b.value.value == "object") for b in cls.bases
        ):
            return f"class {name} has bases (one could define .{attr})"
        if cls.decorators:
            return f"class {name} is decorated with {code(cls.decorators[0].decorator)}"
        clash = sorted(names_bound(cls) & (_CLASS_HOOKS | {"property", attr}))
        if clash:
            return f"class {name} defines {clash[0]}"
        subclass = next(
            (
                d.name.value
                for d in walk(self.module)
                if isinstance(d, cst.ClassDef) and any(name in names_in(b.value) for b in d.bases)
            ),
            None,
        )
        if subclass:
            return f"{subclass} subclasses {name} (and could define .{attr})"
        return ""

    def _module_refusal(self, cls: cst.ClassDef, attr: str) -> str:
        module = self.module
        rebound = sorted(_BUILTINS_USED & names_bound(module))
        if rebound:
            return f"the module rebinds {rebound[0]}, which the property would use"
        literal = False
        for node in walk(module):
            if isinstance(node, cst.Name) and node.value in {"vars", "__dict__"}:
                return f"the module uses {node.value}, which would see _{attr}_parts"
            if isinstance(node, cst.Attribute) and node.attr.value == "__dict__":
                return f"the module uses __dict__, which would see _{attr}_parts"
            if isinstance(node, cst.AssignTarget) and any(
                isinstance(n, cst.Attribute) and n.attr.value == "__class__"
                for n in walk(node.target)
            ):
                return "the module stores __class__ (the new class may lack the property)"
            if isinstance(node, cst.Import | cst.ImportFrom):
                serialisers = sorted(imported(node) & _SERIALISERS)
                if serialisers:
                    return f"the module imports {serialisers[0]}"
            if isinstance(node, cst.Call) and callee(node.func) in _NAMED_ACCESS:
                args = node.args
                if len(args) < 2 or not isinstance(args[1].value, cst.SimpleString):
                    return f"`{code(node.func)}` with a computed name could reach .{attr}"
            if isinstance(node, cst.Attribute) and node.attr.value == attr:
                why, started = self._store_refusal(node, cls, attr)
                if why:
                    return why
                literal |= started
        if not literal:
            return f'nothing shows .{attr} starts as a str (no `.{attr} = "..."` in the module)'
        return ""

    def _store_refusal(self, node: cst.Attribute, cls: cst.ClassDef, attr: str) -> tuple[str, bool]:
        """Why a store to ``x.attr`` rules the rewrite out ('' if it does not), and whether
        it stores a str literal or f-string."""
        parent = self.parent(node)
        value: cst.BaseExpression | None
        if isinstance(parent, cst.AssignTarget) and parent.target is node:
            assign = self.parent(parent)
            obj = node.value.value if isinstance(node.value, cst.Name) else ""
            if isinstance(assign, cst.Assign) and _attr_append(assign, obj) is not None:
                value = None
            else:
                value = assign.value if isinstance(assign, cst.Assign) else None
                if not exact_str(value, self.module):
                    shown = code(value)[:40] if value is not None else "?"
                    return f".{attr} is also set to `{shown}`, not provably a str", False
        elif isinstance(parent, cst.AnnAssign) and parent.target is node:
            value = parent.value
            if not exact_str(value, self.module):
                return f".{attr} is stored with an annotation and no exact str", False
        elif isinstance(parent, cst.AugAssign) and parent.target is node:
            if not isinstance(parent.operator, cst.AddAssign):
                return f".{attr} is changed by `{code(parent.operator).strip()}`", False
            value = None
        elif self._stored(node):
            value = self._unpacked_value(node)
            if not exact_str(value, self.module):
                why = "by unpacking other than from an exact str, by a loop or `as`"
                return f".{attr} is stored {why}", False
        else:
            return "", False  # a read or a del: both go through the property
        if _on_class(node.value, cls):
            return f".{attr} is stored on the class itself (would replace the property)", False
        return "", value is not None

    def _unpacked_value(self, node: cst.CSTNode) -> cst.BaseExpression | None:
        """The item an unpacking assignment's tuple or list display gives ``node``, if any."""
        outer = self.parent(node)
        while isinstance(outer, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
            outer = self.parent(outer)
        assign = self.parent(outer) if isinstance(outer, cst.AssignTarget) else None
        return paired_value(assign, node) if isinstance(assign, cst.Assign) else None

    def _stored(self, node: cst.CSTNode) -> bool:
        child, outer = node, self.parent(node)
        while isinstance(outer, cst.Element | cst.StarredElement | cst.Tuple | cst.List):
            child, outer = outer, self.parent(outer)
        if isinstance(outer, cst.AssignTarget | cst.For | cst.CompFor):
            return outer.target is child
        return isinstance(outer, cst.AsName) and outer.name is child


def _on_class(obj: cst.BaseExpression, cls: cst.ClassDef) -> bool:
    if isinstance(obj, cst.Name):
        return obj.value in {cls.name.value, "cls"}
    return not isinstance(obj, cst.Attribute)  # type(x).out, f().out: could be the class


def object_name(method: cst.FunctionDef) -> str:
    """The name a method gives its object: its first parameter (positional-only or not)."""
    return (method.params.posonly_params or method.params.params)[0].name.value


def _appenders(methods: dict[str, cst.FunctionDef], direct: set[str]) -> set[str]:
    """The methods that append, directly or by calling (as ``self.m()``) one that does."""
    found = set(direct)
    grown = True
    while grown:
        grown = False
        for name, method in methods.items():
            obj = object_name(method)
            if name not in found and any(_self_call(n, obj) in found for n in walk(method)):
                found.add(name)
                grown = True
    return found
