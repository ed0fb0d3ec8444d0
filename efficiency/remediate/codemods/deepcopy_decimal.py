"""Is ``Decimal`` in a module ``decimal.Decimal`` (``deepcopy-read-only``)?

``deepcopy_types`` counts a value annotated or made as ``Decimal`` as an immutable scalar, which
``+=`` replaces rather than changes. That holds for ``decimal.Decimal`` only: a class of the
module's own named ``Decimal``, or one imported from another module, may define ``__iadd__``
and change the object the data holds. So ``Decimal`` is a scalar only where the module binds
the name once, by ``from decimal import Decimal``, and nowhere else (no class, function,
parameter, assignment, ``as`` target, loop or match target, ``global`` or star import).
"""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.pysource import walk

_NAME = "Decimal"


def decimal_imported(module: cst.Module) -> bool:
    """Is the name ``Decimal`` bound in ``module`` only by ``from decimal import Decimal``?"""
    imported = False
    for node in walk(module):
        if isinstance(node, cst.ImportFrom):
            if isinstance(node.names, cst.ImportStar):
                return False
            source = node.module.value if isinstance(node.module, cst.Name) else None
            for alias in node.names:
                if _alias_binds(alias):
                    plain = alias.asname is None and not node.relative
                    if not (plain and source == "decimal"):
                        return False
                    imported = True
        elif isinstance(node, cst.Import):
            if any(_alias_binds(a) for a in node.names):
                return False
        elif any(n.value == _NAME for t in _targets(node) for n in _names(t)):
            return False
    return imported


def _alias_binds(alias: cst.ImportAlias) -> bool:
    if alias.asname is not None:
        return isinstance(alias.asname.name, cst.Name) and alias.asname.name.value == _NAME
    target = alias.name
    while isinstance(target, cst.Attribute):
        target = target.value
    return isinstance(target, cst.Name) and target.value == _NAME


def _targets(node: cst.CSTNode) -> list[cst.CSTNode]:
    """What ``node`` binds, other than through an import."""
    if isinstance(node, cst.Assign):
        return [t.target for t in node.targets]
    if isinstance(node, cst.AnnAssign | cst.AugAssign | cst.For | cst.CompFor | cst.Del):
        return [node.target]
    if isinstance(node, cst.NamedExpr):
        return [node.target]
    if isinstance(node, cst.Global | cst.Nonlocal):
        return [n.name for n in node.names]
    if isinstance(node, cst.ClassDef | cst.FunctionDef | cst.Param):
        return [node.name]
    if isinstance(node, cst.AsName) and not isinstance(node.name, cst.Attribute):
        return [node.name]
    if isinstance(node, cst.MatchAs | cst.MatchStar):
        return [node.name] if node.name is not None else []
    if isinstance(node, cst.MatchMapping) and node.rest is not None:
        return [node.rest]
    return []


def _names(target: cst.CSTNode) -> list[cst.Name]:
    return [n for n in walk(target) if isinstance(n, cst.Name)]
