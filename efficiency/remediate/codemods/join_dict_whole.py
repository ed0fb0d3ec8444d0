"""The str values of a local dict grown with ``d[k] += piece``, kept as lists of parts for the
dict's whole life in the function (part of ``join-strings``; tried before
:mod:`~efficiency.remediate.codemods.join_dict_local`, which runs when this refuses).

Every use of ``d`` in the function is rewritten, so that no read ever lags::

    bodies: dict[str, str] = {}              bodies: dict[str, list[str]] = {}
    for art in articles:                     for art in articles:
        if art.key not in bodies:      →         if art.key not in bodies:
            bodies[art.key] = "# x\\n"                bodies[art.key] = ["# x\\n"]
        bodies[art.key] += line(art)             bodies[art.key].append(line(art))
    return {k: bodies[k] for k in bodies}    return {k: "".join(bodies[k]) for k in bodies}

The accepted uses: the one binding (``{}``, ``dict()``, ``defaultdict(str)`` → ``defaultdict
(list)``, a dict display of str literal keys and exact-str values → ``[v]``, ``[]`` for
``""``); ``d[k] += piece`` → ``d[k].append(piece)``; ``d[k] = d[k] + a + b`` →
``d[k].extend((a, b))`` when ``k`` is a literal or a local name the pieces cannot rebind (a
parameter, or bound in the body outside comprehensions, whose targets are their own);
``d[k] = v`` with ``v`` an exact str (:mod:`~efficiency.remediate.codemods.join_exact`) →
``d[k] = [v]``; an item read ``d[k]`` → ``"".join(d[k])`` (in comprehensions too); key-only
uses stay: ``k in d``, ``k not in d`` (last in a chain: ``k in d == e`` compares ``d``
too), ``for k in d`` (comprehensions too), ``len(d)``,
``sorted(d)`` and the other key-reading builtins the module does not rebind, ``if d``, ``not
d`` (also as an operand of ``and``/``or`` whose truth alone is used), ``del d[k]``,
``d.clear()``. The signature (defaults, annotations, decorators) is evaluated in the
enclosing scope, so a ``d`` there is another variable and is left as it is.

Why it is exact: every value of ``d`` is an exact str in the original (it starts as one and
grows by str pieces) and a list whose join is that str in the rewrite, at every moment, so a
read sees the same str; ``d[k]`` is looked up before the piece runs in both (a missing key
raises ``KeyError`` there for a plain dict; a ``defaultdict`` inserts ``""`` or ``[]``, which
joins to ``""``, so keys come in the same order); a raising piece leaves the item as it was in
both. Nothing needs a ``finally``: loops, ``break``, ``return`` and exceptions see no lag.

What must hold, else the reason is given (and ``join_dict_local`` is tried): the binding rules
and function rules of ``join_dict_local`` (a plain local of an ordinary function bound once by
its own statement; no nested function, lambda or class naming ``d``; no
``locals()``-style call or frame access; not a generator or ``async``); every other use of
``d`` refused: a method other than ``clear`` (``.get``/``.items``/``.values``/``.pop``...), ``d``
passed, returned, stored, aliased, yielded or compared; an item stored other than as an exact
str, or by another augmented operator; an append in a ``try``/``with`` of the function
(``s += x`` raises ``TypeError`` for a non-str ``x`` there, which a handler would catch,
while ``list.append`` does not); a piece calling ``d.clear()`` (the original stores into the
emptied dict, ``append`` into a list no longer in it); a read inside nested f-strings quoting
with both ``'`` and ``"`` (the join's quotes would end one), or in the expression of a
debugging field ``f"{d[k]=}"`` (which shows its source text). ``is``/``is not`` other than
against ``None``/``True``/``False``/``...``, or ``id()``, anywhere in the function (each read
joins a new str, where the original's reads of an unchanged item gave one object). Counters
(``d[k] += 1``) are passed by silently.

Assumed, as for the other ``join-strings`` stages: the pieces are str. A piece of another
type makes the original raise ``TypeError`` at that ``+=``, the rewrite at the next read; a
str subclass's ``__radd__`` is not consulted by ``join``. Residual: a key whose
``__hash__``/``__eq__`` has effects is hashed fewer times; code outside the function comparing
the identities of strs it read (returned, passed) sees new objects; the function's frame read from
elsewhere (a debugger) shows lists.

Rewritten only where the profile blames it: in the selected function(s), and, when the
profile's sampled lines are given, only a dict one of whose appends holds one of them (and
only a dict appended to in a loop at all).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ParentNodeProvider,
    PositionProvider,
)

from efficiency.remediate.codemods.join_attribute_uses import is_reference
from efficiency.remediate.codemods.join_builder_facts import rebinds
from efficiency.remediate.codemods.join_dict_local import (
    LocalDictFinder,
    Loop,
    _function_refusal,
    _grown_name,
    _index,
    _number,
    _other_bindings,
)
from efficiency.remediate.codemods.join_dict_uses import KEY_FUNCS
from efficiency.remediate.codemods.join_dict_whole_facts import (
    Append,
    bound_outside_comprehensions,
    clears,
    extended,
    identity,
    pieces_of,
)
from efficiency.remediate.codemods.join_exact import exact_str
from efficiency.remediate.codemods.pysource import (
    ScopedVisitor,
    Targets,
    code,
    declares_global,
    literal_value,
    mentions_in_nested_scopes,
    walk,
)


@dataclass
class WholeDictSite:
    """A dict ``name`` of ``func`` kept as lists of parts wherever ``func`` uses it."""

    func: cst.FunctionDef
    name: str
    binding: cst.Assign | cst.AnnAssign
    #: ``d[k] += p`` and ``d[k] = d[k] + a + b`` statements -> how many pieces they append
    appends: dict[int, int] = field(default_factory=dict)
    #: ``d[k] = v`` statements storing an exact str
    stores: set[int] = field(default_factory=set)
    #: ``d[k]`` read whole -> the empty str literal to join with (quotes an f-string allows)
    reads: dict[int, str] = field(default_factory=dict)


class WholeDictFinder(LocalDictFinder):
    METADATA_DEPENDENCIES = (ParentNodeProvider, PositionProvider, ExpressionContextProvider)

    def __init__(self, module: cst.Module, targets: Targets | None, lines: set[int] | None):
        super().__init__(module, targets, lines)
        self.sites: list[WholeDictSite] = []  # type: ignore[assignment]
        #: ((function name, dict name), reason) for each dict refused
        self.refusals: list[tuple[tuple[str, str], str]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool | None:
        ScopedVisitor.visit_FunctionDef(self, node)
        if self.active:
            grown: dict[str, list[Append]] = {}
            for found in walk(node.body):
                name = _grown_name(found) or extended(found)[0]
                if name is not None and self.scope_of(found) is node:
                    assert isinstance(found, Append)
                    grown.setdefault(name, []).append(found)
            for name, appends in grown.items():
                self._whole(node, name, appends)
        return None

    def _whole(self, func: cst.FunctionDef, name: str, appends: list[Append]) -> None:
        pieces = [p for a in appends for p in pieces_of(a)]
        looped = [a for a in appends if any(isinstance(x, Loop) for x in self._up(a, func))]
        if not looped or any(_number(p) for p in pieces):
            return  # no loop, or counters
        if self.lines is not None and not any(self._sampled(a) for a in appends):  # type: ignore[arg-type]
            return  # not what the profile blames
        key = (func.name.value, name)
        binding, why = self._binding(func, name)
        if binding is None:
            if why and any(exact_str(p, self.module) for p in pieces):
                self.refusals.append((key, why))
            return
        why = (
            _function_refusal(func, name)
            or self._list_shadowed(binding.stmt)
            or identity(func.body)
        )
        for append in appends:
            chain = list(self._up(append, binding.block))
            if chain[-1] is not binding.block or _index(binding.block, chain[-2]) <= _index(
                binding.block, binding.stmt
            ):
                why = why or "an append sits where the binding may not have run"
        assign = binding.stmt.body[0]
        assert isinstance(assign, cst.Assign | cst.AnnAssign)
        site = WholeDictSite(func, name, assign)
        covered: set[int] = set()
        for append in appends:
            why = why or self._append_refusal(func, name, append, site, covered)
        if isinstance(assign, cst.AnnAssign):
            binder = {id(assign.target)}
        else:
            binder = {id(t.target) for t in assign.targets}
        for node in walk(func.body):  # the signature names the enclosing scope's d
            if why:
                break
            if (
                isinstance(node, cst.Name)
                and node.value == name
                and id(node) not in binder
                and is_reference(self.parent, node)
            ):
                why = self._use_refusal(name, node, site, covered)
        if why:
            self.refusals.append((key, why))
        else:
            self.sites.append(site)

    def _list_shadowed(self, stmt: cst.SimpleStatementLine) -> str:
        value = stmt.body[0].value  # type: ignore[attr-defined]
        if isinstance(value, cst.Call) and value.args and _other_bindings(self.module, "list"):
            return "list is bound in the module and may not be the builtin"
        return ""

    def _append_refusal(
        self,
        func: cst.FunctionDef,
        name: str,
        append: Append,
        site: WholeDictSite,
        covered: set[int],
    ) -> str:
        target = append.target if isinstance(append, cst.AugAssign) else append.targets[0].target
        assert isinstance(target, cst.Subscript)
        shown = code(append)[:60]
        if any(not isinstance(e.slice, cst.Index) or e.slice.star for e in target.slice):
            return f"`{code(target)}` is not a plain key"
        if self.exceptions_observable(append, func, name):
            return (
                f"`{shown}` sits in try/with: a += that raises there (a non-str piece) would be "
                "caught, where list.append does not raise"
            )
        pieces = pieces_of(append)
        if any(clears(p, name) for p in pieces):
            return f"`{shown}`: a piece clears {name}, which the original's store would refill"
        if isinstance(append, cst.Assign):
            first, _ = extended(append)[1]  # type: ignore[misc]
            index = target.slice[0].slice
            assert isinstance(index, cst.Index)
            if not self._steady_key(func, index.value, pieces):
                return (
                    f"`{shown}`: the key is neither a literal nor a local name the pieces "
                    "cannot rebind (the original looks it up twice)"
                )
            covered.add(id(first))
        site.appends[id(append)] = len(pieces)
        return ""

    @staticmethod
    def _steady_key(
        func: cst.FunctionDef, key: cst.BaseExpression, pieces: list[cst.BaseExpression]
    ) -> bool:
        if isinstance(key, cst.Integer) or literal_value(key) is not None:
            return True
        if not isinstance(key, cst.Name):
            return False
        name = key.value
        return (
            bound_outside_comprehensions(func, name)  # a local
            and not declares_global(func, name)
            and not mentions_in_nested_scopes(func, name)
            and not any(rebinds(p, name) for p in pieces)
        )

    def _use_refusal(
        self, name: str, node: cst.Name, site: WholeDictSite, covered: set[int]
    ) -> str:
        up = self.parent(node)
        if isinstance(up, cst.Subscript) and up.value is node:
            return self._item_refusal(name, up, site, covered)
        if isinstance(up, cst.Attribute) and up.value is node:
            call = self.parent(up)
            if up.attr.value == "clear" and isinstance(call, cst.Call) and call.func is up:
                return "" if not call.args else f"`{code(call)}` is not a plain clear()"
            return f"`{name}.{up.attr.value}` would see the lists of parts"
        if (
            isinstance(up, cst.ComparisonTarget)
            and up.comparator is node
            and isinstance(up.operator, cst.In | cst.NotIn)
        ):
            chain = self.parent(up)
            assert isinstance(chain, cst.Comparison)
            if chain.comparisons[-1] is up:
                return ""
            up = chain  # `k in d == e` also compares d itself
        if isinstance(up, cst.For | cst.CompFor) and up.iter is node:
            return ""
        if self._truth_tested(node):
            return ""
        if isinstance(up, cst.Arg) and not up.star and up.keyword is None:
            call = self.parent(up)
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Name):
                positional = [a for a in call.args if a.keyword is None]
                if (
                    call.func.value in KEY_FUNCS
                    and len(positional) == 1
                    and positional[0] is up
                    and not _other_bindings(self.module, call.func.value)
                ):
                    return ""
        if isinstance(up, cst.Arg):
            up = self.parent(up)  # the call it is passed to
        shown = code(up)[:50] if up is not None else name
        return f"{name} is used in `{shown}`, which could see the lists of parts"

    def _truth_tested(self, node: cst.CSTNode) -> bool:
        """Is only the truth of ``node`` used (``if d``, ``not d``, ``if x and d``...)?"""
        up = self.parent(node)
        if isinstance(up, cst.BooleanOperation):
            return self._truth_tested(up)
        if isinstance(up, cst.UnaryOperation):
            return isinstance(up.operator, cst.Not)
        tests = cst.If | cst.While | cst.IfExp | cst.Assert | cst.CompIf
        return isinstance(up, tests) and up.test is node

    def _item_refusal(
        self, name: str, item: cst.Subscript, site: WholeDictSite, covered: set[int]
    ) -> str:
        if id(item) in covered:
            return ""  # the item an extend appends to
        up = self.parent(item)
        if isinstance(up, cst.AugAssign) and up.target is item:
            if id(up) in site.appends:
                return ""
            return f"`{code(up)[:50]}` is not `{name}[k] += piece` with a str piece"
        if isinstance(up, cst.AssignTarget) and up.target is item:
            assign = self.parent(up)
            assert isinstance(assign, cst.Assign)
            if id(assign) in site.appends:
                return ""
            if len(assign.targets) == 1 and exact_str(assign.value, self.module):
                site.stores.add(id(assign))
                return ""
            return f"`{code(assign)[:50]}` stores a value not provably an exact str"
        context = self.get_metadata(ExpressionContextProvider, item, None)
        if context is ExpressionContext.DEL:
            return ""
        if context is ExpressionContext.STORE:
            return f"`{code(up or item)[:50]}` binds an item other than by `= <str>` or `+=`"
        if self._debug_text(item):
            return f"`{code(item)}` is read in an f-string's `=` field, which shows its source"
        quotes = self._quotes(item)
        if quotes is None:
            return f"`{code(item)}` is read in f-strings quoting with both ' and \""
        site.reads[id(item)] = quotes
        return ""

    def _debug_text(self, node: cst.CSTNode) -> bool:
        """Is ``node`` in the expression of an f-string field ``{expr=}``, whose text (the
        join's too) the f-string shows?"""
        child = node
        for ancestor in self.ancestors(node):
            if (
                isinstance(ancestor, cst.FormattedStringExpression)
                and ancestor.equal is not None
                and ancestor.expression is child
            ):
                return True
            child = ancestor
        return False

    def _quotes(self, node: cst.CSTNode) -> str | None:
        """The empty str literal a join may use where ``node`` is: ``""``, or ``''`` inside an
        f-string quoted with ``"`` (before Python 3.12 its fields cannot reuse its quote)."""
        used = {a.quote[0] for a in self.ancestors(node) if isinstance(a, cst.FormattedString)}
        if '"' not in used:
            return '""'
        return "''" if "'" not in used else None
