"""Where the list of :mod:`~efficiency.remediate.codemods.attr_set` is bound (a class attribute,
an instance attribute bound in ``__init__``/``__post_init__``; the dataclass field is
:mod:`~efficiency.remediate.codemods.attr_set_fields`'s) and what a proved one is."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from efficiency.remediate.codemods.attr_set_fields import FieldShape
from efficiency.remediate.codemods.attr_set_growth import init_growth
from efficiency.remediate.codemods.attr_set_targets import _first_param, _rebinds
from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _fresh
from efficiency.remediate.codemods.new_lists import module_call_is_new
from efficiency.remediate.codemods.pysource import code, walk

#: builtins the rewrite calls
USED = frozenset({"type", "str", "int", "frozenset", "all", "isinstance"})
#: where an instance attribute may be bound
_INITS = frozenset({"__init__", "__post_init__"})


@dataclass
class AttrSite:
    cls: cst.ClassDef
    attr: str
    #: the statement line that binds the list (the set is made right after it)
    init: cst.SimpleStatementLine
    #: ``self`` of ``__init__`` for an instance attribute, "" for a class attribute
    holder: str
    #: the ``__init__`` (or ``__post_init__``) def, for an instance attribute
    method: cst.FunctionDef | None
    #: the membership tests -> the name of the object they read the attribute of
    tests: dict[int, str] = field(default_factory=dict)
    nodes: list[cst.Comparison] = field(default_factory=list)
    #: filled by the caller: the set's attribute name and the probe's local name
    shadow: str = ""
    probe: str = ""
    #: a dataclass field: where its set is made (in ``__post_init__``)
    shape: FieldShape | None = None
    #: what accepting a public name rests on, for the summary ('' for a private one)
    assumed: str = ""
    #: the statement of ``__init__`` after which the set is made, when ``__init__`` grows the
    #: list after binding it (None: right after ``init``)
    after: cst.BaseStatement | None = None
    #: the ``.attr`` nodes of that growth, proven by
    #: :mod:`~efficiency.remediate.codemods.attr_set_growth`
    grown: set[int] = field(default_factory=set)


def class_site(cls: cst.ClassDef, attr: str, fresh_ok: bool) -> tuple[AttrSite | None, str]:
    found = []
    for line in cls.body.body:
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1:
            stmt = line.body[0]
            if isinstance(stmt, cst.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0].target, stmt.value
            elif isinstance(stmt, cst.AnnAssign) and stmt.value is not None:
                if cls.decorators:
                    continue  # an annotated name in a dataclass is a field
                target, value = stmt.target, stmt.value
            else:
                continue
            if isinstance(target, cst.Name) and target.value == attr:
                found.append((line, value))
    uses = [
        n
        for line in cls.body.body
        if not isinstance(line, cst.FunctionDef | cst.ClassDef)
        for n in walk(line)
        if isinstance(n, cst.Name) and n.value == attr
    ]
    defs = [
        line
        for line in cls.body.body
        if isinstance(line, cst.FunctionDef | cst.ClassDef) and line.name.value == attr
    ]
    if len(found) != 1 or len(uses) != 1 or defs:
        return None, f"{attr} is bound or used by name in the class body other than once"
    line, value = found[0]
    own = binds(cls, top=True)
    if own & USED:
        return None, f"the class body binds {', '.join(sorted(own & USED))}"
    if not _fresh(value, fresh_ok and not own & _FRESH_CALLS):
        return None, not_fresh(attr, value)
    return AttrSite(cls, attr, line, "", None), ""


def instance_site(
    module: cst.Module,
    cls: cst.ClassDef,
    attr: str,
    store: cst.Attribute,
    parents: dict[int, cst.CSTNode],
    fresh_ok: bool,
) -> tuple[AttrSite | None, str]:
    assign = parents.get(id(store))
    stmt = parents.get(id(assign)) if isinstance(assign, cst.AssignTarget) else assign
    line = parents.get(id(stmt))
    method = parents.get(id(parents.get(id(line))))
    if (
        not isinstance(stmt, cst.Assign | cst.AnnAssign)
        or not isinstance(line, cst.SimpleStatementLine)
        or len(line.body) != 1
        or (isinstance(stmt, cst.Assign) and len(stmt.targets) != 1)
        or stmt.value is None
        or not isinstance(method, cst.FunctionDef)
        or method.name.value not in _INITS
        or parents.get(id(parents.get(id(method)))) is not cls
    ):
        return None, (
            f".{attr} is not bound by a statement of its own in the body of "
            f"{cls.name.value}.__init__ or __post_init__"
        )
    first = _first_param(method)
    holder = code(store.value)
    if first is None or first.name.value != holder or _rebinds(method, holder, first):
        return None, f"{code(store)} does not store on the instance being made"
    if USED & binds(method):
        return None, f"{method.name.value} rebinds a builtin the rewrite calls"
    own = binds(method)
    trusted = fresh_ok and not own & _FRESH_CALLS
    if not _fresh(stmt.value, trusted) and not (
        trusted
        and isinstance(stmt.value, cst.Call)
        and code(stmt.value.func) not in own
        and module_call_is_new(module, stmt.value)
    ):
        return None, not_fresh(attr, stmt.value)
    growth, why = init_growth(module, cls, method, holder, line, attr, parents)
    if why:
        return None, why
    site = AttrSite(cls, attr, line, holder, method)
    if growth is not None:
        site.after, site.grown = growth.after, growth.uses
    return site, ""


def not_fresh(attr: str, value: cst.BaseExpression) -> str:
    return (
        f"{attr} = `{code(value)[:40]}` may be a list something else holds and changes "
        "(only a display, a comprehension, list()/tuple()/sorted(), + of them "
        "or a module function returning a new list)"
    )
