"""The fix-yield corpus: its manifest (``fix_yield_corpus/manifest.json``), validated whole.

Each entry names a program (a folder of the corpus), the inefficiency planted in it (read only
to judge and report; nothing from it reaches the product), its service name and its split
(``dev``: may be tuned on; ``test``: held out). :mod:`benchmarks.fix_yield` runs them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.fix_yield_report import SPLITS

CORPUS = Path(__file__).resolve().parent / "fix_yield_corpus"
#: the code fixes a program may plant, named as the codemod that makes them (or would:
#: ``min-of-sorted`` names a kind real code has that no codemod makes, since ``min`` answers
#: differently for empty or partially ordered input); ``advice:<playbook id>`` is the other kind
CODEMODS = (
    "hoist-re-compile",
    "lazy-logging",
    "join-strings",
    "append-to-comprehension",
    "struct-precompile",
    "deepcopy-read-only",
    "set-membership",
    "min-of-sorted",
)
PROGRAM_FILES = ("app.py", "test_app.py", "workload.py", "bench.py")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_SERVICE = re.compile(r"[a-z0-9][a-z0-9-]*")
_ADVICE = re.compile(r"advice:[a-z0-9]+(-[a-z0-9]+)*")


class ManifestError(ValueError):
    """The corpus manifest is unusable; the message lists every problem."""


@dataclass(frozen=True)
class Program:
    name: str
    #: a codemod name, or ``advice:<playbook id>`` (for judging and the report only)
    planted: str
    service: str
    #: ``dev`` (may be tuned on) or ``test`` (held out)
    split: str
    folder: Path

    @property
    def advice(self) -> str | None:
        """The advice playbook's id for an advice-only program, else None."""
        return self.planted.removeprefix("advice:") if self.planted.startswith("advice:") else None


def validate_manifest(doc: Any, root: Path, check_files: bool = True) -> list[Program]:
    """The programs of a parsed manifest (``{"programs": [{name, planted, service, split},
    ...]}``); every problem of every entry is collected before raising."""
    if not isinstance(doc, dict) or not isinstance(doc.get("programs"), list):
        raise ManifestError('the manifest is an object with a "programs" list')
    problems: list[str] = []
    programs: list[Program] = []
    seen: dict[str, set[str]] = {"name": set(), "service": set()}
    for i, entry in enumerate(doc["programs"]):
        where = f"programs[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        where = f"programs[{i}] ({entry.get('name', '?')})"
        found = _entry_problems(entry, root, check_files)
        for key in ("name", "service"):
            value = entry.get(key)
            if not isinstance(value, str):
                continue
            if value in seen[key]:
                found.append(f"{key} {value!r} is used twice")
            seen[key].add(value)
        problems += [f"{where}: {p}" for p in found]
        if not found:
            programs.append(
                Program(
                    entry["name"],
                    entry["planted"],
                    entry["service"],
                    entry["split"],
                    root / entry["name"],
                )
            )
    if not doc["programs"]:
        problems.append("no programs")
    if problems:
        raise ManifestError("\n".join(problems))
    return programs


def _entry_problems(entry: Mapping[str, Any], root: Path, check_files: bool) -> list[str]:
    keys = {"name", "planted", "service", "split"}
    found = [f"missing {k}" for k in sorted(keys - entry.keys())]
    found += [f"unknown key {k}" for k in sorted(entry.keys() - keys)]
    found += [
        f"{k} is not a string" for k in sorted(keys & entry.keys()) if not isinstance(entry[k], str)
    ]
    if found:
        return found
    if not _NAME.fullmatch(entry["name"]):
        found.append("name: lower-case letters, digits and _ (it is a folder name)")
    if entry["planted"] not in CODEMODS and not _ADVICE.fullmatch(entry["planted"]):
        found.append(f"planted: one of {', '.join(CODEMODS)} or advice:<playbook id>")
    if entry["split"] not in SPLITS:
        found.append(f"split: one of {', '.join(SPLITS)}")
    if not _SERVICE.fullmatch(entry["service"]):
        found.append("service: lower-case letters, digits and -")
    if check_files and _NAME.fullmatch(entry["name"]):
        folder = root / entry["name"]
        missing = [f for f in PROGRAM_FILES if not (folder / f).is_file()]
        if missing:
            found.append(f"{folder.name}/ lacks {', '.join(missing)}")
    return found


def load_manifest(root: Path = CORPUS, check_files: bool = True) -> list[Program]:
    path = root / "manifest.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: {exc}") from None
    return validate_manifest(doc, root, check_files)
