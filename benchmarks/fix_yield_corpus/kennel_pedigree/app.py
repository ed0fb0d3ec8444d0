"""Draw kennel-club pedigrees as Graphviz DOT.

The registrar's export gives one record per registered dog with the
registration numbers of its sire and dam (blank when the parent was never
registered with us).  ``pedigree_dot`` walks back a given number of
generations from one or more dogs and writes a DOT digraph; ancestors that
turn up on both sides of a pedigree (line breeding) are filled in amber so
the breed council can spot them at a glance.
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple


class Dog(NamedTuple):
    reg_no: str
    name: str
    sex: str  # "D" dog, "B" bitch
    born: int
    sire: str
    dam: str
    titles: tuple[str, ...] = ()


def load_registry(rows: list[dict[str, str]]) -> dict[str, Dog]:
    registry = {}
    for row in rows:
        titles = tuple(t for t in row.get("titles", "").split("/") if t)
        registry[row["reg_no"]] = Dog(
            row["reg_no"],
            row["name"].strip(),
            row["sex"],
            int(row["born"]),
            row.get("sire", ""),
            row.get("dam", ""),
            titles,
        )
    return registry


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def count_ancestors(registry: dict[str, Dog], reg_no: str, generations: int) -> Counter:
    """How many times each ancestor appears within ``generations`` of reg_no."""
    seen: Counter = Counter()
    frontier = [reg_no]
    for _ in range(generations):
        parents = []
        for r in frontier:
            dog = registry.get(r)
            if dog is None:
                continue
            for p in (dog.sire, dog.dam):
                if p:
                    seen[p] += 1
                    parents.append(p)
        frontier = parents
    return seen


def pedigree_dot(registry: dict[str, Dog], subjects: list[str], generations: int = 4) -> str:
    """One DOT graph holding the pedigrees of all ``subjects``."""
    out = "digraph pedigree {\n  rankdir=RL;\n  node [shape=box, fontname=Helvetica];\n"
    emitted: set[str] = set()
    edges: set[tuple[str, str]] = set()

    def node(reg_no: str, repeated: bool) -> None:
        nonlocal out
        dog = registry.get(reg_no)
        if dog is None:
            out += f"  {_quote(reg_no)} [label={_quote(reg_no + chr(10) + '(not registered)')}, style=dashed];\n"  # noqa: E501
            return
        label = " ".join(dog.titles + (dog.name,)) + f"\n{dog.reg_no}  {dog.born}"  # noqa: RUF005
        colour = "lightblue" if dog.sex == "D" else "pink"
        if repeated:
            colour = "orange"
        out += f"  {_quote(reg_no)} [label={_quote(label)}, style=filled, fillcolor={colour}];\n"

    def visit(reg_no: str, depth: int, repeats: Counter) -> None:
        nonlocal out
        if reg_no not in emitted:
            emitted.add(reg_no)
            node(reg_no, repeats[reg_no] > 1)
        dog = registry.get(reg_no)
        if dog is None or depth == generations:
            return
        for parent, kind in ((dog.sire, "sire"), (dog.dam, "dam")):
            if not parent:
                continue
            if (parent, reg_no) not in edges:
                edges.add((parent, reg_no))
                out += f"  {_quote(parent)} -> {_quote(reg_no)} [label={kind}];\n"
            visit(parent, depth + 1, repeats)

    for subject in subjects:
        visit(subject, 0, count_ancestors(registry, subject, generations))
    out += "}\n"
    return out
