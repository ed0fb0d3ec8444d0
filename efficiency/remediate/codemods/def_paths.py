"""Each def of a module keyed by where it is, for
:func:`~efficiency.remediate.codemods.pysource.restage` to find the defs a stage selected in the
tree the stage before made, when that stage added a def (a ``__post_init__``)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


def defs_by_path(
    node: cst.CSTNode, path: tuple[str, ...] = (), seen: dict | None = None
) -> Iterator[tuple[tuple[tuple[str, ...], int], cst.FunctionDef]]:
    """Each def under ``node`` keyed by the names of the defs and classes around it, its own
    and how many defs of that path came before it (a property's getter and setter)."""
    seen = {} if seen is None else seen
    for child in node.children:
        if isinstance(child, cst.FunctionDef | cst.ClassDef):
            inner = (*path, child.name.value)
            if isinstance(child, cst.FunctionDef):
                seen[inner] = seen.get(inner, 0) + 1
                yield (inner, seen[inner]), child
            yield from defs_by_path(child, inner, seen)
        else:
            yield from defs_by_path(child, path, seen)
