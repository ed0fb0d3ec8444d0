"""Serialize note-taking outlines (mind maps) to OPML 2.0 for export/sync."""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

OPML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'


@dataclass
class Node:
    text: str
    note: str = ""
    checked: bool | None = None  # None = not a checklist item
    collapsed: bool = False
    tags: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def add(self, child: Node) -> Node:
        self.children.append(child)
        return child


def count_nodes(node: Node) -> int:
    return 1 + sum(count_nodes(c) for c in node.children)


def _attrs(node: Node) -> str:
    parts = [f"text={quoteattr(node.text)}"]
    if node.note:
        parts.append(f"_note={quoteattr(node.note)}")
    if node.checked is not None:
        parts.append(f'_complete="{str(node.checked).lower()}"')
    if node.tags:
        parts.append(f"category={quoteattr(','.join(sorted(node.tags)))}")
    return " ".join(parts)


def _emit(node: Node, depth: int, xml: str, expansion: list[int], counter: list[int]) -> str:
    """Append ``node`` and its subtree to ``xml``; tracks outline row numbers for expansionState."""
    row = counter[0]
    counter[0] += 1
    if node.children and not node.collapsed:
        expansion.append(row)
    pad = "  " * depth
    if not node.children:
        xml += f"{pad}<outline {_attrs(node)}/>\n"
        return xml
    xml += f"{pad}<outline {_attrs(node)}>\n"
    for child in node.children:
        xml = _emit(child, depth + 1, xml, expansion, counter)
    xml += f"{pad}</outline>\n"
    return xml


def to_opml(title: str, roots: list[Node], owner: str = "") -> str:
    expansion: list[int] = []
    counter = [0]
    body = ""
    for root in roots:
        body = _emit(root, 2, body, expansion, counter)
    head = f"  <head>\n    <title>{_escape_text(title)}</title>\n"
    if owner:
        head += f"    <ownerName>{_escape_text(owner)}</ownerName>\n"
    if expansion:
        head += f"    <expansionState>{','.join(map(str, expansion))}</expansionState>\n"
    head += "  </head>\n"
    return OPML_HEADER + head + "  <body>\n" + body + "  </body>\n</opml>\n"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def progress(node: Node) -> tuple[int, int]:
    """(done, total) over checklist items in the subtree."""
    done = total = 0
    if node.checked is not None:
        total = 1
        done = int(node.checked)
    for child in node.children:
        d, t = progress(child)
        done += d
        total += t
    return done, total


def prune_completed(node: Node) -> Node | None:
    """Copy of the tree without checked-off items (and their subtrees)."""
    if node.checked:
        return None
    kept = [c for c in (prune_completed(ch) for ch in node.children) if c is not None]
    return Node(node.text, node.note, node.checked, node.collapsed, list(node.tags), kept)
