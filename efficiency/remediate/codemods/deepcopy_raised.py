"""Exception classes of the module that are as plain as the builtin ones (``deepcopy-read-only``).

Making a builtin exception (``raise ValueError(...)``) runs no code of the module and keeps
nothing but its arguments (``deepcopy_builtins.EXCEPTIONS``). A module's own exception class
written in the same spirit does the same::

    class ProposalError(ValueError):
        pass

    def _check(self, proposal):                 # called while (or before) the copy is read
        if proposal.region not in self.climates:
            raise ProposalError(f"{proposal.ref}: unknown region")

``plain_exceptions`` names the classes of the module taken as such. Each is defined by a
``class`` statement at module level, the only binding of its name anywhere in the module (no
star import), with no decorator, metaclass or other class keyword, and bases that are plain
names, each a builtin exception class (not rebound) or another such class of the module. Its
body holds only a docstring (or other string), ``pass``, class attributes bound to a literal
(a number, string, bytes, ``True``/``False``/``None``: no descriptor, nothing with
``__set_name__``) and at most one plain ``__init__``: not decorated nor async, ``self`` then
parameters with literal defaults (no ``*args``/``**kwargs``), whose body is a docstring,
``super().__init__(...)`` (the builtin ``super``, not rebound) and ``self.name = value``,
each value a parameter, a literal or an f-string of parameters. So making one runs the
builtin ``__new__``, which stores its arguments in ``args``, that ``__init__`` and the
builtin one: nothing that can change data or keep anything but its own arguments. No name
bound in the class or stored on ``self`` is a dunder or an attribute of a builtin base
(``args``, ``errno``...: their setters convert and may run code).

The module must not patch the class either: no store to or ``del`` of an attribute of its
name, no ``setattr``/``globals``/``vars``/``exec``/``eval`` nor ``__dict__``/``__globals__``
(``deepcopy_names.rebinds``), no mention of ``__setattr__``, no store to a dunder attribute
of anything and no class reached from another object (``type(exc)``, ``exc.__class__``,
``Sub.__bases__``...) but to read its name or compare it (``deepcopy_reached``); and its name
is used only as its class statement's name, called, raised, caught by an ``except`` clause,
read an attribute of, tested by ``isinstance``/``issubclass``, in an annotation, or as a base
of a class at module level with no decorator and no keyword (a metaclass or decorator would be
handed the class and could patch it through ``__mro__``). What stays assumed, as for the plain
dataclasses of ``deepcopy_types``: that no other module patches or rebinds the class.

The instance holds the call's arguments (in ``args`` or as attributes), so a read of the copy
given to one follows the rule of a builtin exception: it must be an immutable scalar or a value
that keeps nothing of the copy (``deepcopy_reads``).
"""

from __future__ import annotations

import builtins

import libcst as cst

from efficiency.remediate.codemods.deepcopy_builtins import EXCEPTIONS
from efficiency.remediate.codemods.deepcopy_helpers import module_bindings
from efficiency.remediate.codemods.deepcopy_names import rebinds
from efficiency.remediate.codemods.deepcopy_reached import NAMES, reaches_classes
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import code, walk

_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
_STORES = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Del, cst.For, cst.CompFor)


def plain_exceptions(module: cst.Module) -> frozenset[str]:
    """The names of the module's exception classes whose making runs no code of the module
    beyond storing its arguments (above); the last module's answer is kept."""
    if _LAST and _LAST[0][0] is module:
        return _LAST[0][1]
    found = _judge(module)
    _LAST[:] = [(module, found)]
    return found


def module_exception(call: cst.CSTNode | None, module: cst.Module) -> str | None:
    """The name of the plain exception class of ``module`` that ``call`` makes (with no
    ``*args``/``**kwargs``, which would run unknown iterators), or None."""
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Name):
        return None
    if call.func.value not in plain_exceptions(module) or any(a.star for a in call.args):
        return None
    return call.func.value


#: the module judged last and its plain exception classes
_LAST: list[tuple[cst.Module, frozenset[str]]] = []


def _judge(module: cst.Module) -> frozenset[str]:
    bound = module_bindings(module)
    if "*" in bound or rebinds(module):
        return frozenset()
    if any(isinstance(n, cst.Attribute) and n.attr.value == "__setattr__" for n in walk(module)):
        return frozenset()
    if reaches_classes(module, bound):  # ``type(exc).__init__ = hook`` (deepcopy_reached)
        return frozenset()
    classes = {c.name.value: c for c in module.body if isinstance(c, cst.ClassDef)}
    # a class patched or handed on is no plain class, nor is one deriving from it (its
    # making runs the base's ``__init__``, which may have been patched)
    judged: dict[str, set[str] | None] = dict.fromkeys(_misused(module, set(classes), bound))
    for name in classes:
        _plain(name, classes, bound, judged)
    return frozenset(name for name, hidden in judged.items() if hidden is not None)


