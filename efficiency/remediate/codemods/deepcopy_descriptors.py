"""Attribute reads of any object that may run the module's own code (``deepcopy-read-only``).

``deepcopy_hooks`` keeps a copy when a read of ``self``/``cls`` runs code of the function's own
class. Any other attribute read may run code of a class of the module just as well: a
``@property``, a ``functools.cached_property``, a class attribute holding a descriptor
(``label = Spoiler()``, whose ``__get__`` runs), one patched on later (``Round.label =
property(spoil)``), or a ``__getattr__``/``__getattribute__`` answering the read. Its code may
change the original while the alias that replaces the copy is read::

    @dataclass
    class Round:
        tag: str

        @property
        def label(self):
            SEASON["rules"]["win"] += 10 ...

    def score(r: Round):
        p = copy.deepcopy(SEASON)      # stays: p was read after r.label changed SEASON
        name = r.label ...

The receiver's class is rarely known, so the attribute's name decides: a read ``x.name`` is
suspect when some class of the module (at any depth) binds ``name`` to anything but plain data
or an undecorated, static or class method (``deepcopy_hooks.plain_attributes``), or some
statement assigns ``<module class>.name``; and every read is, when a class of the module has a
``__getattr__``/``__getattribute__``, or defines ``__get__`` while the module calls
``setattr`` or stores to ``type(...).name``. A suspect read keeps the copy where it may run
while the copy is read (in the copying function, ``deepcopy_live`` judges when; in a function
or method it calls, always). Not suspect: a read of an imported module's or class's name
(``math.pi``), a field of a plain dataclass the annotations name, which no class of the module
derives from (``deepcopy_types``), and a harmless ``@property``: ``property`` not rebound, the
name bound once in its class, ``self`` its only parameter, its body (after a docstring) one
``return`` of an expression of names, literals, operators, subscripts, comprehensions, calls
of the builtins below and attribute reads that are themselves not suspect (such properties may
read each other, least fixed point) - and no class of the module defines a dunder that an
operator, a subscript or those builtins could run. What stays assumed: classes imported from
elsewhere run no code on reads (as everywhere in ``deepcopy-read-only``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import libcst as cst

from efficiency.remediate.codemods.deepcopy_hooks import plain_attributes
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import code, walk

_HOOKS = ("__getattr__", "__getattribute__")
#: builtins a harmless property may call (none runs code of its arguments but dunders)
_BUILTINS = frozenset({"sum", "round", "max", "min", "len", "any", "all", "abs", "str"})
_BUILTINS |= frozenset({"int", "float", "bool", "sorted", "tuple", "list", "set", "frozenset"})
#: dunders a class may define without a harmless property's operators reaching them
_QUIET = frozenset({"__init__", "__post_init__", "__new__", "__init_subclass__", "__slots__"})
#: nodes a harmless property's returned expression may hold (besides those judged below)
_EXPRESSIONS = (
    cst.BinaryOperation,
    cst.UnaryOperation,
    cst.BooleanOperation,
    cst.Comparison,
    cst.ComparisonTarget,
    cst.IfExp,
    cst.Subscript,
    cst.SubscriptElement,
    cst.Index,
    cst.Tuple,
    cst.Element,
    cst.Arg,
    cst.GeneratorExp,
    cst.ListComp,
    cst.CompFor,
    cst.CompIf,
    cst.Integer,
    cst.Float,
    cst.SimpleString,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.FormattedStringExpression,
    cst.FormattedStringText,
    cst.BaseNumber,
    cst.BaseBinaryOp,
    cst.BaseUnaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.LeftParen,
    cst.RightParen,
    cst.Comma,
    cst.BaseParenthesizableWhitespace,
    cst.Colon,
)


class Descriptors:
    """What reading an attribute may run, as far as the classes of one module tell."""

    def __init__(self, module: cst.Module, bound: Mapping[str, int]) -> None:
        classes = [n for n in walk(module) if isinstance(n, cst.ClassDef)]
        names = {c.name.value for c in classes}
        #: the attribute names whose read may run code, with the class that binds them
        self.suspect: dict[str, str] = {}
        #: why every read may run code (a hook of a class), or None
        self.everything: str | None = None
        #: classes some class of the module derives from
        self.bases = {code(b.value) for c in classes for b in c.bases}
        self.imported = _imported(module, bound)
        dunders: set[str] = set()
        #: each name some class binds to more than data or a method: the classes (None for
        #: one patched on from outside the class body)
        candidates: dict[str, list[tuple[str, cst.ClassDef | None]]] = {}
        for owner in classes:
            attributes = plain_attributes(owner, module, bound)
            for hook in (h for h in _HOOKS if h in attributes.bound):
                self.everything = self.everything or f"{owner.name.value}'s {hook}"
            dunders |= {n for n in attributes.bound if n.startswith("__") and n.endswith("__")}
            for name in sorted(attributes.bound - attributes.plain):
                candidates.setdefault(name, []).append((owner.name.value, owner))
        for name, patched in _patched(module, names).items():
            candidates.setdefault(name, []).append((patched, None))
        if "__get__" in dunders and _stores_anywhere(module, bound):
            self.everything = self.everything or "a descriptor class stored by setattr/type()"
        quiet = not (dunders - _QUIET) and not bound.get("property")
        harmless: set[str] = set()
        while True:  # the least fixed point: properties reading only harmless ones
            unsure = candidates.keys() - harmless
            more = {
                name
                for name in unsure
                if quiet
                and all(
                    owner is not None and _harmless(owner, name, unsure, bound)
                    for _, owner in candidates[name]
                )
            }
            if not more:
                break
            harmless |= more
        for name in candidates.keys() - harmless:
            self.suspect[name] = candidates[name][0][0]

    def refusal(
        self, function: cst.FunctionDef, types: Types, skip: Iterable[cst.CSTNode] = ()
    ) -> list[tuple[cst.Attribute, str]]:
        """The attribute reads in ``function`` (but those under ``skip``) that may run code of
        a class of the module, each with why."""
        skipped = {id(n) for s in skip for n in walk(s)}
        stores = {
            id(n.target) for n in walk(function.body) if isinstance(n, cst.AssignTarget | cst.Del)
        }
        found = []
        for node in walk(function.body):
            if not isinstance(node, cst.Attribute) or id(node) in skipped or id(node) in stores:
                continue
            why = self._why(node, types)
            if why is not None:
                found.append((node, why))
        return found

    def _why(self, node: cst.Attribute, types: Types) -> str | None:
        receiver = node.value
        if isinstance(receiver, cst.Name) and receiver.value in self.imported - types.bound.keys():
            return None  # a module's or an imported class's attribute
        name = node.attr.value
        kind = types.type_of(receiver)
        fields = types.fields(kind)
        if isinstance(fields, dict) and name in fields and code(kind) not in self.bases:
            return None  # a field of a plain dataclass: generated, no code
        if self.everything is not None:
            return f"reads {code(node)}, which {self.everything} may answer"
        owner = self.suspect.get(name)
        if owner is None:
            return None
        return (
            f"reads {code(node)}, which may be a property or descriptor of {owner} that runs "
            "code (it is not shown to only read fields)"
        )


def _imported(module: cst.Module, bound: Mapping[str, int]) -> set[str]:
    """Names bound once, by a top-level import: a module or a class from elsewhere."""
    found: set[str] = set()
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for small in line.body:
            if not isinstance(small, cst.Import | cst.ImportFrom) or isinstance(
                small.names, cst.ImportStar
            ):
                continue
            for alias in small.names:
                target = alias.asname.name if alias.asname else alias.name
                while isinstance(target, cst.Attribute):
                    target = target.value
                if isinstance(target, cst.Name) and bound.get(target.value) == 1:
                    found.add(target.value)
    return found


def _patched(module: cst.Module, classes: set[str]) -> dict[str, str]:
    """Attribute names assigned on a class of the module by name (``Round.label = ...``)."""
    found: dict[str, str] = {}
    for node in walk(module):
        targets: list[cst.BaseExpression] = []
        if isinstance(node, cst.Assign):
            targets = [t.target for t in node.targets]
        elif isinstance(node, cst.AnnAssign | cst.AugAssign):
            targets = [node.target]
        for target in targets:
            for part in walk(target):
                if (
                    isinstance(part, cst.Attribute)
                    and isinstance(part.value, cst.Name)
                    and part.value.value in classes
                ):
                    found.setdefault(part.attr.value, part.value.value)
    return found


def _stores_anywhere(module: cst.Module, bound: Mapping[str, int]) -> bool:
    """Does the module call ``setattr`` or assign an attribute of ``type(...)``?"""
    for node in walk(module):
        if isinstance(node, cst.Name) and node.value == "setattr":
            return True
        if (
            isinstance(node, cst.AssignTarget | cst.AugAssign)
            and isinstance(node.target, cst.Attribute)
            and isinstance(node.target.value, cst.Call)
        ):
            return True
    return False


def _harmless(owner: cst.ClassDef, name: str, unsure: set[str], bound: Mapping[str, int]) -> bool:
    """Is ``owner``'s ``name`` a property whose getter only returns an expression of reads
    (see the module's docstring), given the names whose reads are still ``unsure``?"""
    body = owner.body.body if isinstance(owner.body, cst.IndentedBlock) else ()
    defs = [s for s in body if isinstance(s, cst.FunctionDef) and s.name.value == name]
    others = [s for s in body if not isinstance(s, cst.FunctionDef) and name in _mentioned(s)]
    if len(defs) != 1 or others:
        return False
    getter = defs[0]
    params = getter.params
    if [code(d.decorator) for d in getter.decorators] != ["property"] or getter.asynchronous:
        return False
    if params.posonly_params or params.kwonly_params or params.star_kwarg is not None:
        return False
    if isinstance(params.star_arg, cst.Param | cst.ParamStar):
        return False
    if len(params.params) != 1 or params.params[0].default is not None:
        return False
    lines = list(getter.body.body) if isinstance(getter.body, cst.IndentedBlock) else []
    if lines and _docstring(lines[0]):
        lines = lines[1:]
    if len(lines) != 1 or not isinstance(lines[0], cst.SimpleStatementLine):
        return False
    returned = lines[0].body[0] if len(lines[0].body) == 1 else None
    if not isinstance(returned, cst.Return) or returned.value is None:
        return False
    return _reads_only(returned.value, unsure, bound)


def _reads_only(value: cst.BaseExpression, unsure: set[str], bound: Mapping[str, int]) -> bool:
    for node in walk(value):
        if isinstance(node, cst.Attribute):
            if node.attr.value in unsure:
                return False
        elif isinstance(node, cst.Call):
            func = node.func
            if (
                not isinstance(func, cst.Name)
                or func.value not in _BUILTINS
                or bound.get(func.value)
            ):
                return False
        elif isinstance(node, cst.Name | cst.Dot):
            continue
        elif not isinstance(node, _EXPRESSIONS):
            return False
    return True


def _docstring(line: cst.CSTNode) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, cst.SimpleString)
    )


def _mentioned(statement: cst.CSTNode) -> set[str]:
    return {n.value for n in walk(statement) if isinstance(n, cst.Name)}
