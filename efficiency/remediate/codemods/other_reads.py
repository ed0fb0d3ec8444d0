"""What the repository's other modules do with a public list attribute (and, for a dataclass
field, with its public class), for :mod:`~efficiency.remediate.codemods.attr_set`.

A set made beside the list stays right while nothing changes the list in place. Another module
that only reads it is no threat: each use of ``.attr`` there is the right side of ``in``, the
iterable of a ``for``, a subscript read, ``.count``/``.index``/``.copy()``, a truth test or the
argument of a builtin that only reads (``sorted``, ``set``, ``len``... not rebound in that file).
Anything else (a store, ``append``, an alias, a return, a call that could keep it, a class
pattern ``case object(attr=x)`` binding it) refuses, as
does the name in a string other than a dictionary key (``row["excluded"]``, ``{"excluded": 1}``,
``d.get("excluded")``, ``k == "excluded"``) or a docstring: ``getattr(o, "excluded")`` reaches
the list by name. A dataclass field takes its list from whoever builds the class, so there the
class's name must be used only in imports, annotations, ``isinstance``, ``Cls.method`` reads and
``Cls(...)`` calls handing the field a new list (a display, a comprehension, ``list()``...) or
nothing; no ``type(x)(...)``, ``.__class__``, ``.__init__`` (but ``super().__init__``) or
``replace(x, **kw)``; a keyword named like the field gets a new list. The other modules are
read as the product gives them (:class:`~efficiency.remediate.other_modules.OtherModules`); a
file that does not parse as Python here refuses (a template only where it names the attribute
or the class, its other words being no code). Code
outside the repository is not seen, and the summary says what the rewrite rests on.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePath
from typing import Any

from efficiency.remediate.codemods.frozen_set import _FRESH_CALLS, _READ_METHODS, _READERS
from efficiency.remediate.codemods.public_names import Elsewhere, public_assumption
from efficiency.remediate.other_modules import TEMPLATE_SUFFIXES

_WORD = re.compile(r"\w+")
#: dict methods whose first argument is a key
_KEY_METHODS = frozenset({"get", "pop", "setdefault"})
#: attributes that make or make again an instance without naming its class
_REMAKERS = frozenset({"__class__", "__init__", "__post_init__", "__replace__"})


def _private(name: str) -> bool:
    return name.startswith("_") or name.isupper()


def elsewhere_refusal(
    elsewhere: Elsewhere | None, attr: str, cls: str = "", position: int | None = None
) -> tuple[str, str]:
    """('', what accepting rests on) when the other modules only read the public ``attr``
    (and, given the public dataclass ``cls`` whose field it is, at ``position`` among its
    ``__init__``'s positional parameters, build ``cls`` only with new lists); else (why, '')."""
    check_cls = bool(cls) and not _private(cls)
    if _private(attr) and not check_cls:
        return "", ""
    who = f"{attr} is public" if not _private(attr) else f"{cls} takes {attr} from its caller"
    if elsewhere is None:
        return f"{who}: another module could change the list in place, unseen here", ""
    naming, source = getattr(elsewhere, "naming", None), getattr(elsewhere, "source", None)
    words = {attr, cls, "replace", "type", *_REMAKERS} if check_cls else {attr}
    if naming is None or source is None:  # says only whether a name is named
        for word in sorted(words & {attr, cls}):
            why = elsewhere(word)
            if why:
                return f"{who} and {why}: it could change the list in place", ""
        return "", _assumed(attr, cls if check_cls else "", [])
    files: dict[str, set[str]] = {}
    for word in sorted(words):
        found, why = naming(word)
        if why:
            return f"{who} and {why}: it could change the list in place", ""
        for rel in found:
            files.setdefault(rel, set()).add(word)
    readers = []
    for rel, named in sorted(files.items()):
        tree = _parse(source(rel))
        if tree is None:  # a template names every word: only these two count there
            if named & {attr, cls} or PurePath(rel).suffix.lower() not in TEMPLATE_SUFFIXES:
                return f"{who} and {rel} names it: it could change the list in place", ""
            continue
        why = _file_refusal(tree, attr, cls if check_cls else "", position)
        if why:
            return f"{who} and {rel} names it: it could change the list in place ({why})", ""
        readers += [rel] if attr in named else []
    return "", _assumed(attr, cls if check_cls else "", readers)


def _assumed(attr: str, cls: str, readers: list[str]) -> str:
    parts = []
    if not _private(attr):
        parts.append(
            public_assumption(attr) if not readers else
            f"{attr} is public; other modules of the repository only read it "
            f"({', '.join(readers)}; code outside the repository could still change it in place)"
        )  # fmt: skip
    if cls:
        parts.append(
            f"{cls} takes {attr} from its caller; the repository's other modules build it only "
            "with new lists (code outside the repository could hand it one it keeps)"
        )
    return "; ".join(parts)


def _parse(text: str | None) -> ast.Module | None:
    if text is None:
        return None
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _bound(tree: ast.Module) -> set[str]:
    """Every name the file binds anywhere (a reader it rebinds reads no more)."""
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            out.add(n.id)
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(n.name)
        elif isinstance(n, ast.alias):
            out.add((n.asname or n.name).split(".")[0])
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, ast.Global | ast.Nonlocal):
            out |= set(n.names)
    return out