def _builtin(name: str, bound: dict[str, int]) -> bool:
    return name in EXCEPTIONS and name not in bound


def _plain(
    name: str,
    classes: dict[str, cst.ClassDef],
    bound: dict[str, int],
    judged: dict[str, set[str] | None],
) -> set[str] | None:
    """The attributes of the builtin exception classes ``name`` derives from, where it is a
    plain exception class (``judged`` keeps the answers), else None."""
    if name in judged:
        return judged[name]
    judged[name] = None  # a cycle of bases is no plain class
    node = classes[name]
    if bound.get(name) != 1 or node.decorators or node.keywords or not node.bases:
        return None
    hidden = set(dir(BaseException))  # the attributes of the builtin bases reached
    for base in node.bases:
        value = base.value
        if base.keyword is not None or base.star or not isinstance(value, cst.Name):
            return None
        if _builtin(value.value, bound):
            hidden |= set(dir(getattr(builtins, value.value)))
            continue
        reached = _plain(value.value, classes, bound, judged) if value.value in classes else None
        if reached is None:
            return None
        hidden |= reached
    judged[name] = hidden if _body_plain(node, hidden, bound) else None
    return judged[name]


def _free(attr: str, hidden: set[str]) -> bool:
    """May ``attr`` be bound on the class or an instance without touching a hook or a field
    of the builtin base (a dunder, ``args``, ``errno``...)?"""
    return not (attr.startswith("__") and attr.endswith("__")) and attr not in hidden


def _literal(node: cst.BaseExpression | None) -> bool:
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        node = node.expression
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    return isinstance(node, _LITERALS) and not any(
        isinstance(n, cst.FormattedString) for n in walk(node)
    )


def _statements(block: cst.BaseSuite) -> list[cst.CSTNode]:
    """The statements of a block, those of one-line statements one by one."""
    if isinstance(block, cst.SimpleStatementSuite):
        return list(block.body)
    found: list[cst.CSTNode] = []
    for statement in block.body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(statement.body)
        else:
            found.append(statement)
    return found


def _docstring(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.Expr) and _literal(statement.value)


def _body_plain(node: cst.ClassDef, hidden: set[str], bound: dict[str, int]) -> bool:
    inits = 0
    for statement in _statements(node.body):
        if isinstance(statement, cst.Pass) or _docstring(statement):
            continue
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
            inits += 1
            if not _init_plain(statement, hidden, bound):
                return False
            continue
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0].target, statement.value
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            return False
        if not (isinstance(target, cst.Name) and _free(target.value, hidden) and _literal(value)):
            return False
    return inits <= 1


def _init_plain(init: cst.FunctionDef, hidden: set[str], bound: dict[str, int]) -> bool:
    """Is ``init`` an ``__init__`` that only hands its parameters to the builtin one and
    stores them on ``self``?"""
    params = init.params
    if init.decorators or init.asynchronous or params.star_kwarg is not None:
        return False
    if isinstance(params.star_arg, cst.Param):
        return False  # ``*args``; a bare ``*`` only marks keyword-only parameters
    listed = [*params.posonly_params, *params.params, *params.kwonly_params]
    if not listed or any(p.default is not None and not _literal(p.default) for p in listed):
        return False
    own, names = listed[0].name.value, {p.name.value for p in listed[1:]}
    supers = 0
    for statement in _statements(init.body):
        if _docstring(statement) or isinstance(statement, cst.Pass):
            continue
        if isinstance(statement, cst.Expr) and _super_init(statement.value, names, bound):
            supers += 1
            continue
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0].target, statement.value
        elif isinstance(statement, cst.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            return False
        stored = (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == own
            and _free(target.attr.value, hidden)
        )
        if not stored or not _value(value, names):
            return False
    return supers <= 1


def _super_init(node: cst.BaseExpression, names: set[str], bound: dict[str, int]) -> bool:
    """``super().__init__(a, b, ...)`` with the builtin ``super`` and plain values."""
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute):
        return False
    made = node.func.value
    if node.func.attr.value != "__init__" or not isinstance(made, cst.Call) or made.args:
        return False
    if not isinstance(made.func, cst.Name) or made.func.value != "super" or "super" in bound:
        return False
    return all(a.keyword is None and not a.star and _value(a.value, names) for a in node.args)


