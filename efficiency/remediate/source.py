"""The source of a sampled line: the evidence a frame rule's ``source`` pattern is searched in.

A sampling profiler names the line a frame was executing (py-spy does for Python frames), not
what the line does: ``s += part`` and ``total += n`` look alike by frame name. A rule with a
``source`` pattern therefore reads the statement at each sampled line from the service's
repository and matches the pattern against it, so a playbook matches only where the profile
*and* the code show its pattern.

:class:`RepoSource` finds the profiled file in a repository the way
:func:`efficiency.remediate.locate.find_file` does (the path's longest suffix that exists,
under the service's ``path_prefix``) and reads it from the work tree. The statement at a line
is the innermost statement holding it; for a compound statement (``for``, ``if``, ``with``,
``def``...) only its header counts, so a sampled ``for`` line is not matched by its body.
Asked for the statement at a line *of a function*, it answers only when the line lies in a
``def`` of that name: a sample whose line is outside the function its frame names (a file edited
since it was profiled, a stack read while it changed) is not evidence about that function.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Protocol

from efficiency.remediate.locate import INSTALL_FOLDERS, LocateError, find_file

#: statements longer than this are cut (a pattern is searched in the first part only)
MAX_STATEMENT_CHARS = 2000


class SourceLookup(Protocol):
    """What a frame rule's ``source`` pattern needs: the statement at a profiled line."""

    def statement(self, file: str, line: int, function: str | None = None) -> str | None:
        """The source of the statement at ``line`` of the profiled ``file``; None when the
        file is not the service's, the line holds no statement or, with ``function``, the
        line lies in no ``def`` of that name."""
        ...

    def holds(self, file: str) -> bool:
        """Whether ``file``, a path under ``site-packages``, is an installed copy of a file
        of the service's repository (so its frames are the service's own code)."""
        ...


def function_spans(source: str) -> dict[str, list[tuple[int, int]]]:
    """The lines each ``def`` of ``source`` spans (decorators included), by function name."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    spans: dict[str, list[tuple[int, int]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            spans.setdefault(node.name, []).append((start, node.end_lineno or node.lineno))
    return spans


def in_function(spans: dict[str, list[tuple[int, int]]], function: str, line: int) -> bool:
    """Whether ``line`` lies in a ``def`` named by a frame's ``function`` (a bare or dotted
    name). Frames the code names without a ``def`` (``<module>``, ``<lambda>``,
    ``<listcomp>``...) are not checked."""
    name = function.rsplit(".", 1)[-1]
    if not name.isidentifier():
        return True
    return any(start <= line <= end for start, end in spans.get(name, ()))


def statements(source: str) -> dict[int, str]:
    """Each line of ``source`` that lies in a statement, mapped to that statement's text
    (a compound statement's header only). Empty when the source does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    lines = source.splitlines()
    spans: list[tuple[int, int]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt):
            continue
        start, end = node.lineno, node.end_lineno or node.lineno
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            decorators = getattr(node, "decorator_list", [])
            start = min([start, *(d.lineno for d in decorators)])
            end = max(start, body[0].lineno - 1)
        spans.append((start, end))
    out: dict[int, tuple[int, str]] = {}
    for start, end in spans:
        text = "\n".join(lines[start - 1 : end])[:MAX_STATEMENT_CHARS]
        for line in range(start, end + 1):
            if line not in out or end - start < out[line][0]:  # the innermost wins
                out[line] = (end - start, text)
    return {line: text for line, (_, text) in out.items()}


class RepoSource:
    """Statements of the files of one service's repository (its work tree), read once each."""

    def __init__(self, repo: Path, path_prefix: str = "") -> None:
        self.repo = repo
        self.path_prefix = path_prefix
        self._files: dict[str, tuple[dict[int, str], dict[str, list[tuple[int, int]]]]] = {}
        self._held: dict[str, bool] = {}

    def statement(self, file: str, line: int, function: str | None = None) -> str | None:
        if file not in self._files:
            self._files[file] = self._read(file)
        lines, spans = self._files[file]
        if function is not None and not in_function(spans, function, line):
            return None
        return lines.get(line)

    def holds(self, file: str) -> bool:
        if file not in self._held:
            installed = any(f"{d}/" in file.replace("\\", "/") for d in INSTALL_FOLDERS)
            try:
                self._held[file] = installed and bool(find_file(self.repo, file))
            except LocateError:
                self._held[file] = False
        return self._held[file]

    def _read(self, file: str) -> tuple[dict[int, str], dict[str, list[tuple[int, int]]]]:
        if not file.endswith(".py"):
            return {}, {}
        try:
            rel = find_file(self.repo, file, self.path_prefix)
            text = (self.repo / rel).read_text(encoding="utf-8")
        except (LocateError, OSError, UnicodeDecodeError):
            return {}, {}
        return statements(text), function_spans(text)
