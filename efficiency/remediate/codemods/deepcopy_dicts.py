"""New dicts a function makes of a copy's parts (``deepcopy-read-only``).

A function that only reads a copy often builds a dict of its own from a part of it, adds or
overrides a few keys, and reads that::

    lane = copy.deepcopy(rule)                          lane = rule
    surcharges = {**lane["surcharges"], "fuel": fuel}   (unchanged)
    if hazardous:                                   →
        surcharges["hazmat"] = lane["hazmat"]["fee"]
    priced = {**lane, "base": base, "surcharges": surcharges}
    return describe(priced), sum(surcharges.values())

The dict display is new either way; only its values were the copy's objects and are now the
original's. So a dict display is followed as a read of the copy (``deepcopy_reads``) when each
of its items is an immutable scalar or read from the copy (``**part``, ``key: part``, keys
included): every value it holds is then the copy's (or a scalar), and whatever is read from it
is judged as a read of the copy, deep-copied where it leaves. A name bound once to such a
display is followed at the depth of what it was made of (each name once, so this ends).

A store ``d[key] = value`` into such a name changes only the new dict, never the copy or the
original, so it is no reason to keep the copy when: ``d`` is a local bound once, to a dict
display, by a statement directly in the body of the function or of its innermost loop; the
store is in that same loop (or in none), after the binding and before every other mention of
``d`` (so no deep copy of ``d`` made where it leaves, nor any read, comes before a store that
would have changed it); and key and value are scalars or reads of the copy (``d`` then holds
nothing of anyone else's, which a deep copy where it leaves would copy). A store into a part of
``d`` (``d["k"]["x"] = 1``), ``del``, ``+=`` and the dict's mutating methods stay refused: they
could change the copy's objects themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import libcst as cst

from efficiency.remediate.codemods.deepcopy_operands import _own_operand
from efficiency.remediate.codemods.deepcopy_types import Types
from efficiency.remediate.codemods.pysource import COMPREHENSIONS, walk

_LOOPS = (cst.For, cst.While, *COMPREHENSIONS)


class DictReads:
    """Mixed into ``ReadFollower``: follows reads into dicts the function makes of them."""

    _types: Types | None
    _tracked: set[str]
    parent: Callable[[cst.CSTNode], cst.CSTNode | None]
    ancestors: Callable[[cst.CSTNode], Iterator[cst.CSTNode]]
    _read_only: Callable[..., str | None]
    _name_read_only: Callable[..., str | None]

    def _new_dict(
        self,
        parent: cst.CSTNode | None,
        node: cst.CSTNode,
        function: cst.FunctionDef,
        depth: int,
    ) -> str | None:
        """For a read ``node`` whose value goes to ``parent``: None when it goes into a new dict
        above that is only read, why not when it goes into one that is not, "" when
        ``parent`` is no such dict."""
        if isinstance(parent, cst.DictElement | cst.StarredDictElement) and parent.value is node:
            display = self.parent(parent)
            assert isinstance(display, cst.Dict)
            why = self._display_refusal(display)
            if why is not None:
                return why
            return self._read_only(display, function, depth, False)
        if isinstance(node, cst.Dict) and isinstance(parent, cst.Assign):
            target = parent.targets[0].target if len(parent.targets) == 1 else None
            if isinstance(target, cst.Name):
                return self._follow(target.value, function, depth)
        if isinstance(parent, cst.AssignTarget) and isinstance(node, cst.Subscript):
            name = _stored_into(parent)
            if name is not None and isinstance(node.value, cst.Name):
                return self._dict_refusal(name, function)
        if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
            name = _stored_into(parent.targets[0])
            if name is not None:
                return self._follow(name, function, depth)
        return ""

    def _fresh_store(self, node: cst.CSTNode) -> bool:
        """Is ``node`` the target of a store ``d[key] = ...`` into a local bound once to a dict
        display (whose items and stores ``_dict_refusal`` judges where ``d`` is followed)?"""
        if not isinstance(node, cst.AssignTarget) or self._types is None:
            return False
        name = _stored_into(node)
        return name is not None and _display_of(name, self._types) is not None

    def _follow(self, name: str, function: cst.FunctionDef, depth: int) -> str | None:
        """Follow the uses of the new dict ``name`` as reads, once."""
        if name in self._tracked:
            return None  # being followed already (its items and stores judged there)
        why = self._dict_refusal(name, function)
        if why is not None:
            return why
        assert self._types is not None
        display = _display_of(name, self._types)
        assert display is not None
        target = display.targets[0].target
        # at depth 1 at least: the new dict is not the copy, and may be returned whole
        return self._name_read_only(function, name, target, max(depth, 1))

    def _display_refusal(self, display: cst.Dict) -> str | None:
        """Why an item of ``display`` may be someone else's object, or None."""
        assert self._types is not None
        for element in display.elements:
            parts = [element.value]
            if isinstance(element, cst.DictElement):
                parts.append(element.key)
            if not all(_own_operand(p, self._types, self._tracked) for p in parts):
                return "goes into a dict display with an item not read from the copy"
        return None

    def _dict_refusal(self, name: str, function: cst.FunctionDef) -> str | None:
        """Why ``name`` may not be followed as a new dict of reads (see above), or None."""
        assert self._types is not None
        bind = _display_of(name, self._types)
        if bind is None:
            return f"goes into {name}, which is not bound once, to a dict display"
        assert isinstance(bind.value, cst.Dict)
        why = self._display_refusal(bind.value)
        if why is not None:
            return why
        line = self.parent(bind)
        block = self.parent(line) if isinstance(line, cst.SimpleStatementLine) else None
        home = self.parent(block) if isinstance(block, cst.IndentedBlock) else None
        loop = self._loop(bind)
        if home is not (loop if loop is not None else function):
            return f"{name} is bound in a block of its own (not each turn, or not at all)"
        order = {id(n): i for i, n in enumerate(walk(function.body))}
        stores = [
            n
            for n in walk(function.body)
            if isinstance(n, cst.AssignTarget) and _stored_into(n) == name
        ]
        inside: set[int] = set()
        for assign_target in stores:
            store, target = self.parent(assign_target), assign_target.target
            assert isinstance(store, cst.Assign) and isinstance(target, cst.Subscript)
            if len(store.targets) != 1 or self._loop(store) is not loop:
                return f"{name} is stored into in another loop than the one it is made in"
            if order[id(store)] < order[id(bind)]:
                return f"{name} is stored into before it is made"
            key = target.slice[0].slice
            assert isinstance(key, cst.Index)
            if not all(
                _own_operand(v, self._types, self._tracked | {name})
                for v in (key.value, store.value)
            ):
                return f"{name} is given a value not read from the copy"
            inside.update(id(n) for n in walk(store))
        last = max((order[id(self.parent(t))] for t in stores), default=-1)
        for use in walk(function.body):
            if not (isinstance(use, cst.Name) and use.value == name):
                continue
            if any(use is getattr(t.target, "value", None) for t in stores):
                continue
            if id(use) in inside or (order[id(use)] < last and use is not bind.targets[0].target):
                return f"{name} is read before a store into it"
        return None

    def _loop(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return next((a for a in self.ancestors(node) if isinstance(a, _LOOPS)), None)


def _stored_into(target: cst.AssignTarget) -> str | None:
    """``d`` for a store target ``d[key]`` (one plain key), else None."""
    node = target.target
    if not isinstance(node, cst.Subscript) or not isinstance(node.value, cst.Name):
        return None
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    return node.value.value


def _display_of(name: str, types: Types) -> cst.Assign | None:
    """The one binding of the local ``name``, when it is ``name = {...}``."""
    binds = [b for b in types.bound.get(name, []) if not _store_only(b, name)]
    if len(binds) != 1 or not isinstance(binds[0], cst.Assign):
        return None
    bind = binds[0]
    if len(bind.targets) != 1 or not isinstance(bind.targets[0].target, cst.Name):
        return None
    return bind if isinstance(bind.value, cst.Dict) else None


def _store_only(node: cst.CSTNode, name: str) -> bool:
    """Is ``node`` an assignment that mentions ``name`` only inside subscript targets
    (``name[key] = ...``: a store into it, which binds nothing)?"""
    return isinstance(node, cst.Assign) and all(_stored_into(t) == name for t in node.targets)
