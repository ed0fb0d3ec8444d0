"""Where the appends of :mod:`efficiency.remediate.codemods.join_builder` are driven from, and
what an unpacking assignment stores in the attribute.

The appends cost quadratic time when one object's attribute is appended to again and again,
whichever loop calls the appending method: a loop of the class, a function of the module that
calls ``exporter.add(item)`` per item, another class's method, or code outside the module that
the profile sampled through the appending method. :func:`driven` says whether the module shows
such a loop; a profile that names an appending method is evidence enough on its own.

:func:`paired_value` pairs an unpacking target with the value it receives, so that a reset
spelled as a swap (``text, self.out = self.out, ""``) is seen to store a str literal.
:func:`counts` tells a number counted up with ``+=`` from a string built with it.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from efficiency.remediate.codemods.join_builder_facts import imported as _imported
from efficiency.remediate.codemods.join_builder_facts import rebinds
from efficiency.remediate.codemods.pysource import code, walk

LOOPS = (cst.For, cst.While, cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def method_called(node: cst.CSTNode) -> tuple[cst.BaseExpression, str] | None:
    """``obj.name(...)`` → (``obj``, ``name``)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return node.func.value, node.func.attr.value
    return None


def driven(module: cst.Module, appenders: set[str], appends: set[int]) -> bool:
    """Does a loop anywhere in the module run one of the ``appends`` (statement ids) or call,
    on any object, a method named like one of the ``appenders``?

    A call by name may reach another class's method of that name: this is evidence of
    repeated appends, not a proof of what runs, and the rewrite's safety does not rest on it.
    """
    for loop in walk(module):
        if not isinstance(loop, LOOPS):
            continue
        for node in walk(loop):
            if id(node) in appends:
                return True
            called = method_called(node)
            if called is not None and called[1] in appenders:
                return True
    return False


def _is_class(node: cst.BaseExpression, cls: str) -> bool:
    """``cls`` itself, ``type(x)`` or ``x.__class__``: where a method is a plain function."""
    if isinstance(node, cst.Name):
        return node.value == cls
    if isinstance(node, cst.Attribute):
        return node.attr.value == "__class__"
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Name)
        and (node.func.value == "type")
    )


def borrowed(module: cst.Module, cls: str, appenders: set[str]) -> str:
    """``Cls.add`` where ``add`` is an appending method (``Cls.add(other, item)``, ``add =
    Cls.add`` in another class, ``getattr(Cls, "add")``): the function could run on an object
    that is not a ``Cls`` and has no list of parts. The reason to refuse, or ''."""
    for node in walk(module):
        name = None
        if isinstance(node, cst.Attribute) and _is_class(node.value, cls):
            name = node.attr.value
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Name)
            and node.func.value == "getattr"
            and len(node.args) >= 2
            and _is_class(node.args[0].value, cls)
            and isinstance(node.args[1].value, cst.SimpleString)
        ):
            name = node.args[1].value.evaluated_value
        if name in appenders:
            return (
                f"{cls}.{name} is read from the class (it could run on an object without the parts)"
            )
    return ""


_TARGETED = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr, cst.CompFor)


def _assigned(module: cst.Module) -> set[str]:
    """The names the module binds outside its defs other than by def, class or import
    (``fmt = lambda x: ...``)."""
    found: set[str] = set()
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Lambda):
            continue
        target = None
        if isinstance(node, _TARGETED):
            target = node.target
        elif isinstance(node, cst.AsName):
            target = node.name
        if target is not None:
            found |= {n.value for n in walk(target) if isinstance(n, cst.Name)}
        stack.extend(node.children)
    return found


def foreign_call(
    module: cst.Module, piece: cst.BaseExpression, method: cst.FunctionDef, methods: set[str]
) -> str:
    """Why a call in an appended ``piece`` rules the rewrite out: its function is a callable
    the module does not define (``self.fmt``, not a method of the class; ``fmt``, a parameter
    or local of the method or a name the module assigns), which could append to the attribute
    itself, an append the original's ``+=`` drops and the parts keep. '' if none."""
    obj = (method.params.posonly_params or method.params.params)[0].name.value
    assigned: set[str] | None = None
    for node in walk(piece):
        if not isinstance(node, cst.Call):
            continue
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            foreign = func.value.value == obj and func.attr.value not in methods
        elif isinstance(func, cst.Name):
            if assigned is None:
                assigned = _assigned(module)
            foreign = rebinds(method, func.value) or func.value in assigned
        else:
            foreign = False
        if foreign:
            return f"`{code(func)}` in an appended piece is a callable the module does not define"
    return ""


