"""What the repository's other Python modules name, for a codemod that must know whether a
public name of the file it rewrites is used anywhere else.

Each ``*.py`` file of the tree (virtual environments, ``.git`` and other hidden folders, and
build output left out) is read with :mod:`tokenize`: its ``NAME`` tokens and the identifier-like
runs inside its string literals count, its comments do not. ``obj.blocked_sites.append(x)``,
``getattr(obj, "blocked_sites")`` and ``FIELDS = ["blocked_sites"]`` all name ``blocked_sites``.
A file that cannot be read or tokenized names everything (nothing can be proved about it).
Tokens are kept per file, keyed by its size and modification time, so a run that asks about
many names, or about the same tree many times, reads each file once.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from pathlib import Path

#: folders never walked into: virtual environments, caches and build output
SKIPPED_DIRS = frozenset({"venv", "site-packages", "node_modules", "__pycache__", "build", "dist"})
_WORD = re.compile(r"\w+")
#: token types whose text is a literal's, searched for identifier-like runs
_LITERALS = {tokenize.STRING} | (
    {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
)
#: resolved path -> ((size, mtime_ns), its names, or None when it did not tokenize)
_CACHE: dict[str, tuple[tuple[int, int], frozenset[str] | None]] = {}


def source_names(text: str) -> frozenset[str]:
    """The names in Python source ``text``: NAME tokens and the identifier-like runs of its
    string literals, not its comments. Raises :class:`tokenize.TokenError` or
    :class:`SyntaxError` when ``text`` does not tokenize."""
    names: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.NAME:
            names.add(token.string)
        elif token.type in _LITERALS:
            names.update(_WORD.findall(token.string))
    return frozenset(names)


def _file_names(path: Path) -> frozenset[str] | None:
    try:
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        cached = _CACHE.get(str(path))
        if cached is not None and cached[0] == key:
            return cached[1]
        with tokenize.open(path) as handle:
            text = handle.read()
    except (OSError, SyntaxError, UnicodeDecodeError):
        _CACHE.pop(str(path), None)
        return None
    try:
        names: frozenset[str] | None = source_names(text)
    except (tokenize.TokenError, SyntaxError):
        names = None
    _CACHE[str(path)] = (key, names)
    return names


def python_files(tree: Path) -> list[str]:
    """The ``*.py`` files of ``tree``, relative to it, sorted; skipped: hidden folders
    (``.git``, ``.venv``, ``.tox``...), :data:`SKIPPED_DIRS` and any folder holding a
    ``pyvenv.cfg`` (a virtual environment of another name)."""
    found = []
    for root, dirs, files in os.walk(tree):
        dirs[:] = [
            d
            for d in dirs
            if not d.startswith(".")
            and d not in SKIPPED_DIRS
            and not (Path(root) / d / "pyvenv.cfg").exists()
        ]
        base = Path(root).relative_to(tree)
        found += [(base / f).as_posix() for f in files if f.endswith(".py")]
    return sorted(found)


class OtherModules:
    """The Python modules of the repository at ``tree`` other than ``path`` (relative to it).
    Called with a name: '' when none of them names it, else which one does (or could not be
    read). The files are walked on the first call, not before."""

    def __init__(self, tree: Path, path: str) -> None:
        self.tree = Path(tree)
        self.path = Path(path).as_posix()
        self._files: list[str] | None = None

    def __call__(self, name: str) -> str:
        if self._files is None:
            self._files = [f for f in python_files(self.tree) if f != self.path]
        for rel in self._files:
            names = _file_names(self.tree / rel)
            if names is None:
                return f"{rel} could not be tokenized, so it may name it"
            if name in names:
                return f"{rel} names it"
        return ""