def _named(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")


def _new(node: ast.expr, bound: set[str]) -> bool:
    if isinstance(node, ast.List | ast.ListComp | ast.Tuple):
        return True
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FRESH_CALLS - bound
    )


def _file_refusal(tree: ast.Module, attr: str, cls: str, position: int | None) -> str:
    """'' when the file only reads ``attr`` (and builds ``cls`` with new lists); else where
    and how it does more."""
    parents = {id(c): p for p in ast.walk(tree) for c in ast.iter_child_nodes(p)}
    bound = _bound(tree)
    aliases = {cls} | {
        a.asname for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
        for a in n.names if a.name == cls and a.asname
    } if cls else set()  # fmt: skip
    for node in ast.walk(tree):
        why = ""
        if isinstance(node, ast.Attribute) and node.attr == attr:
            why = _read_refusal(node, parents, bound)
        elif isinstance(node, ast.MatchClass) and attr in node.kwd_attrs:
            why = f"a class pattern binds .{attr} to a name"
        elif isinstance(node, ast.keyword) and node.arg == attr and not _new(node.value, bound):
            why = f"passes {attr}= something other than a new list"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            why = next((w for n in (attr, cls) if n for w in [_string(node, n, parents)] if w), "")
        elif cls and (
            (isinstance(node, ast.Name) and node.id in aliases)
            or (isinstance(node, ast.Attribute) and node.attr == cls)
        ):
            why = _class_refusal(node, parents, bound, attr, position)
        elif cls:
            why = _remaking(node, parents)
        if why:
            return f"line {getattr(node, 'lineno', '?')}: {why}"
    return ""


def _read_refusal(node: ast.Attribute, parents: dict[int, Any], bound: set[str]) -> str:
    if not isinstance(node.ctx, ast.Load):
        return f"stores or deletes .{node.attr}"
    parent = parents.get(id(node))
    grand = parents.get(id(parent))
    tested = isinstance(parent, ast.Compare) and any(
        c is node and isinstance(op, ast.In | ast.NotIn)
        for c, op in zip(parent.comparators, parent.ops, strict=True)
    )
    read = (
        (isinstance(parent, ast.Call) and any(a is node for a in parent.args)
         and isinstance(parent.func, ast.Name) and parent.func.id in _READERS - bound)
        or (isinstance(parent, ast.For | ast.comprehension) and parent.iter is node)
        or (isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Load))
        or (isinstance(parent, ast.Attribute) and parent.attr in _READ_METHODS
            and isinstance(grand, ast.Call) and grand.func is parent)
        or (isinstance(parent, ast.If | ast.While | ast.IfExp) and parent.test is node)
        or (isinstance(parent, ast.UnaryOp) and isinstance(parent.op, ast.Not))
    )  # fmt: skip
    if tested or read:
        return ""
    return f"uses .{node.attr} other than to read it ({type(parent).__name__})"


