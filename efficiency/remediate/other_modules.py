"""What the repository's other Python modules name, for a codemod that must know whether a
public name of the file it rewrites is used anywhere else.

Read as Python (:mod:`tokenize`): ``*.py``, ``*.pyw``, Cython's ``*.pyx``/``*.pxi``/``*.pxd``,
a file with no suffix whose first line is a ``python`` shebang, and the code cells of a Jupyter
``*.ipynb`` (IPython ``%``/``!`` lines blanked). Their ``NAME`` tokens count, NFKC-normalized as
Python normalizes identifiers (a long s or a fullwidth letter is the plain one), and so do the
identifier-like runs inside string literals, both as written and with escapes decoded
(``"blocked\\x5fsites"``); comments do not. Template files (``*.html``, ``*.jinja2``,
``*.mako``..., whose expressions call methods: Django calls ``{{ o.items.clear }}``) count every
identifier-like run of their text. Stubs (``*.pyi``), documentation, data and shell scripts run no
Python and are not read. Virtual environments, hidden folders and build output are skipped, and
the file asked about is never "another" module, under whatever path it is also reached.

A module that reaches attributes by a computed name (``vars(o)``, ``__dict__``, ``getattr`` /
``setattr`` / ``delattr`` / ``attrgetter`` / ``eval`` / ``exec`` whose name or source is not one
plain string literal, ``inspect.getmembers``, ``.__getattribute__``, the pickling hooks
``__getstate__``/``__reduce__``/``__reduce_ex__`` (their state is the attributes' values), or
``getattr`` itself passed around) could reach any attribute: it counts as naming every name.
So does a file that cannot be read (or is no regular file: a pipe would block) or tokenized.
Not seen: code outside the tree, ``gc``/``ctypes`` tricks, a template filter fetching an
attribute by a computed name.

Scans are cached by the file's content (a BLAKE2 digest), so the fresh worktree each proposal is
made in reads its files but tokenizes none seen before.
"""

from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import re
import stat
import tokenize
import unicodedata
from pathlib import Path

#: folders never walked into: virtual environments, caches and build output
SKIPPED_DIRS = frozenset({"venv", "site-packages", "node_modules", "__pycache__", "build", "dist"})
#: suffixes of files read as Python source
PYTHON_SUFFIXES = frozenset({".py", ".pyw", ".pyx", ".pxi", ".pxd"})
#: suffixes of template files, whose every identifier-like run counts
TEMPLATE_SUFFIXES = frozenset(
    {".html", ".htm", ".jinja", ".jinja2", ".j2", ".mako", ".tmpl", ".tpl", ".djhtml"}
)
#: names that reach an attribute whose name is computed unless given one plain string literal
#: (the position of that argument: 1 for getattr(obj, name), 0 for eval(source))
_NAMED_ARG = {"getattr": 1, "setattr": 1, "delattr": 1, "getattr_static": 1}
_SOURCE_ARG = {"eval": 0, "exec": 0, "compile": 0}
#: names that reach every attribute whatever their arguments (``vars()`` alone is the locals;
#: ``__getstate__``/``__reduce__``/``__reduce_ex__`` hand out the instance's attribute values)
_ALWAYS = frozenset({"__dict__", "getmembers", "__getstate__", "__reduce__", "__reduce_ex__"})
_DUNDER_CALLS = frozenset({"__getattribute__", "__setattr__", "__delattr__"})
_GENERIC = frozenset({*_NAMED_ARG, *_SOURCE_ARG, *_ALWAYS, *_DUNDER_CALLS, "vars", "attrgetter"})
_WORD = re.compile(r"\w+")
_SHEBANG = re.compile(rb"#![^\n]*python")
#: token types whose text is a literal's, searched for identifier-like runs
_LITERALS = {tokenize.STRING} | (
    {tokenize.FSTRING_MIDDLE} if hasattr(tokenize, "FSTRING_MIDDLE") else set()
)
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING}
_CACHE_SIZE = 50_000

#: what a file names, and why it names everything ('' when it does not)
Scan = tuple[frozenset[str], str]
#: content digest and kind -> its scan, or None when it did not tokenize
_CACHE: dict[tuple[bytes, str], Scan | None] = {}


