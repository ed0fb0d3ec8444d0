"""The dataclass field form of :mod:`~efficiency.remediate.codemods.attr_set`: a list attribute
that is a field (``excluded: list[str] = field(default_factory=list)``), bound by the generated
``__init__`` to whatever its caller hands it.

The set is made in ``__post_init__`` (added, or put first in the class's own), so the proof is
about the callers: every call in the module that builds the class (``Cls(...)``, or ``cls(...)``
in a classmethod of it) hands the field a new list nothing else holds, or nothing (its
``default_factory`` of ``list``/``tuple``): a display, a comprehension, ``list()``/``sorted()``,
a module function that returns a new list, or a local the calling function binds once to a new
list, only grows (``append``/``extend``...), tests or reads, and hands over in its last
statement, ``return Cls(...)``, so nothing keeps it after. The class is used otherwise only in
annotations, ``isinstance``, and ``Cls.method`` reads; nothing makes an instance by another road
(``type(x)(...)``, ``.__class__``, ``.__init__``, ``replace(x, **kw)``), and a keyword argument
named like the field is a new list wherever it appears; every annotation in the class body
certainly makes a field or a ClassVar (:mod:`~efficiency.remediate.codemods.attr_set_annotations`:
an alias could move the field among ``__init__``'s parameters). Refused: a frozen dataclass (the set
could be stored only by ``object.__setattr__``), one with ``init=False``, its own ``__init__``,
an ``InitVar``/``KW_ONLY`` pseudo-field, or a field with other options. What other modules do
(build the class with a list they keep) is :mod:`~efficiency.remediate.codemods.other_reads`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.attr_set_annotations import annotation_kind
from efficiency.remediate.codemods.attr_set_targets import (
    _STORES,
    _bare_targets,
    _decorator_name,
    _first_param,
    _imported_as,
    _rebinds,
    from_dataclasses,
)
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _fresh, reading_refusal
from efficiency.remediate.codemods.new_lists import _GROWERS, bound_by, module_call_is_new
from efficiency.remediate.codemods.pysource import (
    SCOPES,
    calls_introspection,
    code,
    declares_global,
    walk,
)

#: ``@dataclass(...)`` options that leave a generated ``__init__`` and room for the set
_FLAGS = frozenset({"init", "repr", "eq", "order", "unsafe_hash", "frozen", "match_args",
                    "kw_only", "weakref_slot"})  # fmt: skip
#: ``field(...)`` options that keep the field's value the caller's (or a new list)
_FIELD_OPTIONS = frozenset({"default_factory", "repr", "compare", "hash", "kw_only", "init"})
#: annotations of a field that is no list (its ``in`` already hashes): not this rewrite's
_HASHED = frozenset({"dict", "set", "frozenset", "Dict", "Set", "FrozenSet", "Mapping",
                     "MutableMapping", "AbstractSet", "MutableSet", "defaultdict", "Counter",
                     "OrderedDict"})  # fmt: skip
#: attributes that make or make again an instance without naming its class
REMAKERS = frozenset({"__class__", "__init__", "__post_init__", "__replace__"})


@dataclass
class FieldShape:
    #: the field's statement in the class body
    line: cst.SimpleStatementLine
    #: the class's own ``__post_init__`` (the set is made first thing there), or None: added
    post_init: cst.FunctionDef | None
    #: its first parameter's name
    holder: str
    #: the field's index among ``__init__``'s positional parameters (None: keyword-only)
    position: int | None


def _flag(node: cst.BaseExpression) -> bool | str | None:
    """True/False/None for those literals, else a text (not a plain option)."""
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return code(node)


def _options(call: cst.Call) -> dict[str, cst.BaseExpression] | None:
    if any(a.keyword is None or a.star for a in call.args):
        return None
    return {a.keyword.value: a.value for a in call.args if a.keyword is not None}


def field_site(
    module: cst.Module, cls: cst.ClassDef, attr: str, parents: dict[int, cst.CSTNode],
    fresh_ok: bool,
) -> tuple[FieldShape | None, str]:  # fmt: skip
    """The field ``attr`` of the dataclass ``cls`` and where its set goes, or why not."""
    decorator = cls.decorators[0].decorator
    if not from_dataclasses(module, getattr(decorator, "func", decorator), "dataclass"):
        return None, "the class is decorated with a dataclass this module does not import plainly"
    options = _options(decorator) if isinstance(decorator, cst.Call) else {}
    if options is None or any(k not in _FLAGS or isinstance(_flag(v), str)
                              for k, v in options.items()):  # fmt: skip
        return None, "the dataclass has options other than plain flags"
    if options.get("frozen") is not None and _flag(options["frozen"]):
        return None, "the dataclass is frozen (the set could be stored only by object.__setattr__)"
    if options.get("init") is not None and not _flag(options["init"]):
        return None, "the dataclass makes no __init__ (init=False)"
    every_kw = bool(options.get("kw_only") is not None and _flag(options["kw_only"]))
    positional: list[str] = []
    line: cst.SimpleStatementLine | None = None
    methods: dict[str, list[cst.FunctionDef]] = {}
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef):
            methods.setdefault(statement.name.value, []).append(statement)
        hidden = not isinstance(statement, cst.FunctionDef | cst.ClassDef) and any(
            isinstance(n, cst.AnnAssign) for n in walk(statement)
        )
        if hidden and (
            not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) > 1
        ):
            return None, "a field is declared inside a compound statement or a line of several"
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        stmt = statement.body[0]
        if not isinstance(stmt, cst.AnnAssign) or not isinstance(stmt.target, cst.Name):
            continue
        shown = code(stmt.annotation.annotation)
        if "InitVar" in shown or "KW_ONLY" in shown:
            return None, "the dataclass has an InitVar or KW_ONLY pseudo-field"
        kind = annotation_kind(module, cls, stmt.annotation.annotation)
        if not kind or ("ClassVar" in shown) != (kind == "classvar"):
            return None, (f"the annotation `{shown[:30]}` of {stmt.target.value} may not make a "
                          "plain field (a ClassVar or InitVar by another name?)")  # fmt: skip
        if kind == "classvar":
            if stmt.target.value == attr:
                return None, f"{attr} is a ClassVar of the dataclass"
            continue
        if stmt.target.value == attr and shown.strip("'\"").split("[")[0].split(".")[-1] in _HASHED:
            return None, "-"  # a dict or a set: its `in` hashes already
        value = stmt.value
        kw, init = every_kw, True
        if isinstance(value, cst.Call) and from_dataclasses(module, value.func, "field"):
            given = _options(value)
            if (
                given is None
                or any(k not in _FIELD_OPTIONS for k in given)
                or any(isinstance(_flag(given[k]), str) for k in ("kw_only", "init") if k in given)
            ):
                return None, f"the field {stmt.target.value} has options other than plain flags"
            # the field's own kw_only wins over the class's (kw_only=False makes it positional)
            kw = bool(_flag(given["kw_only"])) if "kw_only" in given else kw
            init = bool(_flag(given["init"])) if "init" in given else True
            if stmt.target.value == attr:
                factory = given.get("default_factory")
                flags = [v for k, v in given.items() if k != "default_factory"]
                if (
                    any(isinstance(_flag(v), str) for v in flags)
                    or (factory is None and not init)  # never set: __post_init__ would fail
                    or (factory is not None
                        and (not fresh_ok or code(factory) not in _FRESH_CALLS - {"sorted"}))
                ):  # fmt: skip
                    return None, f"{attr} = `{code(value)[:40]}` may be a shared list"
        elif value is not None and stmt.target.value == attr:
            return None, f"{attr} has a default, `{code(value)[:40]}`, that every instance shares"
        if stmt.target.value == attr:
            line = statement
        if init and not kw:
            positional.append(stmt.target.value)
    own = [b for s in cls.body.body for b in bound_by(s)]
    if line is None or "__init__" in methods or own.count(attr) != 1:
        return None, f"{attr} is not one plain field of a dataclass with a generated __init__"
    post = methods.get("__post_init__", [])
    first = _first_param(post[0]) if len(post) == 1 else None
    if post and (first is None or post[0].decorators or _rebinds(post[0], first.name.value, first)):
        return None, "the class's __post_init__ is not one plain method"
    why = _builds_refusal(module, cls, attr, positional, parents, fresh_ok)
    if why:
        return None, why
    position = positional.index(attr) if attr in positional else None
    return FieldShape(line, post[0] if post else None, first.name.value if first else "self",
                      position), ""  # fmt: skip


def _label(name: cst.Name, parent: cst.CSTNode | None) -> bool:
    """Is ``name`` no expression (an attribute's name, a keyword, a def's or parameter's)?"""
    return (
        (isinstance(parent, cst.Attribute) and parent.attr is name)
        or (isinstance(parent, cst.Arg) and parent.keyword is name)
        or (isinstance(parent, cst.ClassDef | cst.FunctionDef | cst.Param) and parent.name is name)
        or isinstance(parent, cst.ImportAlias | cst.AsName)
    )


def _builds_refusal(module: cst.Module, cls: cst.ClassDef, attr: str, positional: list[str],
                    parents: dict[int, cst.CSTNode], fresh_ok: bool) -> str:  # fmt: skip
    """'' when every call in the module that builds ``cls`` hands ``attr`` a new list (or
    nothing) and nothing builds it by another road; else why not."""
    builders = {cls.name.value: (cls.name.value, module)}
    for method in cls.body.body:
        first = _first_param(method) if isinstance(method, cst.FunctionDef) else None
        if first is not None and "classmethod" in [_decorator_name(d) for d in method.decorators]:
            if _rebinds(method, first.name.value, first):
                return f"{first.name.value} is rebound in {method.name.value}"  # type: ignore[union-attr]
            builders[f"{first.name.value}@{id(method)}"] = (first.name.value, method)
    checked: set[int] = set()
    for label, (name, scope) in builders.items():
        for n in walk(scope):
            parent = parents.get(id(n))
            if not isinstance(n, cst.Name) or n.value != name or _label(n, parent):
                continue
            if (
                label == name
                and scope is module
                and any(builders.get(f"{name}@{id(a)}") for a in _ancestors(n, parents))
            ):
                continue  # a classmethod's own first parameter shadows the class's name
            why = _use_refusal(n, parent, parents, name)
            if not why and isinstance(parent, cst.Call) and parent.func is n:
                why = _call_refusal(module, parent, attr, positional, parents, fresh_ok)
                checked.add(id(parent))
            if why:
                return why
    for n in walk(module):
        parent = parents.get(id(n))
        if (
            isinstance(n, cst.Attribute)
            and n.attr.value in REMAKERS
            and not (isinstance(n.value, cst.Call) and code(n.value.func) == "super")
        ):
            return f"`{code(n)[:40]}` could make an instance by another road"
        if isinstance(n, cst.Call) and code(n.func) == "type" and not _type_test(n, parent):
            return f"`{code(parent or n)[:40]}` could make an instance by another road"
        if (
            isinstance(n, cst.Call)
            and code(n.func).split(".")[-1] == "replace"
            and any(a.star == "**" for a in n.args)
        ):
            return f"`{code(n)[:40]}` could hand {attr} a list by a computed name"
        if (isinstance(n, cst.Arg) and n.keyword is not None and n.keyword.value == attr
                and id(parent) not in checked and not _fresh(n.value, fresh_ok)):  # fmt: skip
            return f"`{code(n)[:40]}` names {attr} with a list its caller may keep"
    return ""


def _ancestors(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> list[cst.CSTNode]:
    out, current = [], parents.get(id(node))
    while current is not None:
        out.append(current)
        current = parents.get(id(current))
    return out


def _use_refusal(n: cst.Name, parent: cst.CSTNode | None, parents: dict[int, cst.CSTNode],
                 name: str) -> str:  # fmt: skip
    if isinstance(parent, cst.Call) and parent.func is n:
        return ""
    if any(isinstance(a, cst.Annotation) for a in _ancestors(n, parents)):
        return ""
    if isinstance(parent, cst.Attribute) and parent.value is n:
        return "" if not parent.attr.value.startswith("__") else f"{code(parent)} is reached"
    arg = parent  # isinstance(x, Cls) or isinstance(x, (Other, Cls))
    if isinstance(parent, cst.Element):
        held = parents.get(id(parent))
        arg = parents.get(id(held)) if isinstance(held, cst.Tuple) else None
    call = parents.get(id(arg)) if isinstance(arg, cst.Arg) else None
    if (
        isinstance(call, cst.Call)
        and code(call.func) in ("isinstance", "issubclass")
        and (len(call.args) == 2 and call.args[1] is arg)
    ):
        return ""
    return (
        f"{name} is used as a value (`{code(parent)[:40] if parent else name}`): it could be "
        "called with a list its caller keeps"
    )


def _call_refusal(module: cst.Module, call: cst.Call, attr: str, positional: list[str],
                  parents: dict[int, cst.CSTNode], fresh_ok: bool) -> str:  # fmt: skip
    shown = code(call)[:40]
    if any(a.star for a in call.args):
        return f"`{shown}` builds it with * or ** arguments"
    given = [a for a in call.args if a.keyword is not None and a.keyword.value == attr]
    plain = [a for a in call.args if a.keyword is None]
    if attr in positional and positional.index(attr) < len(plain):
        given.append(plain[positional.index(attr)])
    function = next((a for a in _ancestors(call, parents) if isinstance(a, cst.FunctionDef)), None)
    tops = binds(module, top=True)
    own = (binds(function) if function is not None else set()) | tops
    trusted = fresh_ok and not own & _FRESH_CALLS
    for arg in given:
        value = arg.value
        if _fresh(value, trusted) or (
            trusted and isinstance(value, cst.Call) and code(value.func) not in own
            and module_call_is_new(module, value)
        ):  # fmt: skip
            continue
        if not (isinstance(value, cst.Name) and function is not None
                and _handed_over(function, value.value, arg, parents, trusted, own)):  # fmt: skip
            return f"`{shown}` hands {attr} `{code(value)[:30]}`, a list its caller may keep"
    return ""


def _binders(node: cst.CSTNode, name: str) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    for n in walk(node):
        if (
            (isinstance(n, (*_STORES, cst.NamedExpr, cst.Del)) and name in _bare_targets(n.target))
            or (isinstance(n, cst.AsName) and name in _bare_targets(n.name))
            or (isinstance(n, cst.Param | cst.FunctionDef | cst.ClassDef) and n.name.value == name)
            or (isinstance(n, cst.ImportAlias) and _imported_as(n) == name)
        ):
            found.append(n)
    return found


def _handed_over(
    function: cst.FunctionDef,
    name: str,
    arg: cst.Arg,
    parents: dict[int, cst.CSTNode],
    trusted: bool,
    rebound: set[str],
) -> bool:
    """Is the local ``name`` bound once to a new list in ``function``, only grown, tested or
    read there, and handed over (as ``arg``) in its last statement, ``return ...``?"""
    body = function.body.body if isinstance(function.body, cst.IndentedBlock) else ()
    last = body[-1] if body else None
    if (
        not isinstance(last, cst.SimpleStatementLine)
        or len(last.body) != 1
        or not isinstance(last.body[0], cst.Return)
        or not any(n is arg for n in walk(last))
        or any(isinstance(a, SCOPES) for a in _below(arg, function, parents))
        or declares_global(function, name)
        or calls_introspection(function)
    ):
        return False
    binders = _binders(function, name)
    if len(binders) != 1 or not isinstance(binders[0], cst.AssignTarget):
        return False
    target, assign = binders[0].target, parents.get(id(binders[0]))
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return False
    value: cst.BaseExpression | None = assign.value
    if isinstance(target, cst.Tuple):
        items = target.elements
        if any(not isinstance(e, cst.Element) for e in items):
            return False
        values = value.elements if isinstance(value, cst.Tuple) else ()
        if len(values) != len(items) or any(not isinstance(e, cst.Element) for e in values):
            return False
        at = [i for i, e in enumerate(items) if code(e.value) == name]
        value = values[at[0]].value if at else None
    elif not isinstance(target, cst.Name):
        return False
    if value is None or not _fresh(value, trusted):
        return False
    for use in walk(function):
        parent = parents.get(id(use))
        if not isinstance(use, cst.Name) or use.value != name or _label(use, parent):
            continue
        if any(t is use for t in walk(binders[0].target)) or use is arg.value:
            continue
        between = _below(use, function, parents)
        if any(isinstance(a, SCOPES) for a in between):
            return False  # a closure could keep it
        if any(a is last for a in between):
            return False  # used again in the statement that hands it over
        grand = parents.get(id(parent))
        if (
            isinstance(parent, cst.Attribute) and parent.attr.value in _GROWERS
            and isinstance(grand, cst.Call) and grand.func is parent
            and not any(isinstance(n, cst.Name) and n.value == name
                        for a in grand.args for n in walk(a))
        ) or (
            isinstance(parent, cst.ComparisonTarget) and parent.comparator is use
            and isinstance(parent.operator, cst.In | cst.NotIn)
        ):  # fmt: skip
            continue
        if reading_refusal(name, use, parent, grand, False, rebound):
            return False
    return arg.value is not None and not arg.star


def _below(node: cst.CSTNode, top: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> list:
    """The ancestors of ``node`` below ``top``."""
    ancestors = _ancestors(node, parents)
    return ancestors[: ancestors.index(top)]


def _type_test(call: cst.Call, parent: cst.CSTNode | None) -> bool:
    """Is ``type(x)`` compared (``type(x) is str``) or asked for a plain attribute, where it
    makes no instance (a class passed on or called could make one by another road)?"""
    if isinstance(parent, cst.Comparison | cst.ComparisonTarget):
        return True
    return isinstance(parent, cst.Attribute) and not parent.attr.value.startswith("__")
