"""The store is the ground floor: no module of efficiency/store (nor efficiency/base, below
it) imports a stage, the API, the CLI or anything else above it."""

from __future__ import annotations

import ast
from pathlib import Path

import efficiency

ROOT = Path(efficiency.__file__).parent
ABOVE = ("ingest", "notify", "correlate", "detect", "remediate", "report", "cli", "stages",
         "daemon", "rca", "demo", "services", "links")  # fmt: skip
FORBIDDEN = (*(f"efficiency.{name}" for name in ABOVE), "collectors")


def _imports(path: Path, package: str) -> list[tuple[int, str]]:
    """Every module ``path`` (in ``package``) imports, with its line; relative imports are
    made absolute."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            out.append((node.lineno, base))
    return out


def _violations(folder: Path, package: str) -> list[str]:
    files = sorted(folder.glob("*.py"))
    assert files, f"no modules under {folder}"
    return [
        f"{package.replace('.', '/')}/{path.name}:{line}: imports {name}"
        for path in files
        for line, name in _imports(path, package)
        if name == "efficiency" or any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    ]


def test_store_imports_nothing_above_it() -> None:
    assert _violations(ROOT / "store", "efficiency.store") == []


def test_base_imports_nothing_above_it() -> None:
    assert _violations(ROOT / "base", "efficiency.base") == []


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The walker finds both absolute and relative imports of an upper module."""
    (tmp_path / "probe.py").write_text(
        "import sqlalchemy\nfrom efficiency.notify.silence import Matcher\n"
        "from ..ingest import api\nfrom . import db\n"
    )
    assert _violations(tmp_path, "efficiency.store") == [
        "efficiency/store/probe.py:2: imports efficiency.notify.silence",
        "efficiency/store/probe.py:3: imports efficiency.ingest",
    ]


def test_old_import_paths_still_work() -> None:
    from efficiency.base import errors, silence, timeparse, validation
    from efficiency.ingest.errors import InputError
    from efficiency.ingest.timeparse import EventTime, parse_time
    from efficiency.ingest.validation import IngestModel
    from efficiency.notify.silence import Matcher, silence_reason

    assert InputError is errors.InputError
    assert (EventTime, parse_time) == (timeparse.EventTime, timeparse.parse_time)
    assert IngestModel is validation.IngestModel
    assert (Matcher, silence_reason) == (silence.Matcher, silence.silence_reason)
