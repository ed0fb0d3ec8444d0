"""One branch per codemod: the sampled call sites a codemod applies to, rewritten together.

A real hot path often calls the same slow idiom from several functions (``re.search(P, s)`` in
four parsers, say), each too small a part of the workload for a benchmark to see. The engine
(:mod:`efficiency.remediate.engine`) therefore gathers, per codemod and parameters, every
(hot spot, playbook, sampled call site) it may apply to, heaviest first, and
:func:`apply_targets` rewrites them one after another in one work tree: the first site as it
would alone, each later one on the file as the earlier ones left it, with its sampled lines
carried to where they now stand (:func:`carried_lines`). A site keeps the rules a single one
has: only the function the profile saw, and only when a line it replaces was sampled. A site
whose sampled lines an earlier site already rewrote (one line reached from two hot spots) is
covered by the branch; any other site whose rewrite fails is skipped with its reason, and the
others stay.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.remediate import git as gitops
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.estimates import calibrations, estimate
from efficiency.remediate.fixes import Fix, apply_fix, source_path
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.pr_body import commit_message
from efficiency.remediate.proposals import not_proposed_yet, store_proposal
from efficiency.remediate.verification import run_checks
from efficiency.report.costs import CostModel
from efficiency.services import ServiceConfig, ServicesCatalog
from efficiency.store.remediation import Hotspot


@dataclass
class Target:
    """One place a codemod may rewrite: a hot spot, the playbook that matched it, and one of
    its sampled call sites (:func:`efficiency.remediate.engine.call_sites`)."""

    hotspot: Hotspot
    playbook: Playbook
    site: dict[str, Any] | None


def group_key(playbook: Playbook) -> str:
    """Targets with one key go on one branch: the same codemod with the same parameters."""
    params = json.dumps(playbook.fix.params or {}, sort_keys=True, default=str)
    return f"{playbook.fix.codemod}:{params}"


def carried_lines(before: str, after: str, lines: list[int]) -> list[int]:
    """Where ``lines`` of ``before`` (1-based) stand in ``after``; a line an edit replaced or
    deleted is gone (it is no longer the code the profile sampled)."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    moved = {}
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                moved[i1 + k + 1] = j1 + k + 1
    return [moved[n] for n in lines if n in moved]


def _carried_site(site: dict[str, Any], before: str, now: str) -> dict[str, Any] | None:
    lines = carried_lines(before, now, [int(n) for n in site.get("lines") or []])
    if not lines:
        return None
    line = carried_lines(before, now, [int(site["line"])]) if site.get("line") else []
    outer = carried_lines(before, now, [int(n) for n in site.get("caller_lines") or []])
    return {**site, "lines": lines, "line": line[0] if line else lines[0], "caller_lines": outer}


def _where(target: Target) -> str:
    s = target.site
    return f"{s['file']}:{s['line']} ({s['function']})" if s else target.hotspot.frame


@dataclass
class Applied:
    """What :func:`apply_targets` did: the fix of each site it rewrote, in order, and why each
    other target was skipped."""

    fixes: list[tuple[Target, Fix]]
    failures: list[tuple[Target, str]]
    #: targets whose sampled lines an earlier site of the branch already rewrote (the same
    #: code reached from another hot spot): the branch covers them
    covered: list[Target] = field(default_factory=list)

    @property
    def fix(self) -> Fix:
        """All rewrites as one fix (the first one's location)."""
        if len(self.fixes) == 1:
            return self.fixes[0][1]
        paths = sorted({p for _, f in self.fixes for p in f.paths})
        summary = f"{len(self.fixes)} sampled call sites rewritten: " + "; ".join(
            f"{f.location.get('path', '?')}:{f.location.get('function', '?')}: {f.summary}"
            for _, f in self.fixes
        )
        return Fix(summary, paths, self.fixes[0][1].location)

    def sites(self) -> list[dict[str, Any]]:
        """The rewritten sites as the proposal records them."""
        out = []
        for t, f in self.fixes:
            site = {k: t.site[k] for k in ("function", "file", "line") if t.site and k in t.site}
            out.append({"hotspot_id": t.hotspot.id, "playbook": t.playbook.id, **site,
                        "path": f.location.get("path")})  # fmt: skip
        return out


