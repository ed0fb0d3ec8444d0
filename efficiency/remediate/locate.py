"""From a hot frame to the file and function in the service's repository.

A profile names a frame ``function (path:line)`` with the path as the *running* process saw it
(``/srv/checkout/app/cart.py``, ``app/cart.py``, ``site-packages/...``). The repository holds
the same file under some folder (the services file's ``path_prefix``). :func:`locate` tries the
path's suffixes, longest first, under the prefix and the repository root; the longest suffix
that exists wins, and two different files matching equally well is a refusal, not a guess.

Then it checks that the file still defines the function around the profiled line. When the
line moved (the file changed since the profile), the function is searched by name; when it is
gone, or defined twice, that is a refusal too: a proposal must edit what was measured.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class LocateError(Exception):
    """The frame cannot be tied to one file and function; the message says why."""


@dataclass(frozen=True)
class Location:
    #: path relative to the repository root (POSIX separators)
    path: str
    #: the function's qualified name in the file (``Class.method`` or ``function``)
    function: str
    #: first and last line of the function's definition now
    start: int
    end: int
    #: the line the profile named, when it still falls in the function; else None
    line: int | None
    #: True when the profiled line is no longer inside the function (found by name)
    drifted: bool


def _suffixes(path: str) -> list[PurePosixPath]:
    parts = [p for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("/", "")]
    return [PurePosixPath(*parts[i:]) for i in range(len(parts))]


def find_file(repo: Path, profiled_path: str, path_prefix: str = "") -> str:
    """The repository-relative path of ``profiled_path``; raises LocateError when no file or
    more than one file matches equally well."""
    if not profiled_path:
        raise LocateError("the frame names no file")
    roots = [PurePosixPath(path_prefix.strip("/"))] if path_prefix.strip("/") else []
    roots.append(PurePosixPath("."))
    for suffix in _suffixes(profiled_path):
        found = {
            str(root / suffix)
            for root in roots
            if (repo / root / suffix).is_file()
        }  # fmt: skip
        found = {str(PurePosixPath(p)) for p in found}
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            raise LocateError(
                f"{profiled_path} matches several files in {repo}: {', '.join(sorted(found))}"
            )
    where = f" under {path_prefix!r} or the root" if roots[0] != PurePosixPath(".") else ""
    raise LocateError(f"{profiled_path} is not in the repository {repo}{where}")


def _definitions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []

    def walk(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                found.append((name, child))
                walk(child, f"{name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                walk(child, f"{prefix}{child.name}.")
            else:
                walk(child, prefix)

    walk(tree, "")
    return found


def _py_spy_name(function: str) -> str:
    """py-spy names comprehensions and lambdas after their scope (``f.<locals>.<listcomp>``);
    the function to edit is the enclosing one."""
    parts = function.split(".")
    while parts and parts[-1].startswith("<") and parts[-1] != "<module>":
        parts.pop()
        if parts and parts[-1] == "<locals>":
            parts.pop()
    return ".".join(parts)


def find_function(source: str, path: str, function: str, line: int | None) -> Location:
    """Where ``function`` is defined in ``source`` now, preferring the definition that holds
    ``line``; raises LocateError when it is not there or is ambiguous."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise LocateError(
            f"{path} does not parse as Python: {exc.msg} (line {exc.lineno})"
        ) from None
    wanted = _py_spy_name(function)
    if not wanted or wanted == "<module>":
        raise LocateError(f"{function!r} in {path} is module-level code, not a function")
    defs = _definitions(tree)
    named = [
        (name, node) for name, node in defs
        if name == wanted or name.endswith(f".{wanted}") or name.split(".")[-1] == wanted
    ]  # fmt: skip
    exact = [(n, d) for n, d in named if n == wanted or n.endswith(f".{wanted}")]
    candidates = exact or named
    if line is not None:
        holding = [
            (n, d) for n, d in candidates if d.lineno <= line <= (d.end_lineno or d.lineno)
        ]  # fmt: skip
        if holding:
            name, node = max(holding, key=lambda nd: nd[1].lineno)  # the innermost
            return Location(path, name, node.lineno, node.end_lineno or node.lineno, line, False)
    if not candidates:
        raise LocateError(
            f"{path} no longer defines {wanted} (the file changed since the profile?)"
        )
    if len(candidates) > 1:
        lines = ", ".join(str(d.lineno) for _, d in candidates)
        raise LocateError(
            f"{path} defines {wanted} more than once (lines {lines}); refusing to guess"
        )
    name, node = candidates[0]
    return Location(path, name, node.lineno, node.end_lineno or node.lineno, None, line is not None)


def locate(
    repo: Path, profiled_path: str, function: str, line: int | None, path_prefix: str = ""
) -> Location:
    """The file and function of a hot frame in ``repo`` (see the module docstring)."""
    path = find_file(repo, profiled_path, path_prefix)
    try:
        source = (repo / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LocateError(f"cannot read {path}: {exc}") from None
    return find_function(source, path, function, line)
