"""`efficiency remediate`: from a service's profiles to proposals, with no hints.

:func:`remediate` refreshes the service's hot spots over the period, ranks them by cost
(cores, then GPU-hours, then share) and, for each one, tries every playbook that matched its
evidence on every sampled call site:

* the hot frame itself when it is the service's own code (its sampled lines), then
* every application frame the profile saw calling it (``call_sites``: the line of the call),
  heaviest first — not only the largest caller.

A codemod's rewrite is kept only when some line it replaces is one the profile sampled
(:func:`efficiency.remediate.proposals.rewritten_lines`), so nothing the workload never ran is
proposed. Each codemod (with its parameters) makes one branch over every sampled call site it
applies to, across hot spots and playbooks, heaviest first (:mod:`efficiency.remediate.combine`):
a slow idiom called from several functions, each too small a part of the workload to measure
alone, is verified as one change. Other fixes are made per hot spot as they come (the first
playbook whose fix applies); advice-only playbooks record a proposal with no branch. Each hot
spot ends with an outcome and, when nothing was made, the reason per playbook and site, so a
user sees why. The report's ``best_first`` lists the branches made, best verified speedup
first (:mod:`efficiency.remediate.ranking`), and each hot spot lists its own proposals in that
order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.remediate import git as gitops
from efficiency.remediate.combine import Target, group_key, make_combined
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.proposals import (
    known_proposal,
    make_proposal,
    proposal_dict,
    verification_against,
)
from efficiency.remediate.ranking import best_first, rank_key
from efficiency.remediate.source import RepoSource
from efficiency.services import ServicesCatalog
from efficiency.store.remediation import Hotspot

#: hot spots considered per run, heaviest first (the report lists each)
HOTSPOT_LIMIT = 20


@dataclass
class SpotReport:
    """What became of one hot spot."""

    hotspot_id: str
    frame: str
    cost_cores: float | None
    cost_gpu_hours: float | None
    playbooks: list[str]
    #: ``proposed`` (a branch), ``advice``, ``existing``, ``refused``, ``no playbook`` or
    #: ``skipped`` (the proposal limit was reached first)
    outcome: str = "refused"
    proposals: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "hotspot_id": self.hotspot_id,
            "frame": self.frame,
            "cost_cores": self.cost_cores,
            "cost_gpu_hours": self.cost_gpu_hours,
            "playbooks": self.playbooks,
            "outcome": self.outcome,
            "proposals": [_brief(p) for p in sorted(self.proposals, key=rank_key)],
            "reasons": self.reasons,
        }


def _brief(proposal: dict[str, Any]) -> dict[str, Any]:
    """A proposal as the report lists it: the estimate next to what was measured; an advice
    proposal with its body (the advice, evidence and estimate: there is no branch to read)."""
    keys = ("id", "playbook", "branch", "status", "estimated_savings", "measured_savings",
            "verification")  # fmt: skip
    out = {k: proposal.get(k) for k in keys}
    if not proposal.get("branch"):
        out["pr_body"] = proposal.get("pr_body", "")
    return out


def call_sites(hotspot: Hotspot) -> list[dict[str, Any]]:
    """Where a fix for ``hotspot`` may go, heaviest first: the frame itself when it is the
    service's code, then each sampled application call site, merged per function with the
    sampled lines of each (``lines``) and the sampled lines of its callers in the same file
    (``caller_lines``: a rewrite of a call to it, there, also changes code the profile ran)."""
    ev = hotspot.evidence
    merged: dict[tuple[str, str], dict[str, Any]] = {}

    def add(function: str, file: str, lines: dict[int, int], outer: Sequence[int] = ()) -> None:
        if not function or not file:
            return
        site = merged.setdefault(
            (file, function), {"function": function, "file": file, "counts": {}, "outer": set()}
        )
        for line, n in lines.items():
            site["counts"][line] = site["counts"].get(line, 0) + n
        site["outer"].update(int(n) for n in outer)

    if ev.get("target_is_frame") and ev.get("hot_file"):
        add(str(ev["hot_function"]), str(ev["hot_file"]),
            {int(ln): int(n) for ln, n in ev.get("lines") or []})  # fmt: skip
    sites = ev.get("call_sites")
    if sites is None and ev.get("caller"):  # hot spots stored before call_sites existed
        sites = [{**ev["caller"], "samples": 1}]
    for c in sites or []:
        if c.get("line"):
            add(str(c["function"]), str(c["file"]), {int(c["line"]): int(c.get("samples", 1))},
                c.get("caller_lines") or [])  # fmt: skip
    out = []
    for site in merged.values():
        counts: dict[int, int] = site.pop("counts")
        outer: set[int] = site.pop("outer")
        if not counts:
            continue
        if outer - set(counts):
            site["caller_lines"] = sorted(outer - set(counts))
        site["line"] = max(counts, key=lambda ln: (counts[ln], -ln))
        site["lines"] = sorted(counts)
        site["samples"] = sum(counts.values())
        out.append(site)
    out.sort(key=lambda s: (-s["samples"], s["file"], s["function"]))
    return out


def _rank(spots: list[Hotspot]) -> list[Hotspot]:
    def cost(h: Hotspot) -> tuple[float, float, float, str]:
        return (-(h.cost_cores or 0), -(h.cost_gpu_hours or 0), -(h.share_self or 0), h.id)

    return sorted(spots, key=cost)


def _where(site: dict[str, Any] | None) -> str:
    return f"{site['file']}:{site['line']} ({site['function']})" if site else "the service"


def remediate(
    session: Session,
    service: str,
    repo: Path,
    config: Config,
    playbooks: list[Playbook],
    catalog: ServicesCatalog | None = None,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    run_verify: bool = False,
    max_proposals: int = 5,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Propose fixes for ``service``'s hot spots (see the module docstring): ``{"service",
    "repo", "proposals" (how many new ones), "hotspots": [...]}``. Raises ProposalError when
    the service has no profiles in the period or ``repo`` is not a git repository."""
    from efficiency.stages.hotspots import refresh_hotspots

    now = now or datetime.now(UTC)
    svc = catalog.services.get(service) if catalog is not None else None
    code = RepoSource(repo, svc.path_prefix if svc else "")  # rules that match on the source
    spots = refresh_hotspots(session, service=service, start=start, end=end,
                             playbooks=playbooks, now=now, sources={service: code})  # fmt: skip
    if not spots:
        raise ProposalError(f"service {service!r} has no profiles or traces in that period")
    rcfg = config.remediate
    try:
        top = gitops.toplevel(repo)
        base = gitops.default_branch(top, rcfg.remote, rcfg.default_branch)
    except gitops.GitError as exc:
        raise ProposalError(str(exc)) from None
    by_id = {p.id: p for p in playbooks}
    made = 0
    reports = []
    #: codemod targets by codemod and parameters, heaviest hot spot first (one branch each)
    groups: dict[str, list[tuple[Target, SpotReport]]] = {}
    for spot in _rank(spots)[:HOTSPOT_LIMIT]:
        rep = SpotReport(spot.id, spot.frame, spot.cost_cores, spot.cost_gpu_hours,
                         list(spot.playbooks))  # fmt: skip
        reports.append(rep)
        books = [by_id[p] for p in spot.playbooks if p in by_id]
        if not books:
            rep.outcome = "no playbook"
            rep.reasons.append(
                "no playbook matches its evidence (frame names, callees, the source at its "
                "sampled lines)"
            )
            continue
        sites = call_sites(spot)
        for book in books:
            known = known_proposal(session, spot, book)
            if known is not None:
                rep.proposals.append(proposal_dict(known))
                rep.reasons.append(f"{book.id}: already proposed (proposal {known.id})")
                continue
            if book.fix.kind == "codemod" and sites:
                members = groups.setdefault(group_key(book), [])
                members += [(Target(spot, book, site), rep) for site in sites]
                continue
            if made >= max_proposals:
                rep.reasons.append(f"{book.id}: not tried, {max_proposals} proposal(s) made")
                continue
            try:
                proposal = make_proposal(session, spot, book, top, base, svc, config, catalog,
                                         run_verify, now)  # fmt: skip
            except ProposalError as exc:
                rep.reasons.append(str(exc))
                continue
            made += _record(rep, proposal, book)
    for members in groups.values():
        if made >= max_proposals:
            for t, rep in members:
                why = f"{t.playbook.id}: not tried, {max_proposals} proposal(s) made"
                if why not in rep.reasons:
                    rep.reasons.append(why)
            continue
        proposal, applied = make_combined(session, [t for t, _ in members], top, base, svc,
                                          config, catalog, run_verify, now)  # fmt: skip
        report_of = {id(t): rep for t, rep in members}
        for t, why in applied.failures:
            report_of[id(t)].reasons.append(why)
        if proposal is None:
            continue
        made += 1
        lead = applied.fixes[0][0]
        _record(report_of[id(lead)], proposal, lead.playbook)
        for t in [t for t, _ in applied.fixes] + applied.covered:
            rep = report_of[id(t)]
            if all(p.get("id") != proposal["id"] for p in rep.proposals):
                rep.proposals.append(proposal)
    for rep in reports:
        if rep.outcome != "no playbook":
            rep.outcome = _outcome(rep, made >= max_proposals)
    listed = [r.as_dict() for r in reports]
    return {
        "service": service,
        "repo": str(top),
        "proposals": made,
        "hotspots": listed,
        "best_first": best_first(listed),
    }


def _record(rep: SpotReport, proposal: dict[str, Any], book: Playbook) -> int:
    """Add a new proposal to its hot spot's report, saying so when it is no win; 1."""
    rep.proposals.append(proposal)
    against = verification_against(proposal.get("verification") or {})
    if against:
        rep.reasons.append(f"{book.id}: proposal {proposal['id']} is no win: its "
                           f"verification {against} (no saving counted)")  # fmt: skip
    return 1


def _outcome(rep: SpotReport, limit_reached: bool) -> str:
    statuses = {p["status"] for p in rep.proposals}
    new = [p for p in rep.proposals if not any(f"(proposal {p['id']})" in r for r in rep.reasons)]
    if any(p["branch"] for p in new):
        return "proposed"
    if new:
        return "advice"
    if statuses:
        return "existing"
    if limit_reached and all("not tried" in r for r in rep.reasons):
        return "skipped"
    return "refused"