def _in_annotation(node: ast.AST, parents: dict[int, Any]) -> bool:
    child, parent = node, parents.get(id(node))
    while parent is not None:
        if isinstance(parent, ast.arg | ast.AnnAssign) and parent.annotation is child:
            return True
        if isinstance(parent, ast.FunctionDef | ast.AsyncFunctionDef) and parent.returns is child:
            return True
        child, parent = parent, parents.get(id(parent))
    return False


def _string(node: ast.Constant, name: str, parents: dict[int, Any]) -> str:
    """'' unless the string could reach ``name`` by name: it is the name and no key, or holds
    it in other text that is no docstring or f-string part."""
    parent = parents.get(id(node))
    if node.value != name:
        if name not in _WORD.findall(node.value) or isinstance(parent, ast.Expr | ast.JoinedStr):
            return ""
        return f"spells {name} inside the string {node.value[:30]!r}"
    if (
        (isinstance(parent, ast.Dict) and any(k is node for k in parent.keys))
        or (isinstance(parent, ast.Subscript) and parent.slice is node)
        or isinstance(parent, ast.Compare | ast.Expr | ast.MatchMapping | ast.JoinedStr)
        or _in_annotation(node, parents)
    ):
        return ""
    if (
        isinstance(parent, ast.Call)
        and parent.args
        and parent.args[0] is node
        and isinstance(parent.func, ast.Attribute)
        and parent.func.attr in _KEY_METHODS
    ):
        return ""
    return f"spells {name!r} where it could reach the attribute by name"


def _class_refusal(
    node: ast.expr, parents: dict[int, Any], bound: set[str], attr: str, position: int | None
) -> str:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    if _in_annotation(node, parents):
        return ""
    if not isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
        return f"binds {name}"
    parent = parents.get(id(node))
    if isinstance(parent, ast.Attribute) and parent.value is node:
        return "" if not parent.attr.startswith("__") else f"reaches {name}.{parent.attr}"
    holder = parents.get(id(parent)) if isinstance(parent, ast.Tuple) else parent
    if (
        isinstance(holder, ast.Call)
        and _named(holder.func) in ("isinstance", "issubclass")
        and len(holder.args) == 2
        and (holder.args[1] is node or holder.args[1] is parent)
    ):
        return ""
    if isinstance(parent, ast.Call) and parent.func is node:
        if any(isinstance(a, ast.Starred) for a in parent.args) or any(
            k.arg is None for k in parent.keywords
        ):
            return f"builds {name} with * or ** arguments"
        if (
            position is not None
            and position < len(parent.args)
            and not _new(parent.args[position], bound)
        ):
            return f"hands {name} a list for {attr} that it may keep"
        return ""  # a keyword for the field is checked as any keyword named like it
    return f"uses {name} as a value ({type(parent).__name__}): it could build one with any list"


def _remaking(node: ast.AST, parents: dict[int, Any]) -> str:
    if isinstance(node, ast.Attribute) and node.attr in _REMAKERS:
        value = node.value
        if not (isinstance(value, ast.Call) and _named(value.func) == "super"):
            return f"reaches .{node.attr}, which could make an instance by another road"
    if isinstance(node, ast.Call):
        parent = parents.get(id(node))
        if (
            isinstance(node.func, ast.Name)
            and node.func.id == "type"
            and not (
                isinstance(parent, ast.Compare)
                or (isinstance(parent, ast.Attribute) and not parent.attr.startswith("__"))
            )
        ):
            return "calls type(...), whose class could make an instance by another road"
        if _named(node.func) == "replace" and any(k.arg is None for k in node.keywords):
            return "calls replace(..., **...), which could hand a field a list by a computed name"
    return ""
