"""Which annotations of a dataclass body certainly make a field, for
:mod:`~efficiency.remediate.codemods.attr_set_fields`.

``dataclass`` decides by what an annotation evaluates to (or, for a string, by the name it starts
with): ``registry: CV[int] = 0`` after ``from typing import ClassVar as CV`` is no field, nor is
``seed: Seed = 0`` after ``Seed = InitVar[int]`` (an ``__init__`` parameter handed to
``__post_init__``). Reading such a line as a plain field would put the list field at the wrong
place among ``__init__``'s positional parameters (so a caller's kept list goes unchecked) or add
a ``__post_init__`` that takes too few arguments. So the head of every annotation (the name
before ``[``, ``.`` or ``|``, in a string too) must be known: a builtin the module never binds, a
class of the module bound once, a name imported unaliased from the standard library, or
``module.name`` of a standard-library module imported plainly; ``ClassVar`` counts as one only
spelled from :mod:`typing` so. Anything else is uncertain and the caller refuses.
"""

from __future__ import annotations

import builtins
import sys

import libcst as cst

from efficiency.remediate.codemods.constant_table import binds
from efficiency.remediate.codemods.new_lists import bound_by
from efficiency.remediate.codemods.pysource import code

#: names whose annotation is no plain field (or changes which fields ``__init__`` takes)
_PSEUDO = frozenset({"ClassVar", "InitVar", "KW_ONLY"})


def _head(node: cst.BaseExpression) -> cst.BaseExpression | None:
    """The name (or ``a.b``) an annotation starts with, as ``dataclass`` reads it."""
    while True:
        if isinstance(node, cst.SimpleString | cst.ConcatenatedString):
            text = node.evaluated_value
            if not isinstance(text, str):
                return None
            try:
                node = cst.parse_expression(text.strip())
            except cst.ParserSyntaxError:
                return None
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.BinaryOperation):
            node = node.left
        else:
            return node if isinstance(node, cst.Name | cst.Attribute) else None


def _stdlib(dotted: str) -> bool:
    return dotted.split(".")[0] in sys.stdlib_module_names


def _imported_from(module: cst.Module, name: str) -> str | None:
    """The module ``name`` is imported from unaliased by a top-level ``from`` import ('' for a
    plain ``import name`` or ``import x as name``: the module itself), None if not so."""
    for line in module.body:
        if not isinstance(line, cst.SimpleStatementLine):
            continue
        for stmt in line.body:
            if isinstance(stmt, cst.ImportFrom) and not isinstance(stmt.names, cst.ImportStar):
                if stmt.relative or stmt.module is None:
                    continue
                for alias in stmt.names:
                    if alias.evaluated_alias is None and alias.evaluated_name == name:
                        return code(stmt.module)
            elif isinstance(stmt, cst.Import):
                for alias in stmt.names:
                    local = alias.evaluated_alias or alias.evaluated_name.split(".")[0]
                    if local == name and "." not in alias.evaluated_name:
                        return "=" + alias.evaluated_name
    return None


def annotation_kind(module: cst.Module, cls: cst.ClassDef, annotation: cst.BaseExpression) -> str:
    """'field' or 'classvar' when the annotation certainly makes one; '' when it is not
    certain (an alias, a name of another module, a class-level binding, an InitVar...)."""
    head = _head(annotation)
    tops = [n for s in module.body for n in bound_by(s)]
    own = binds(cls.body, top=True)
    if isinstance(head, cst.Name):
        name = head.value
        if name in own or "*" in tops:
            return ""
        if tops.count(name) == 0 and name not in binds(module) and hasattr(builtins, name):
            return "field"
        if tops.count(name) != 1:
            return ""
        if any(isinstance(s, cst.ClassDef) and s.name.value == name for s in module.body):
            return "field"
        source = _imported_from(module, name)
        if source is None or source.startswith("=") or not _stdlib(source):
            return ""
        if name == "ClassVar":
            return "classvar" if source == "typing" else ""
        return "" if name in _PSEUDO else "field"
    if isinstance(head, cst.Attribute) and isinstance(head.value, cst.Name):
        base, name = head.value.value, head.attr.value
        source = _imported_from(module, base)
        if base in own or tops.count(base) != 1 or source is None or not source.startswith("="):
            return ""
        if not _stdlib(source[1:]):
            return ""
        if name == "ClassVar":
            return "classvar" if source == "=typing" else ""
        return "" if name in _PSEUDO else "field"
    return ""
