"""Membership in a list held on an instance or class attribute, built once and never changed,
by a frozenset made beside it (part of ``set-membership``).

``self._embargoed = [...]`` in ``__init__`` and ``parcel.postcode in self._embargoed`` in a
method called per parcel scans the list on every call. The list stays (its order, indexing and
any other reader keep working); a set made right after it answers the tests. Rewritten::

    class Depot:
        _embargoed_set = None

        def __init__(self, rows):
            self._embargoed = [...]
            self._embargoed_set = ((self._embargoed, frozenset(self._embargoed))
                if all(type(v) is str or type(v) is int for v in self._embargoed) else None)

        def blocked(self, parcel):
            return (_embargoed_key in self._embargoed_set[1]
                if (type(_embargoed_key := parcel.postcode) is str
                    or type(_embargoed_key) is int)
                and isinstance(self, Depot)
                and self._embargoed_set is not None
                and self._embargoed_set[0] is self._embargoed
                else _embargoed_key in self._embargoed)

The answers are the same for the reason :mod:`~efficiency.remediate.codemods.frozen_set` gives:
the set exists only when every item is exactly a ``str`` or an ``int`` and is asked only for a
value of exactly those types, whose ``==`` and ``hash`` agree. An instance's set is asked only when
``self`` is an instance of the class: a method borrowed by another object,
``Depot.blocked(other, p)``, scans ``other``'s list. A tested value other than a plain
name is bound once by ``:=`` (evaluated once, before the attribute, as before). The class-level
``None`` makes an instance whose ``__init__`` has not reached the list yet scan it (or fail) as
before; the set is asked only while the attribute still holds the list it was made from, so
a list bound to it where this module cannot see is scanned. A class attribute (``BLOCKED =
[...]`` in the class body, read as ``self.BLOCKED`` or ``cls.BLOCKED``) gets its set beside it
in the class body, read through the class (``Codes.BLOCKED_SET``, the class name bound once):
a method borrowed by another class (``Codes.hit(other, v)``) scans ``other``'s own list.

The object may also be a parameter annotated with a class of the module (``plan: Plan``,
``"Plan"``, ``Plan | None``) of any function, method or not: ``claim.ndc in plan.excluded``
in ``adjudicate(claim, plan: Plan)``. The annotation only says which class's attribute it is;
the test checks ``isinstance(plan, Plan)`` as for ``self``, so anything else passed scans its
own list. The list may be a dataclass field (``excluded: list[str] = field(default_factory=
list)``), which the generated ``__init__`` takes from its caller: its set is made first thing
in ``__post_init__`` (added when the class has none) and every caller must be shown to hand it
a new list, as :mod:`~efficiency.remediate.codemods.attr_set_fields` proves.

What must hold, in the module: the class is
top-level, has no bases but ``object``, no metaclass, no decorator but a ``dataclass`` without
``slots=True``, no ``__slots__``, no ``__setattr__``/``__getattr__``/``__getattribute__``/
``__delattr__`` and no subclass in the module; the attribute is bound exactly once, by a
statement of its own in the class body or in ``__init__``/``__post_init__``'s own body (as
``self.attr``; that method may then fill it with ``append``/``extend``/``+=``, its set made
after the last of them, as :mod:`~efficiency.remediate.codemods.attr_set_growth` proves), to a
value nothing else holds (a display, a comprehension, ``list()``/
``tuple()``/``sorted()`` or ``+`` of them; in ``__init__`` also a call of a plain function of
the module that builds and returns a new list, proved as
:func:`~efficiency.remediate.codemods.new_lists.module_call_is_new` proves it); no other
``.attr`` anywhere in the module is stored, deleted, given to a call (except read-only
builtins), returned, aliased or used by a method other than ``count``/``index``/``copy``;
nothing reaches attributes by name (``setattr``, ``vars``, ``__dict__``, ``__getstate__``/
``__reduce_ex__``, whose state holds the list, a string equal to the
name other than a dictionary key, ``eval``...) and no ``case Cls(...)`` pattern binds it; the
tests are ``x in self.attr`` in a method (or ``cls.attr``, ``Class.attr``, ``param.attr``), the
object's name is never rebound there, and the builtins the rewrite calls are not rebound; the
attribute is private (``_x``) or ``ALL_CAPS``, or public and only read by the repository's
other modules (the ``other_modules`` param: what other modules do is shown by
:mod:`~efficiency.remediate.codemods.other_reads`, which also checks how they build a public
dataclass whose field it is; without the param a public one is refused). Anything
else is refused with the reason. The
rewrite itself is :mod:`efficiency.remediate.codemods.attr_set_rewrite`.
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.attr_set_fields import field_site
from efficiency.remediate.codemods.attr_set_growth import grows
from efficiency.remediate.codemods.attr_set_sites import (
    USED,
    AttrSite,
    class_site,
    instance_site,
)
from efficiency.remediate.codemods.attr_set_targets import (
    _DEFS,
    _decorator_name,
    _first_param,
    _imported_as,
    _is_stored,
    _rebinds,
    annotated_class,
    key_string,
)
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import (
    _FRESH_CALLS,
    _READ_METHODS,
    _READERS,
    reading_refusal,
)
from efficiency.remediate.codemods.other_reads import elsewhere_refusal
from efficiency.remediate.codemods.public_names import Elsewhere
from efficiency.remediate.codemods.pysource import (
    INTROSPECTION,
    ScopedVisitor,
    Targets,
    code,
    walk,
)
from efficiency.remediate.codemods.set_probe import probe_refusal

#: methods that could make an attribute store or load something else
_HOOKS = frozenset({"__setattr__", "__getattr__", "__getattribute__", "__delattr__"})
#: names that reach attributes by a string
#: names that reach attributes by name, or (the pickling hooks) hand out their values
_BY_NAME = (
    INTROSPECTION
    | {"setattr", "delattr", "getattr", "hasattr", "__dict__"}
    | {"__getstate__", "__reduce__", "__reduce_ex__"}
)


class AttrFinder(ScopedVisitor):
    """Finds ``x in self.attr`` tests in the selected code and proves (or refuses) each list."""

    def __init__(
        self, module: cst.Module, targets: Targets | None, elsewhere: Elsewhere | None = None
    ) -> None:
        super().__init__(targets)
        self.module = module
        self.elsewhere = elsewhere
        self.candidates: dict[tuple[int, str], list[tuple[cst.Comparison, str]]] = {}
        self.classes: dict[int, cst.ClassDef] = {}
        self.sites: list[AttrSite] = []
        self.refused: list[str] = []
        self.parents: dict[int, cst.CSTNode] = {}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        if self.parents:  # after the visit, when the metadata is gone
            return self.parents.get(id(node))
        return super().parent(node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self.active or len(node.comparisons) != 1:
            return
        target = node.comparisons[0]
        held = target.comparator
        if not isinstance(target.operator, cst.In | cst.NotIn):
            return
        if not isinstance(held, cst.Attribute) or not isinstance(held.value, cst.Name):
            return
        method = next((a for a in self.ancestors(node) if isinstance(a, cst.FunctionDef)), None)
        if method is None:
            return
        obj = held.value.value
        cls, first = self._owner(method, obj)
        if cls is None:
            return  # not an attribute of this class's instance: not this rewrite's business
        if _rebinds(method, obj, first):
            self.refused.append(f"{code(node)[:60]}: {obj} is rebound in {method.name.value}")
            return
        self.classes[id(cls)] = cls
        self.candidates.setdefault((id(cls), held.attr.value), []).append((node, obj))

    def _owner(
        self, method: cst.FunctionDef, obj: str
    ) -> tuple[cst.ClassDef | None, cst.Param | None]:
        """The top-level class whose instance (or itself) ``obj`` is in ``method``, and the
        parameter that holds it: a method's ``self``/``cls``, the class's own name, or a
        parameter annotated with a class of the module (the rewrite checks ``isinstance``)."""
        cls = self.parent(self.parent(method))  # type: ignore[arg-type]
        if isinstance(cls, cst.ClassDef) and isinstance(self.parent(cls), cst.Module):
            first = _first_param(method)
            static = any(_decorator_name(d) == "staticmethod" for d in method.decorators)
            if obj == cls.name.value or (first and not static and first.name.value == obj):
                return cls, first
        return annotated_class(method, obj, self.module)

    def finish(self) -> None:
        """Prove or refuse each (class, attribute) the tests use."""
        self.parents = {id(c): n for n in walk(self.module) for c in n.children}
        for (cls_id, attr), tests in self.candidates.items():
            cls = self.classes[cls_id]
            site, why = self._site(cls, attr)
            if site is not None and not why:
                why = self._uses_refusal(site, tests)
            if why == "-":
                continue  # no list: not this rewrite's business
            if why or site is None:
                self.refused.append(f"{cls.name.value}.{attr}: {why}")
                continue
            for comparison, obj in tests:
                site.tests[id(comparison)] = obj
                site.nodes.append(comparison)
            self.sites.append(site)

    def _class_refusal(self, cls: cst.ClassDef) -> str:
        if cls.keywords or any(a.keyword or a.star or code(a.value) != "object" for a in cls.bases):
            return "the class has bases or a metaclass (they could store or load it otherwise)"
        for decorator in cls.decorators:
            if _decorator_name(decorator) not in ("dataclass", "dataclasses.dataclass"):
                return f"the class is decorated with {_decorator_name(decorator)}"
            call = decorator.decorator
            if isinstance(call, cst.Call) and any(
                a.keyword is not None and a.keyword.value == "slots" for a in call.args
            ):
                return "the dataclass has slots (no room for the set)"
        own = binds(cls, top=True)
        if "__slots__" in own or own & _HOOKS:
            return "the class has __slots__ or its own attribute hooks"
        for other in walk(self.module):
            if isinstance(other, cst.ClassDef) and any(
                isinstance(a.value, cst.Name) and a.value.value == cls.name.value
                for a in other.bases
            ):
                return f"{other.name.value} subclasses it in this module"
        return ""

    def _site(self, cls: cst.ClassDef, attr: str) -> tuple[AttrSite | None, str]:
        why = self._class_refusal(cls)
        if why:
            return None, why
        if any(
            (isinstance(n, cst.Name) and n.value in _BY_NAME)
            or isinstance(n, cst.ImportStar)
            or (isinstance(n, cst.SimpleString) and n.evaluated_value == attr
                and not key_string(n, self.parents))
            for n in walk(self.module)
        ):  # fmt: skip
            return (
                None,
                "the module may reach attributes by name (setattr, vars, a string, import *...)",
            )
        if any(isinstance(n, cst.MatchClass) for n in walk(self.module)):
            return None, "a `case Cls(...)` pattern could bind the list to a name"
        rebound = USED & binds(self.module, top=True)
        if rebound:
            return None, f"{', '.join(sorted(rebound))} is rebound, so the rewrite proves nothing"
        name = cls.name.value
        if _rebinds(self.module, name, None) or any(
            (n is not cls and isinstance(n, _DEFS) and n.name.value == name)
            or (isinstance(n, cst.ImportAlias) and _imported_as(n) == name)
            for n in walk(self.module)
        ):
            return None, f"{name} is bound again (the tests name it to find the set)"
        parents = self.parents
        stores = [
            n
            for n in walk(self.module)
            if isinstance(n, cst.Attribute)
            and n.attr.value == attr
            and _is_stored(n, parents)
            and not (grows(n, parents) and self._in_init(n, cls))
        ]  # a `+=` in __init__ grows the list: attr_set_growth proves it or it is refused
        in_body = attr in binds(cls, top=True)
        if in_body and stores:
            return None, f"{attr} is bound in the class body and stored as .{attr} too"
        if len(stores) > 1:
            return None, f".{attr} is stored {len(stores)} times in the module"
        fresh_ok = not (_FRESH_CALLS & binds(self.module, top=True))
        if in_body and cls.decorators and any(
            isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.AnnAssign)
            and code(s.body[0].target) == attr for s in cls.body.body
        ):  # fmt: skip
            shape, why = field_site(self.module, cls, attr, parents, fresh_ok)
            if shape is None:
                return None, why
            return AttrSite(cls, attr, shape.line, shape.holder, None, shape=shape), ""
        if in_body:
            return class_site(cls, attr, fresh_ok)
        if not stores:
            return None, f".{attr} is never bound in the module"
        return instance_site(self.module, cls, attr, stores[0], parents, fresh_ok)

    def _in_init(self, node: cst.CSTNode, cls: cst.ClassDef) -> bool:
        """Is ``node`` in the ``__init__``/``__post_init__`` of ``cls``?"""
        method = next((a for a in self.ancestors(node) if isinstance(a, cst.FunctionDef)), None)
        return (
            method is not None
            and method.name.value in ("__init__", "__post_init__")
            and self.parent(self.parent(method)) is cls
        )

    def _uses_refusal(self, site: AttrSite, tests: list[tuple[cst.Comparison, str]]) -> str:
        field = site.shape
        why, site.assumed = elsewhere_refusal(
            self.elsewhere, site.attr, site.cls.name.value if field else "",
            field.position if field else None,
        )  # fmt: skip
        if why:
            return why
        tested = {id(c.comparisons[0].comparator) for c, _ in tests}
        defined = {id(n) for n in walk(site.init)}
        rebound = _READERS & binds(self.module, top=True)
        for use in walk(self.module):
            if not isinstance(use, cst.Attribute) or use.attr.value != site.attr:
                continue
            if id(use) in tested or id(use) in defined or id(use) in site.grown:
                continue
            why = self._use_refusal(use, site.attr, rebound)
            if why:
                return why
        for comparison, _ in tests:
            method = next(a for a in self.ancestors(comparison) if isinstance(a, cst.FunctionDef))
            if USED & binds(method):
                return f"{method.name.value} rebinds a builtin the rewrite calls"
            if why := probe_refusal(comparison, self.ancestors(comparison)):
                return why
        return ""

    def _use_refusal(self, use: cst.Attribute, attr: str, rebound: set[str]) -> str:
        parent = self.parent(use)
        shown = code(use)[:40]
        if isinstance(parent, cst.ComparisonTarget) and parent.comparator is use:
            if isinstance(parent.operator, cst.In | cst.NotIn):
                return ""
            return f"{shown} is compared other than by `in` (the other side could keep it)"
        if isinstance(parent, cst.Attribute) and parent.value is use:
            call = self.parent(parent)
            if (
                parent.attr.value in _READ_METHODS
                and isinstance(call, cst.Call)
                and call.func is parent
            ):
                return ""
            return f"{shown}.{parent.attr.value} may change it or let it out"
        stored = isinstance(parent, cst.Subscript) and _is_stored(parent, self.parents)
        grandparent = self.parent(parent) if parent is not None else None
        return reading_refusal(shown, use, parent, grandparent, stored, rebound)
