"""The run-time check that keeps a copy where a method it relied on is not the one written here
(``deepcopy-read-only``).

A copy dropped because the methods of the function's own class reached through ``self`` or
``cls`` (``deepcopy_methods``, ``deepcopy_statics``) only read it holds as long as those
methods are the ones the module defines. A subclass in another module may override one, a
test may patch it on the class (``mock.patch.object(Planner, "_mask")``), or an instance may
hide it (``planner._mask = ...``); each would be handed the original, or run while it is read,
where it was handed a copy. So the rewrite keeps the copy unless every method the proof relied
on is, for this ``self`` (or ``cls``), still the object the class statement made::

    class Planner:                               class Planner:
        def score(self, t):                          def score(self, t):
            profile = copy.deepcopy(self._site)  →       profile = (self._site if all(
            ... self._mask(profile, t.az) ...                inspect.getattr_static(self, n, None)
                                                             is _PLANNER_DEFS[n] for n in
                                                             ("__getattribute__", "_mask"))
                                                             else copy.deepcopy(self._site))
                                                 _PLANNER_DEFS = {n: inspect.getattr_static(
                                                     Planner, n) for n in (...)}

The reference is taken once, right after the class statement, at import: a patch made later
replaces ``Planner.__dict__["_mask"]`` but not the captured object, so comparing with the class's
attribute at the copy site (``type(self)._mask is Planner._mask``) would not do.
``inspect.getattr_static`` looks the name up as the attribute lookup would (an instance's own
attribute, a subclass's override, a data descriptor of a subclass) without running any of it;
``__getattribute__`` is checked too, since a subclass's own would answer every lookup. Through
``cls`` (a class method copying), ``type(cls) is type`` rules out a subclass's metaclass, whose
descriptors or ``__getattribute__`` the static lookup of a class does not weigh. A static method
called through the class's own name needs no check, as a module function does not. The names
the check uses (``all``, ``type``, ``inspect``) must not be bound otherwise in the module.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from efficiency.remediate.codemods.module_level import with_import
from efficiency.remediate.codemods.pysource import code

_BUILTINS = ("all", "type", "isinstance", "object", "str", "bool")


@dataclass
class Guard:
    """The check one dropped copy gets: ``_planner_unchanged(self, "_mask", "airmass")``."""

    #: the copying function's first parameter (``self`` or ``cls``)
    subject: str
    #: the module-level function that checks (one per class), and the methods relied on
    check: str
    names: tuple[str, ...]

    def test(self) -> cst.BaseExpression:
        listed = "".join(f', "{n}"' for n in self.names)
        return cst.parse_expression(f"{self.check}({self.subject}{listed})")


def guard_refusal(bound: dict[str, int], module: cst.Module) -> str | None:
    """Why the check above cannot be written in ``module``, or None."""
    clash = [n for n in _BUILTINS if bound.get(n)]
    if clash or bound.get("*"):
        return (
            f"the module binds {clash[0] if clash else 'names by a star import'}, which the "
            "check that the methods it calls are not overridden uses"
        )
    if bound.get("inspect") and (bound["inspect"] != 1 or inspect_import(module) is None):
        return "the module binds inspect otherwise than by `import inspect`, which the check uses"
    return None


def inspect_import(module: cst.Module) -> cst.SimpleStatementLine | None:
    """The top-level ``import inspect`` line of ``module``, if any."""
    for line in module.body:
        if isinstance(line, cst.SimpleStatementLine) and code(line).strip() == "import inspect":
            return line
    return None


def wrap(
    test: cst.BaseExpression, kept: cst.BaseExpression, dropped: cst.BaseExpression, bare: bool
) -> cst.BaseExpression:
    """``(dropped if test else kept)``, the copy kept where a method is not the module's
    (without the parentheses where ``bare``: the whole value of an assignment)."""
    paren = ([], []) if bare else ([cst.LeftParen()], [cst.RightParen()])
    bare_kept = kept.with_changes(lpar=[], rpar=[])
    return cst.IfExp(test, dropped, bare_kept, lpar=paren[0], rpar=paren[1])


class AddCaptures(cst.CSTTransformer):
    """Adds ``import inspect`` (where missing) and, after each class whose methods a check
    compares, the capture of their objects as the class statement made them and the check."""

    def __init__(self, captures: dict[str, tuple[str, str, set[str]]], imported: bool) -> None:
        super().__init__()
        self.captures = captures  # class name -> (capture's name, check's name, methods)
        self.imported = imported  # inspect imported already

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        for statement in updated_node.body:
            body.append(statement)
            if isinstance(statement, cst.ClassDef) and statement.name.value in self.captures:
                body.extend(_capture(statement.name.value, *self.captures[statement.name.value]))
        module = updated_node.with_changes(body=body)
        return module if self.imported else with_import(module, "inspect")


def _capture(owner: str, defs: str, check: str, names: set[str]) -> list[cst.BaseStatement]:
    listed = ", ".join(f'"{n}"' for n in ("__getattribute__", *sorted(names)))
    text = (
        f"{defs} = {{n: inspect.getattr_static({owner}, n) for n in ({listed})}}\n\n\n"
        f"def {check}(obj: object, *names: str) -> bool:\n"
        f'    """Are {owner}\'s methods ``names``, looked up on ``obj``, still those its class '
        "statement made\n    (not overridden, patched or hidden; looked up without running "
        'anything)?"""\n'
        "    if isinstance(obj, type) and type(obj) is not type:\n"
        "        return False  # a subclass's metaclass may answer the lookups\n"
        f'    names = ("__getattribute__", *names)\n'
        f"    return all(inspect.getattr_static(obj, n, None) is {defs}[n] for n in names)\n"
    )
    statements = list(cst.parse_module(text).body)
    gap = [cst.EmptyLine()] * 2
    return [
        statements[0].with_changes(leading_lines=gap),
        statements[1].with_changes(leading_lines=gap),
    ]
