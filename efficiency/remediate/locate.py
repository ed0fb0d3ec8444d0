"""From a hot frame to the file and function in the service's repository.

A profile names a frame ``function (path:line)`` with the path as the *running* process saw it
(``/srv/checkout/app/cart.py``, ``app/cart.py``, ``site-packages/...``). :func:`find_file`
relates that path to the repository by what it really is:

* an absolute path that exists here and lies inside the repository (symbolic links resolved)
  is that file, relative to the repository root;
* one under a ``site-packages`` (or ``dist-packages``) folder is an installed copy: its import
  path (``pkg/mod.py``, what follows that folder) names the repository file whose path ends
  with it (``pkg/mod.py`` or ``src/pkg/mod.py``);
* any other path that exists here lies outside the repository (the standard library, a
  driver script, another checkout) and is refused: editing a namesake would not change the
  code that ran;
* a path that does not exist here (a profile taken on another machine, or a relative path) is
  matched by its suffixes, longest first, under the services file's ``path_prefix`` and the
  repository root.

Two different files matching equally well is a refusal, not a guess.

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


#: folders an installed package lives under; what follows is its import path
INSTALL_FOLDERS = ("site-packages", "dist-packages")


def find_file(repo: Path, profiled_path: str, path_prefix: str = "") -> str:
    """The repository-relative path of ``profiled_path`` (see the module docstring); raises
    LocateError when it lies outside the repository, or when no file or more than one file
    matches equally well."""
    if not profiled_path:
        raise LocateError("the frame names no file")
    posix = PurePosixPath(profiled_path.replace("\\", "/"))
    installed = _import_path(posix)
    if installed is not None:
        return _by_import_path(repo, profiled_path, installed)
    if posix.is_absolute() and Path(posix).is_file():
        real, top = Path(posix).resolve(), repo.resolve()
        if real.is_relative_to(top):
            return real.relative_to(top).as_posix()
        raise LocateError(
            f"{profiled_path} lies outside the repository {repo} (not the service's code)"
        )
    return _by_suffix(repo, profiled_path, path_prefix)


def _import_path(path: PurePosixPath) -> PurePosixPath | None:
    """What follows the last ``site-packages`` folder of ``path`` (None when there is none)."""
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] in INSTALL_FOLDERS:
            return PurePosixPath(*parts[i + 1 :])
    return None


def _by_import_path(repo: Path, profiled_path: str, installed: PurePosixPath) -> str:
    """The one repository file whose path ends with the installed file's import path."""
    found = sorted(
        rel.as_posix()
        for rel in (p.relative_to(repo) for p in repo.rglob(installed.name) if p.is_file())
        if not any(part.startswith(".") or part in INSTALL_FOLDERS for part in rel.parts)
        and rel.parts[-len(installed.parts) :] == installed.parts
    )  # fmt: skip
    if len(found) == 1:
        return found[0]
    if found:
        raise LocateError(
            f"{profiled_path} (import path {installed}) matches several files in {repo}: "
            f"{', '.join(found)}"
        )
    raise LocateError(
        f"{profiled_path} is an installed copy, and no file of the repository {repo} has its "
        f"import path {installed}"
    )


def _by_suffix(repo: Path, profiled_path: str, path_prefix: str) -> str:
    """A path that does not exist here: the longest of its suffixes that names a file under
    ``path_prefix`` or the repository root."""
    roots = [PurePosixPath(path_prefix.strip("/"))] if path_prefix.strip("/") else []
    roots.append(PurePosixPath("."))
    for suffix in _suffixes(profiled_path):
        found = {
            str(PurePosixPath(root / suffix))
            for root in roots
            if (repo / root / suffix).is_file()
        }  # fmt: skip
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
    return locate_in(repo, find_file(repo, profiled_path, path_prefix), function, line)


def locate_in(tree: Path, path: str, function: str, line: int | None) -> Location:
    """The function in ``path`` (relative to ``tree``, found by :func:`find_file` in the
    repository ``tree`` is a work tree of)."""
    try:
        source = (tree / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LocateError(f"cannot read {path}: {exc}") from None
    return find_function(source, path, function, line)
