"""Line-level editing for the non-Python codemods: keep every other byte as it was."""

from __future__ import annotations


def newline_of(source: str) -> str:
    return "\r\n" if "\r\n" in source else "\n"


def insert_lines(source: str, edits: list[tuple[int, list[str]]]) -> str:
    """``source`` with each edit's lines (no line ends) inserted before line index ``at``
    (``len(lines)`` appends); edits may come in any order."""
    newline = newline_of(source)
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
        appended_newline = True
    else:
        appended_newline = False
    for at, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[at:at] = [line + newline for line in new]
    text = "".join(lines)
    if appended_newline and all(at < len(source.splitlines()) for at, _ in edits):
        text = text[: -len(newline)]
    return text