def _identifier(name: str) -> str:
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def _literal_words(text: str) -> list[str]:
    words = _WORD.findall(text)
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return words
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return [*words, *_WORD.findall(value)] if isinstance(value, str) else words


def _plain_literal(tokens: list[tokenize.TokenInfo]) -> bool:
    """One string literal, no f-string: its text is fully known here."""
    if len(tokens) != 1 or tokens[0].type != tokenize.STRING:
        return False
    return "f" not in tokens[0].string.split(tokens[0].string[-1])[0].lower()


def _arguments(tokens: list[tokenize.TokenInfo], start: int) -> list[list[tokenize.TokenInfo]]:
    """The comma-separated arguments of the call whose ``(`` is ``tokens[start]``."""
    args: list[list[tokenize.TokenInfo]] = [[]]
    depth = 0
    for token in tokens[start:]:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
            if depth == 1:
                continue
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0:
                break
        if depth == 1 and token.type == tokenize.OP and token.string == ",":
            args.append([])
        else:
            args[-1].append(token)
    return [a for a in args if a]


def _computed_access(tokens: list[tokenize.TokenInfo], i: int) -> str:
    """'' unless ``tokens[i]`` reaches an attribute by a computed name; else how."""
    name = tokens[i].string
    before = tokens[i - 1].string if i else ""
    after = tokens[i + 1].string if i + 1 < len(tokens) else ""
    if name in _ALWAYS or (name in _DUNDER_CALLS and before == "."):
        return name
    if name not in _NAMED_ARG and name not in _SOURCE_ARG and name not in {"vars", "attrgetter"}:
        return ""
    if after != "(":
        return "" if before in {"def", "import", ",", "as"} else f"{name} passed around"
    args = _arguments(tokens, i + 1)
    if name == "vars":
        return "vars(...)" if args else ""
    if name == "attrgetter":
        return "" if args and all(_plain_literal(a) for a in args) else "attrgetter(...)"
    at = _NAMED_ARG.get(name, _SOURCE_ARG.get(name, 0))
    return "" if len(args) > at and _plain_literal(args[at]) else f"{name}(...)"


def source_scan(text: str) -> Scan:
    """The names in Python source ``text`` (NAME tokens, NFKC-normalized, and the
    identifier-like runs of its string literals, as written and decoded; not its comments), and
    how it reaches attributes by a computed name ('' when it does not). Raises
    :class:`tokenize.TokenError` or :class:`SyntaxError` when ``text`` does not tokenize."""
    names: set[str] = set()
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)]
    tokens = [t for t in tokens if t.type not in _SKIP]
    generic = ""
    in_import = False
    for i, token in enumerate(tokens):
        if token.type == tokenize.NEWLINE:
            in_import = False
        elif token.type == tokenize.NAME:
            names.add(_identifier(token.string))
            if i == 0 or tokens[i - 1].type == tokenize.NEWLINE:
                in_import = token.string in {"import", "from"}
            if not generic and not in_import:
                generic = _computed_access(tokens, i)
        elif token.type in _LITERALS:
            words = _literal_words(token.string)
            names.update(words)
            if not generic and token.type == tokenize.STRING and not _plain_literal([token]):
                # before 3.12 an f-string is one token: its expressions show only as words
                generic = next((f"{w} in an f-string" for w in words if w in _GENERIC), "")
    return frozenset(names), generic


def source_names(text: str) -> frozenset[str]:
    """The names of :func:`source_scan`."""
    return source_scan(text)[0]


def _notebook_source(text: str) -> str:
    cells = json.loads(text)["cells"]
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            body = "".join(source) if isinstance(source, list) else str(source)
            lines += ["" if ln.lstrip()[:1] in ("%", "!") else ln for ln in body.splitlines()]
    return "\n".join(lines) + "\n"


#: what decoding a file's bytes (or a notebook's JSON) can raise
_DECODE_ERRORS = (SyntaxError, UnicodeDecodeError, LookupError, ValueError, KeyError, TypeError,
                  AttributeError)  # fmt: skip


