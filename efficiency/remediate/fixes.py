"""Applying a playbook's fix in a work tree: a codemod on the hot function's file (found
from the profiled path in the repository itself, :func:`source_path`, before any work tree is
made), an environment line in the service's deploy configuration, or nothing at all for advice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from efficiency.remediate import git as gitops
from efficiency.remediate.codemods import codemod
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.locate import LocateError, find_file, locate_in
from efficiency.remediate.other_modules import OtherModules
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.sampled import on_sampled_lines
from efficiency.services import ServiceConfig
from efficiency.store.remediation import Hotspot

#: file names that hold a deploy configuration, by the codemod language they need
DEPLOY_FILES = {
    "Dockerfile": "dockerfile",
    "Containerfile": "dockerfile",
}
DEPLOY_SUFFIXES = {".service": "systemd", ".yaml": "kubernetes", ".yml": "kubernetes"}


@dataclass
class Fix:
    """What was changed on the branch (empty ``paths`` for advice)."""

    summary: str
    paths: list[str] = field(default_factory=list)
    location: dict[str, Any] = field(default_factory=dict)


def _deploy_files(tree: Path, service: ServiceConfig | None) -> list[tuple[str, str]]:
    """(path, language) of the deploy configuration: as the services file lists it, else
    every Dockerfile, systemd unit and Kubernetes workload manifest under the service's
    folder (vendored and hidden folders skipped)."""
    if service is not None and service.deploy_files:
        found = []
        for rel in service.deploy_files:
            if not (tree / rel).is_file():
                raise ProposalError(f"deploy file {rel} (services file) is not in the repository")
            found.append((rel, _language(Path(rel))))
        return found
    found = []
    for path, rel in _service_files(tree, service, "*"):
        language = _language(path)
        if language == "kubernetes":
            text = path.read_text(encoding="utf-8", errors="replace")
            if not any(f"kind: {k}" in text for k in ("Deployment", "StatefulSet", "DaemonSet",
                                                      "Job", "CronJob")):  # fmt: skip
                continue
        if language:
            found.append((str(rel), language))
    return found


def _service_files(
    tree: Path, service: ServiceConfig | None, pattern: str
) -> Iterator[tuple[Path, Path]]:
    """(path, path relative to the tree) of the service's files matching ``pattern``, under
    its ``path_prefix``; hidden and vendored folders skipped."""
    root = tree / (service.path_prefix.strip("/") if service and service.path_prefix else "")
    for path in sorted(root.rglob(pattern)):
        rel = path.relative_to(tree)
        if any(part.startswith(".") or part in ("node_modules", "vendor") for part in rel.parts):
            continue
        if path.is_file():
            yield path, rel


def _language(path: Path) -> str:
    if path.name in DEPLOY_FILES or path.name.startswith("Dockerfile"):
        return "dockerfile"
    return DEPLOY_SUFFIXES.get(path.suffix, "")


def source_path(
    repo: Path, base: str, hotspot: Hotspot, playbook: Playbook, service: ServiceConfig | None,
    site: dict[str, Any] | None = None,
) -> str | None:  # fmt: skip
    """The repository-relative path of the file a codemod fix edits (the profiled file of
    ``site``, else of the hot spot), which the ``base`` branch must track; None when the fix
    is no single-file codemod. A ProposalError says why the file cannot be the one."""
    ev = site or hotspot.evidence
    if playbook.fix.kind != "codemod" or not ev.get("file"):
        return None
    try:
        path = find_file(repo, str(ev["file"]), service.path_prefix if service else "")
        tracked = gitops.tracked_files(repo, base)
    except LocateError as exc:
        raise ProposalError(f"hot spot {hotspot.id}: {exc}") from None
    except gitops.GitError as exc:
        raise ProposalError(str(exc)) from None
    if path not in tracked:
        raise ProposalError(
            f"hot spot {hotspot.id}: {path} is in {repo} but not tracked by git on {base} "
            "(generated or ignored?); a branch can only change a tracked file"
        )
    return path


def apply_fix(
    tree: Path, hotspot: Hotspot, playbook: Playbook, service: ServiceConfig | None,
    site: dict[str, Any] | None = None, path: str | None = None,
) -> Fix:  # fmt: skip
    """The change on the branch. ``site`` (a call site of :mod:`efficiency.remediate.engine`:
    function, file, line and the sampled ``lines``, and ``caller_lines``, those of its callers
    in the same file) replaces the hot spot's own target, and then a rewrite touching none of
    the sampled lines is refused; the codemod is given those lines (``sampled_lines``, which
    ``deepcopy-plain`` rewrites at). A codemod edits ``path``
    (from :func:`source_path`, relative to ``tree``)."""
    kind = playbook.fix.kind
    params = dict(playbook.fix.params or {})
    ev = site or hotspot.evidence
    if kind == "codemod" and path is None:
        return _apply_everywhere(tree, hotspot, playbook, service, params)
    if kind == "codemod" and path is not None:
        try:
            where = locate_in(tree, path, str(ev.get("function", "")), ev.get("line"))
        except LocateError as exc:
            raise ProposalError(f"hot spot {hotspot.id}: {exc}") from None
        path = tree / where.path
        source = path.read_text(encoding="utf-8")
        sampled = [*(site.get("lines") or []), *(site.get("caller_lines") or [])] if site else []
        extra = {"sampled_lines": sampled} if site is not None else {}
        try:
            result = codemod(str(playbook.fix.codemod)).apply(
                source,
                function=where.function,
                params={**params, "other_modules": OtherModules(tree, where.path), **extra},
            )
        except Exception as exc:  # one codemod's fault must not end the whole run
            raise ProposalError(
                f"{playbook.id}: codemod {playbook.fix.codemod} failed on {where.path}:"
                f"{where.function} ({type(exc).__name__}: {exc}); nothing was changed"
            ) from None
        if not result.changed:
            raise ProposalError(
                f"{playbook.id}: nothing to change in {where.path}:{where.function} "
                f"({result.summary})"
            )
        if site is not None:
            on_sampled_lines(playbook, where.path, where.function, source, result.source,
                              sampled)  # fmt: skip
        path.write_text(result.source, encoding="utf-8")
        location = {"path": where.path, "function": where.function, "lines": [where.start,
                    where.end], "line_drifted": where.drifted}  # fmt: skip
        return Fix(result.summary, [where.path], location)
    if kind == "environment":
        files = _deploy_files(tree, service)
        if not files:
            raise ProposalError(
                f"{playbook.id}: no deploy configuration (Dockerfile, systemd unit, Kubernetes "
                "manifest) in the repository; list it as deploy_files in the services file"
            )
        changed, notes = [], []
        mod = codemod(str(playbook.fix.codemod or "env-line"))
        for rel, language in files:
            text = (tree / rel).read_text(encoding="utf-8")
            result = mod.apply(text, params={**params, "path": rel, "language": language})
            notes.append(f"{rel}: {result.summary}")
            if result.changed:
                (tree / rel).write_text(result.source, encoding="utf-8")
                changed.append(rel)
        if not changed:
            raise ProposalError(f"{playbook.id}: nothing to change ({'; '.join(notes)})")
        return Fix("; ".join(notes), changed, {"paths": changed})
    return Fix(f"advice: {playbook.title}")


def _apply_everywhere(
    tree: Path, hotspot: Hotspot, playbook: Playbook, service: ServiceConfig | None,
    params: dict[str, Any],
) -> Fix:  # fmt: skip
    """A finding with no source location (a GPU trace's input stall, say): the codemod runs
    over every Python file of the service's folder; the files it changed are the fix."""
    mod = codemod(str(playbook.fix.codemod))
    changed, notes = [], []
    for path, rel in _service_files(tree, service, "*.py"):
        try:
            source = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        result = mod.apply(source, params={**params, "other_modules": OtherModules(tree, rel)})
        if result.changed:
            path.write_text(result.source, encoding="utf-8")
            changed.append(str(rel))
            notes.append(f"{rel}: {result.summary}")
    if not changed:
        raise ProposalError(
            f"{playbook.id}: hot spot {hotspot.id} names no source file, and {mod.name} found "
            f"nothing to change in the service's Python files"
        )
    return Fix("; ".join(notes), changed, {"paths": changed})
