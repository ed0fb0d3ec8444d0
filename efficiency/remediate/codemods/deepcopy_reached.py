"""Does a module reach its classes otherwise than by name (``deepcopy_raised``)?

``deepcopy_raised`` takes a module's exception class as plain only where the module never
patches it by its name (``QuoteError.__init__ = hook``) nor hands the name on. A class is
reached without its name too: from an instance (``type(exc)``, ``exc.__class__``), from a
subclass (``Later.__bases__[0]``, ``Later.__base__``, ``Later.mro()``) or from a base
(``ValueError.__subclasses__()``), and patched there::

    except QuoteError as exc:
        type(exc).__init__ = _hook          # every QuoteError(...) now runs _hook

``reaches_classes`` says, for the whole module, whether it could: it stores to (or deletes) a
dunder attribute of anything (other than the plain strings ``__name__``, ``__qualname__``,
``__module__``, ``__doc__``), or uses an expression that yields a class from another object
(above, and ``__reduce__``/``__reduce_ex__``, whose answer holds the class) otherwise than by
reading one of those plain strings of it (``type(exc).__name__``), calling it where it is an
instance's class (``type(self)(...)``, which makes one as its name would) or comparing it
(``type(exc) is Later``). Where it does, no class of the module is taken as plain. Still
assumed: that nothing reaches the class through the module object (``sys.modules``, an
``import`` of the module itself) or the garbage collector.
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import walk

#: the dunder attributes of a class that are plain strings
NAMES = frozenset({"__name__", "__qualname__", "__module__", "__doc__"})
#: attributes whose value is (or holds) a class reached from another object
_REACHING = frozenset(
    {
        "__class__",
        "__bases__",
        "__base__",
        "__mro__",
        "mro",
        "__subclasses__",
        "__reduce__",
        "__reduce_ex__",
    }
)
_STORES = (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.Del, cst.For, cst.CompFor)


def reaches_classes(module: cst.Module, bound: dict[str, int]) -> bool:
    """Could ``module`` patch one of its classes reached otherwise than by name (above)?
    ``bound`` counts the module's bindings of each name (``type`` rebound is no builtin)."""
    parents: dict[int, cst.CSTNode] = {}
    for node in walk(module):
        for child in node.children:
            parents[id(child)] = node
    for node in walk(module):
        target = node.name if isinstance(node, cst.AsName) else getattr(node, "target", None)
        if isinstance(node, (*_STORES, cst.AsName)) and any(
            isinstance(part, cst.Attribute) and _dunder(part.attr.value) for part in walk(target)
        ):
            return True  # ``x.__init__ = hook``, ``del x.__str__``
        if _reaching(node, bound) and not _plain_use(node, parents):
            return True
    return False


def _dunder(attr: str) -> bool:
    return attr.startswith("__") and attr.endswith("__") and attr not in NAMES


def _reaching(node: cst.CSTNode, bound: dict[str, int]) -> bool:
    """``x.__class__``, ``x.__bases__``... or ``type(x)`` (the builtin, one argument)."""
    if isinstance(node, cst.Attribute):
        return node.attr.value in _REACHING
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
        return node.func.value == "type" and "type" not in bound and len(node.args) == 1
    return False


def _plain_use(node: cst.CSTNode, parents: dict[int, cst.CSTNode]) -> bool:
    """Is the class ``node`` yields only read for a plain string (a store there renames
    it, which runs nothing), called or compared?"""
    parent = parents.get(id(node))
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return parent.attr.value in NAMES
    if isinstance(parent, cst.Call) and parent.func is node:  # ``type(self)(...)``: made,
        return not isinstance(node, cst.Attribute) or node.attr.value == "__class__"  # not mro()
    return isinstance(parent, cst.Comparison | cst.ComparisonTarget)