#: special methods no expression runs implicitly
_EXPLICIT = frozenset({"__init__", "__enter__", "__exit__", "__aenter__", "__aexit__"})


def implicit_writer(writers: set[str], attr: str, pieces: list[cst.BaseExpression]) -> str:
    """Why a special method of the module that stores ``.attr`` (``__format__``, ``__str__``,
    ``__radd__``...) rules the rewrite out: a piece that is not a str literal could run it
    (an f-string field, ``str + obj``), appending while the original's ``+=`` holds the value
    read before, so the original drops that append and the parts keep it. '' if none."""
    special = sorted(
        w for w in writers if w.startswith("__") and w.endswith("__") and w not in _EXPLICIT
    )
    if not special or all(isinstance(p, cst.SimpleString) for p in pieces):
        return ""
    return f"{special[0]} stores .{attr}, and an appended piece could run it implicitly"


#: modules whose str subclasses add differently (``Markup`` escapes the other operand)
_ODD_STRS = frozenset({"markupsafe"})
_ADDITION = frozenset({"__add__", "__radd__", "__iadd__"})


def odd_addition(module: cst.Module) -> str:
    """Why a str subclass of the module (or markupsafe's ``Markup``) rules the rewrite out: it
    could be appended, and its ``+`` (``__radd__`` runs first on a subclass) is not what a
    join of the parts computes. '' if none."""
    for node in walk(module):
        if isinstance(node, cst.ClassDef) and any(
            isinstance(b.value, cst.Name) and b.value.value == "str" for b in node.bases
        ):
            own = sorted(
                s.name.value
                for s in node.body.body
                if isinstance(s, cst.FunctionDef) and s.name.value in _ADDITION
            )
            if own:
                why = f"{node.name.value} subclasses str and defines {own[0]}"
                return f"{why} (it could be appended, and its + is not a join)"
        if isinstance(node, cst.Import | cst.ImportFrom):
            odd = sorted(_imported(node) & _ODD_STRS)
            if odd:
                why = f"the module imports {odd[0]}"
                return f"{why} (a Markup could be appended, and its + is not a join)"
    return ""


def _number(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.UnaryOperation):
        return _number(node.expression)
    return isinstance(node, cst.Integer | cst.Float | cst.Imaginary)


def counts(module: cst.Module, attr: str, pieces: list[cst.BaseExpression]) -> bool:
    """Is ``.attr`` a number (``self.n = 0``, ``self.n += 1``): a counter, not a string being
    built, so neither rewritten nor worth a refusal note?"""
    if any(_number(p) for p in pieces):
        return True
    for node in walk(module):
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AnnAssign):
            targets = [node.target]
        else:
            continue
        if _number(node.value) and any(
            isinstance(t, cst.Attribute) and t.attr.value == attr for t in targets
        ):
            return True
    return False


def _unpackable(node: cst.BaseExpression) -> list[cst.BaseElement] | None:
    if isinstance(node, cst.Tuple | cst.List):
        elements = list(node.elements)
        if not any(isinstance(e, cst.StarredElement) for e in elements):
            return elements
    return None


def _pairs(
    target: cst.BaseExpression, value: cst.BaseExpression | None
) -> Iterator[tuple[cst.CSTNode, cst.BaseExpression | None]]:
    """The leaves of an assignment target, each with the expression it receives (None where
    the value is not a display of the same shape, or the leaf is starred)."""
    targets = _unpackable(target)
    if targets is None:
        if isinstance(target, cst.Tuple | cst.List):  # a starred target: nothing pairs
            for element in target.elements:
                yield from _pairs(element.value, None)
            return
        yield target, value
        return
    values = _unpackable(value) if value is not None else None
    if values is None or len(values) != len(targets):
        for element in targets:
            yield from _pairs(element.value, None)
        return
    for t, v in zip(targets, values, strict=True):
        yield from _pairs(t.value, v.value)


def paired_value(assign: cst.Assign, node: cst.CSTNode) -> cst.BaseExpression | None:
    """What ``node``, a leaf of one of ``assign``'s unpacking targets, is set to: the item of
    the same position in a tuple or list display of the same shape (``a, x.t = b, ""`` sets
    ``x.t`` to ``""``); None when that cannot be read from the statement."""
    for target in assign.targets:
        for leaf, value in _pairs(target.target, assign.value):
            if leaf is node:
                return value
    return None