def locate_targets(
    repo: Path, base: str, targets: list[Target], service: ServiceConfig | None
) -> tuple[list[tuple[Target, str]], list[tuple[Target, str]]]:
    """(target, repository path) of the targets whose file the base branch tracks, and
    (target, reason) of the others; before any work tree is made."""
    found, failures = [], []
    for t in targets:
        try:
            path = source_path(repo, base, t.hotspot, t.playbook, service, t.site)
        except ProposalError as exc:
            failures.append((t, f"at {_where(t)}: {exc}"))
            continue
        if path is None:
            failures.append((t, f"at {_where(t)}: {t.playbook.id}: no source file to change"))
        else:
            found.append((t, path))
    return found, failures


def apply_targets(
    tree: Path, located: list[tuple[Target, str]], service: ServiceConfig | None
) -> Applied:
    """Rewrite each located target in ``tree``, in order (module docstring)."""
    done = Applied([], [])
    original: dict[str, str] = {}
    for t, path in located:
        file = tree / path
        if path not in original:
            original[path] = file.read_text(encoding="utf-8")
        site, lost = t.site, False
        now = file.read_text(encoding="utf-8")
        if site is not None and now != original[path]:
            site = _carried_site(site, original[path], now)
            lost = site is None or len(site["lines"]) < len((t.site or {}).get("lines") or [])
            if site is None:
                done.covered.append(t)
                continue
        try:
            fix = apply_fix(tree, t.hotspot, t.playbook, service, site, path)
        except (ProposalError, ValueError) as exc:  # ValueError: a codemod refusing parameters
            file.write_text(now, encoding="utf-8")
            if lost:  # nothing left to change where an earlier site rewrote its lines
                done.covered.append(t)
            elif isinstance(exc, ProposalError):
                done.failures.append((t, f"at {_where(t)}: {exc}"))
            else:
                done.failures.append((t, f"at {_where(t)}: {t.playbook.id}: {exc}"))
            continue
        done.fixes.append((t, fix))
    return done


def make_combined(
    session: Session, targets: list[Target], top: Path, base: str,
    service: ServiceConfig | None, config: Config, catalog: ServicesCatalog | None,
    run_verify: bool, now: datetime,
) -> tuple[dict[str, Any] | None, Applied]:  # fmt: skip
    """One proposal whose branch rewrites every target the codemod applies to (module
    docstring), its tests and benchmark run once on the whole; (None, why each target was
    skipped) when none applies. The proposal belongs to the first rewritten target's hot spot
    and playbook (the heaviest), its estimate is that hot spot's (the others' frames may
    overlap it), and ``verification["sites"]`` lists every rewritten site with its hot spot."""
    located, failures = locate_targets(top, base, targets, service)
    applied = Applied([], failures)
    if not located:
        return None, applied
    lead = located[0][0]
    branch = f"efficiency/{lead.playbook.id}/{lead.hotspot.id[:8]}"
    if gitops.branch_exists(top, branch):
        why = f"branch {branch} already exists in {top}; delete it to propose again"
        return None, Applied([], failures + [(t, why) for t, _ in located])
    try:
        with gitops.worktree(top, branch, base) as tree:
            done = apply_targets(tree, located, service)
            applied = Applied(done.fixes, failures + done.failures, done.covered)
            if not done.fixes:
                raise _NothingApplied
            first = done.fixes[0][0]
            saving = estimate(first.hotspot, first.playbook, CostModel.from_config(config.costs),
                              calibrations(session).get(first.playbook.id))  # fmt: skip
            fix = applied.fix
            message = commit_message(first.hotspot, first.playbook, fix, saving)
            gitops.commit_all(tree, message, fix.paths)
            diff = gitops.diff(top, base, branch)
            not_proposed_yet(session, first.hotspot.service, top, diff, first.playbook)
    except _NothingApplied:
        return None, applied
    except gitops.GitError as exc:
        return None, Applied([], failures + [(t, str(exc)) for t, _ in located])
    except ProposalError as exc:
        return None, Applied([], failures + [(t, str(exc)) for t, _ in located])
    sites = applied.sites()
    verification: dict[str, Any] = {"estimated_cost": saving, "site": sites[0], "sites": sites}
    if run_verify:
        verification.update(run_checks(top, base, branch, service, config, first.playbook))
    proposal = store_proposal(session, first.hotspot, first.playbook, top, branch, diff, fix,
                              saving, verification, catalog, now)  # fmt: skip
    return proposal, applied


class _NothingApplied(Exception):
    """No target applied: the work tree's branch is deleted on the way out."""
