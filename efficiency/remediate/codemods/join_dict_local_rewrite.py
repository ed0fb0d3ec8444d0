"""The rewrite :mod:`efficiency.remediate.codemods.join_dict_local` decided on: each append
``d[k] += piece`` in the loop becomes ``d_parts.setdefault(k, []).append(piece)``, the loop goes
into a ``try`` whose ``finally`` adds each key's joined parts to ``d``; with the fresh names,
the lines the profile sampled as they lie in the tree an earlier stage rewrote, and the
summary."""

from __future__ import annotations

import difflib

import libcst as cst

from efficiency.remediate.codemods.base import plural
from efficiency.remediate.codemods.join_attribute import flushed
from efficiency.remediate.codemods.join_dict_local import LocalDictSite
from efficiency.remediate.codemods.join_dict_rewrite import DictRewriter
from efficiency.remediate.codemods.pysource import StatementRewriter, names_in, unique_name


def name_sites(sites: list[LocalDictSite], module: cst.Module) -> None:
    """Fresh names for each dict's parts and flush loop, shared by its loops in a function
    (they run one after the other, each starting its parts afresh)."""
    taken = names_in(module)
    chosen: dict[tuple[int, str], tuple[str, str, str]] = {}
    for site in sites:
        key = (id(site.func), site.name)
        if key not in chosen:
            names = []
            for suffix in ("parts", "key", "list"):
                names.append(unique_name(f"{site.name}_{suffix}", taken))
                taken.add(names[-1])
            chosen[key] = (names[0], names[1], names[2])
        site.parts, site.key, site.items = chosen[key]


def current_lines(before: str, after: str, lines: list[int] | None) -> set[int] | None:
    """The lines of ``after`` (``before`` as earlier stages rewrote it) that hold what the
    sampled ``lines`` of ``before`` held: unchanged lines move with the lines inserted above
    them; a replaced line is any line of its replacement. None: no lines were given."""
    if lines is None:
        return None
    wanted, found = set(lines), set()
    old, new = before.splitlines(), after.splitlines()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        hit = [n for n in range(i1 + 1, i2 + 1) if n in wanted]
        if tag == "equal":
            found |= {n - i1 + j1 for n in hit}
        elif tag == "replace" and hit:
            found |= set(range(j1 + 1, j2 + 1))
    return found


def summary(sites: list[LocalDictSite]) -> str:
    shown = sorted({f"{s.name} ({s.func.name.value})" for s in sites})
    loops = len({id(s.loop) for s in sites})
    return (
        f"kept the str values of the local dict {', '.join(shown)} as lists of parts, joined "
        f"once per key after the loop, instead of `d[k] += ...` ({plural(loops, 'loop')})"
    )


def _key(target: cst.Subscript) -> cst.BaseExpression:
    """The key ``d[k]`` looks up: ``k``, or the tuple of ``d[a, b]`` / ``d[a,]``."""
    elements = target.slice
    values = [e.slice.value for e in elements]  # type: ignore[attr-defined]
    if len(elements) == 1 and not isinstance(elements[0].comma, cst.Comma):
        return values[0]
    return cst.Tuple(elements=[cst.Element(v) for v in values])


class LocalDictRewriter(StatementRewriter):
    def __init__(self, sites: list[LocalDictSite]) -> None:
        super().__init__()
        self.loops: dict[int, list[LocalDictSite]] = {}
        self.appends: dict[int, LocalDictSite] = {}
        for site in sites:
            self.loops.setdefault(id(site.loop), []).append(site)
            self.appends.update((id(a), site) for a in site.appends)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        site = self.appends.get(id(original_node))
        if site is None:
            return updated_node
        assert isinstance(updated_node.target, cst.Subscript)
        setdefault = cst.Call(
            func=cst.Attribute(value=cst.Name(site.parts), attr=cst.Name("setdefault")),
            args=[cst.Arg(_key(updated_node.target)), cst.Arg(cst.List(elements=[]))],
        )
        return DictRewriter._append(setdefault, [updated_node.value], updated_node.semicolon)

    def _body(self, original: tuple[cst.CSTNode, ...], updated: tuple[cst.CSTNode, ...]) -> list:
        body: list = []
        for old, new in zip(original, updated, strict=True):
            sites = self.loops.get(id(old))
            if not sites:
                body.append(new)
                continue
            adds = "".join(
                f"    for {s.key}, {s.items} in {s.parts}.items():\n"
                f'        {s.name}[{s.key}] += "".join({s.items})\n'
                for s in sites
            )
            body += flushed(new, [f"{s.parts} = {{}}" for s in sites], adds)
        return body