def _python_text(data: bytes, kind: str) -> str:
    """The Python source in a file's bytes: a notebook's code cells, else the text in the
    encoding its coding line (or UTF-8) names. Raises what :data:`_DECODE_ERRORS` lists."""
    if kind == "notebook":
        return _notebook_source(data.decode("utf-8"))
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _kind(path: Path) -> str:
    """'python', 'notebook', 'template' or '' (not read)."""
    suffix = path.suffix.lower()
    if suffix in PYTHON_SUFFIXES:
        return "python"
    if suffix == ".ipynb":
        return "notebook"
    if suffix in TEMPLATE_SUFFIXES:
        return "template"
    if not suffix:
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a pipe would block the open
                return ""
            with path.open("rb") as handle:
                return "python" if _SHEBANG.match(handle.readline(200)) else ""
        except OSError:
            return ""
    return ""


def _scan_bytes(data: bytes, kind: str) -> Scan | None:
    key = (hashlib.blake2b(data, digest_size=16).digest(), kind)
    if key in _CACHE:
        return _CACHE[key]
    try:
        if kind == "template":
            scan: Scan | None = (frozenset(_WORD.findall(data.decode("utf-8", "replace"))), "")
        else:
            scan = source_scan(_python_text(data, kind))
    except (tokenize.TokenError, *_DECODE_ERRORS):
        scan = None
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = scan
    return scan


def python_files(tree: Path) -> list[str]:
    """The files of ``tree`` that run Python (see the module's docstring), relative to it,
    sorted; skipped: hidden folders (``.git``, ``.venv``, ``.tox``...), :data:`SKIPPED_DIRS`
    and any folder holding a ``pyvenv.cfg`` (a virtual environment of another name)."""
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
        found += [(base / f).as_posix() for f in files if _kind(Path(root) / f)]
    return sorted(found)


class OtherModules:
    """The Python modules of the repository at ``tree`` other than ``path`` (relative to it).
    Called with a name: '' when none of them names it, else which one does (or could not be
    read). The files are walked and read on the first call, not before."""

    def __init__(self, tree: Path, path: str) -> None:
        self.tree = Path(tree)
        self.path = Path(path).as_posix()
        self._scans: dict[str, Scan | str] | None = None

    def _read(self) -> dict[str, Scan | str]:
        own = (self.tree / self.path).resolve()
        scans: dict[str, Scan | str] = {}
        for rel in python_files(self.tree):
            path = self.tree / rel
            try:
                if path.resolve() == own:
                    continue
                if not stat.S_ISREG(path.stat().st_mode):
                    scans[rel] = f"{rel} could not be read (no regular file), so it may name it"
                    continue
                data = path.read_bytes()
            except OSError:
                scans[rel] = f"{rel} could not be read, so it may name it"
                continue
            scan = _scan_bytes(data, _kind(path))
            scans[rel] = scan if scan is not None else (
                f"{rel} could not be tokenized, so it may name it"
            )  # fmt: skip
        return scans

    def __call__(self, name: str) -> str:
        files, why = self.naming(name)
        return f"{files[0]} names it" if files else why  # the first file in the walk

    def naming(self, name: str) -> tuple[list[str], str]:
        """The other modules that name ``name``, and '' or why any of them could reach any
        name (a computed attribute access, a file that could not be read or tokenized)."""
        if self._scans is None:
            self._scans = self._read()
        files = []
        for rel, scan in self._scans.items():
            if isinstance(scan, str):
                return files, scan
            names, generic = scan
            if generic:
                return files, f"{rel} reaches attributes by a computed name ({generic})"
            if name in names:
                files.append(rel)
        return files, ""

    def source(self, rel: str) -> str | None:
        """The Python text of the other module ``rel`` (a notebook's code cells), or None for a
        template or a file that cannot be read or decoded now."""
        path = self.tree / rel
        kind = _kind(path)
        if kind not in ("python", "notebook"):
            return None
        try:
            if not stat.S_ISREG(path.stat().st_mode):  # a pipe would block the read
                return None
            return _python_text(path.read_bytes(), kind)
        except (OSError, *_DECODE_ERRORS):
            return None
