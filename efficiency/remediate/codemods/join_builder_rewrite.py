"""The rewrite :mod:`efficiency.remediate.codemods.join_builder` decided on: appends become
list appends, and the class gets the property and ``__copy__`` that keep the attribute a str."""

from __future__ import annotations

import libcst as cst

from efficiency.remediate.codemods.join_attribute import _attr_append
from efficiency.remediate.codemods.join_builder import BuilderSite
from efficiency.remediate.codemods.pysource import StatementRewriter, names_in, unique_name


def _accessors(attr: str, parts: str) -> list[cst.BaseStatement]:
    text = (
        "class _:\n"
        "    @property\n"
        f"    def {attr}(self):\n"
        f"        parts = self.{parts}\n"
        "        if len(parts) != 1:\n"
        '            parts[:] = ["".join(parts)]\n'
        "        return parts[0]\n\n"
        f"    @{attr}.setter\n"
        f"    def {attr}(self, value):\n"
        f"        self.{parts} = [value]\n\n"
        f"    @{attr}.deleter\n"
        f"    def {attr}(self):\n"
        f"        del self.{parts}\n"
    )
    return _class_body(text)


def _copier(parts: list[str]) -> list[cst.BaseStatement]:
    names = ", ".join(f'"{p}"' for p in parts) + ("," if len(parts) == 1 else "")
    text = (
        "class _:\n"
        "    def __copy__(self):\n"
        "        cls = type(self)\n"
        "        clone = cls.__new__(cls)\n"
        "        clone.__dict__.update(self.__dict__)\n"
        f"        for name in ({names}):\n"
        "            if name in self.__dict__:\n"
        "                clone.__dict__[name] = list(self.__dict__[name])\n"
        "        return clone\n"
    )
    return _class_body(text)


def _class_body(text: str) -> list[cst.BaseStatement]:
    cls = cst.parse_statement(text)
    assert isinstance(cls, cst.ClassDef) and isinstance(cls.body, cst.IndentedBlock)
    first, *rest = cls.body.body
    return [first.with_changes(leading_lines=[cst.EmptyLine(indent=False)]), *rest]  # type: ignore[list-item]


class BuilderRewriter(StatementRewriter):
    def __init__(self, sites: list[BuilderSite]) -> None:
        super().__init__()
        self.appends = {key: (s, obj) for s in sites for key, obj in s.appends.items()}
        self.classes: dict[int, list[BuilderSite]] = {}
        for site in sites:
            self.classes.setdefault(id(site.cls), []).append(site)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        return self._appended(original_node, updated_node)

    def _appended(self, original: cst.CSTNode, updated: cst.AugAssign | cst.Assign) -> cst.Expr:
        found = self.appends.get(id(original))
        if found is None:
            return updated  # type: ignore[return-value]
        site, obj = found
        again = _attr_append(updated, obj)
        assert again is not None
        pieces = again[1]
        if len(pieces) == 1:
            method, arg = "append", pieces[0]
        else:
            method, arg = "extend", cst.Tuple(elements=[cst.Element(p) for p in pieces])
        parts = cst.Attribute(value=cst.Name(obj), attr=cst.Name(site.parts))
        call = cst.Call(func=cst.Attribute(value=parts, attr=cst.Name(method)), args=[cst.Arg(arg)])
        return cst.Expr(value=call, semicolon=updated.semicolon)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        sites = self.classes.get(id(original_node))
        if not sites:
            return updated_node
        assert isinstance(updated_node.body, cst.IndentedBlock)
        added: list[cst.BaseStatement] = []
        for site in sites:
            added += _accessors(site.attr, site.parts)
        added += _copier([s.parts for s in sites])
        body = updated_node.body.with_changes(body=[*updated_node.body.body, *added])
        return updated_node.with_changes(body=body)


def name_parts(sites: list[BuilderSite], module: cst.Module) -> None:
    """Give each site a parts attribute name no class of the module uses."""
    taken = names_in(module)
    for site in sites:
        site.parts = unique_name(f"_{site.attr.lstrip('_')}_parts", taken)
        taken.add(site.parts)