def _value(node: cst.BaseExpression, names: set[str]) -> bool:
    """A parameter, a literal or an f-string of parameters (a new str)."""
    if isinstance(node, cst.Name) and node.value in names:
        return True
    if isinstance(node, cst.FormattedString):
        return all(
            isinstance(part, cst.FormattedStringText)
            or (
                isinstance(part.expression, cst.Name)
                and part.expression.value in names
                and (
                    part.format_spec is None
                    or all(isinstance(s, cst.FormattedStringText) for s in part.format_spec)
                )
            )
            for part in node.parts
        )
    return _literal(node)


def _misused(module: cst.Module, names: set[str], bound: dict[str, int]) -> set[str]:
    """Those of ``names`` the module patches or hands on as a value (above)."""
    parents: dict[int, cst.CSTNode] = {}
    for node in walk(module):
        for child in node.children:
            parents[id(child)] = node
    bad: set[str] = set()
    for node in walk(module):
        target = node.name if isinstance(node, cst.AsName) else getattr(node, "target", None)
        if isinstance(node, (*_STORES, cst.AsName)) and target is not None:
            for part in walk(target):  # ``N.x = ...``, ``del N.x``, ``N.x[k] = ...``
                root = part
                while isinstance(root, cst.Attribute | cst.Subscript):
                    root = root.value
                if root is not part and isinstance(root, cst.Name):
                    bad.add(root.value)
        if (
            isinstance(node, cst.Name)
            and node.value in names
            and _passed(node, parents, module, bound)
        ):
            bad.add(node.value)
    return bad


def _passed(
    name: cst.Name, parents: dict[int, cst.CSTNode], module: cst.Module, bound: dict[str, int]
) -> bool:
    """Is the class name ``name`` used otherwise than as listed above?"""
    parent = parents.get(id(name))
    if isinstance(parent, cst.ClassDef | cst.Call) and name in (
        getattr(parent, "name", None),
        getattr(parent, "func", None),
    ):
        return False  # its own class statement's name, or called
    if isinstance(parent, cst.Attribute):
        if parent.attr is name:
            return False  # ``x.N``: another object's attribute
        attr = parent.attr.value
        return attr.startswith("__") and attr.endswith("__") and attr not in NAMES
    if isinstance(parent, cst.Arg) and parent.keyword is name:
        return False  # ``f(N=...)``: a keyword
    if isinstance(parent, cst.Raise):
        return False  # ``raise N`` / ``raise x from N``: made with no argument
    holder: cst.CSTNode = name
    if isinstance(parent, cst.Element) and isinstance(parents.get(id(parent)), cst.Tuple):
        holder = parents[id(parent)]  # ``except (N, M)``, ``isinstance(x, (N, M))``
        parent = parents.get(id(holder))
    if isinstance(parent, cst.ExceptHandler | cst.ExceptStarHandler) and parent.type is holder:
        return False
    if isinstance(parent, cst.Arg) and parent.keyword is None and not parent.star:
        owner = parents.get(id(parent))
        if isinstance(owner, cst.ClassDef) and holder is name:
            top = any(s is owner for s in module.body)
            return bool(owner.decorators or owner.keywords) or not top
        test = isinstance(owner, cst.Call) and isinstance(owner.func, cst.Name)
        if test and owner.func.value in ("isinstance", "issubclass"):  # type: ignore
            return owner.func.value in bound or owner.args[1] is not parent  # type: ignore
    node: cst.CSTNode | None = name
    while node is not None:
        if isinstance(node, cst.Annotation):
            return False
        node = parents.get(id(node))
    return True


def raise_refusal(node: cst.Raise, types: Types) -> str | None:
    """Why ``raise X`` (or ``raise ... from X``) could run code: ``X``, a name, may be a class,
    which ``raise`` makes an instance of with no argument, running its ``__init__``. None for a
    call (judged as any call), a builtin exception class (not rebound), a plain exception class
    of the module, ``None`` or a name the function binds only by ``except ... as`` (an
    instance)."""
    caught = {
        id(h.name)
        for h in walk(types.function)
        if isinstance(h, cst.ExceptHandler | cst.ExceptStarHandler) and h.name is not None
    }
    for raised in (node.exc, node.cause.item if node.cause is not None else None):
        if raised is None or isinstance(raised, cst.Call):
            continue
        shown = code(raised)
        if not isinstance(raised, cst.Name):
            return f"the function raises {shown}, which may be a class whose making runs code"
        name = raised.value
        binds = types.bound.get(name)
        if binds is not None:
            instance = all(id(b) in caught for b in binds)
        else:
            builtin = name in EXCEPTIONS and not types.shadowed(name)
            instance = builtin or name == "None" or name in plain_exceptions(types.module)
        if not instance:
            return f"the function raises {name}, which may be a class whose making runs code"
    return None
