"""Code-fix proposals: a hot spot and a playbook in; a git branch with the fix, a pull-request
body with the evidence, and the saving it should bring out.

:func:`propose` does, in order, and stops with a :class:`ProposalError` naming the reason at
the first thing that does not hold (nothing is stored then, and no branch is left behind):

1. the hot spot and a playbook that matched it (the first, unless one is named);
2. the repository and its default branch; the branch ``efficiency/<playbook>/<short-id>`` must
   not exist yet;
3. in a temporary worktree of the default branch (the repository's own work tree and default
   branch are never touched): the fix — a codemod on the hot function's file (found from the
   profiled path in the repository, which the default branch must track, before the worktree
   is made: see :mod:`efficiency.remediate.locate`), or an environment line in the deploy
   configuration — committed with a message that says why; a change the service already has a
   proposal for (the same diff, reached from another hot spot) is refused;
4. optionally the tests and a benchmark before and after (:mod:`efficiency.remediate.verify`);
5. the proposal and its estimated saving, stored (:func:`publish` then pushes the branch and
   opens the pull request, in a transaction of its own, so a failed push loses nothing).

An advice-only playbook (or a ``config`` one) has no diff: its proposal is the pull-request
body alone, status ``advice``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.remediate import git as gitops
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.estimates import calibrations, estimate, measured_saving
from efficiency.remediate.fixes import Fix, apply_fix, source_path
from efficiency.remediate.github import GitHubError, open_pull_request, repo_slug
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.pr_body import commit_message, pr_body
from efficiency.remediate.verification import reverify, run_checks
from efficiency.report.costs import CostModel
from efficiency.services import ServiceConfig, ServicesCatalog
from efficiency.store.remediation import Hotspot, Proposal, Saving


def _iso(t: datetime | None) -> str | None:
    return t.isoformat().replace("+00:00", "Z") if t else None


def proposal_dict(p: Proposal) -> dict[str, Any]:
    """A proposal in DESIGN.md's JSON shape, plus what a reviewer needs."""
    return {
        "id": p.id,
        "hotspot_id": p.hotspot_id,
        "playbook": p.playbook,
        "repo": p.repo,
        "branch": p.branch,
        "status": p.status,
        "estimated_savings": {
            "cores": p.estimated_savings_cores,
            "gpu_hours_per_hour": p.estimated_savings_gpu_hours,
            **p.verification.get("estimated_cost", {}),
        },
        # what --verify measured, as a saving next to the estimate (None unless measured)
        "measured_savings": measured_saving(p.verification),
        "realized_savings_cores": p.realized_savings_cores,
        "pr_url": p.pr_url,
        "verification": {k: v for k, v in p.verification.items() if k != "estimated_cost"},
        "created_at": _iso(p.created_at),
        "diff": p.diff,
        "pr_body": p.pr_body,
    }


def _ledger_note(saving: dict[str, Any]) -> str:
    calibrated = saving.get("calibration")
    if not calibrated:
        return "per month, from the playbook's fraction"
    return (f"per month, from the playbook's fraction x {calibrated['factor']:.2f} (calibrated "
            f"on {calibrated['proposals']} verified proposals)")  # fmt: skip


def list_proposals(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Proposal).order_by(Proposal.id.desc()))
    return [proposal_dict(p) for p in rows]


def _choose(hotspot: Hotspot, playbooks: list[Playbook], wanted: str | None) -> list[Playbook]:
    """The playbooks to try, in order: the one asked for, else every matching one (the one
    expected to save the most first)."""
    by_id = {p.id: p for p in playbooks}
    if wanted:
        if wanted not in by_id:
            raise ProposalError(f"unknown playbook {wanted!r}")
        if wanted not in hotspot.playbooks:
            raise ProposalError(
                f"playbook {wanted} does not match hot spot {hotspot.id} "
                f"(it matches: {', '.join(hotspot.playbooks) or 'none'})"
            )
        return [by_id[wanted]]
    found = [by_id[pid] for pid in hotspot.playbooks if pid in by_id]
    if not found:
        raise ProposalError(f"no playbook matches hot spot {hotspot.id} ({hotspot.frame})")
    return found


def propose(
    session: Session,
    hotspot_id: str,
    repo: Path,
    config: Config,
    playbooks: list[Playbook],
    catalog: ServicesCatalog | None = None,
    playbook_id: str | None = None,
    run_verify: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Make one proposal (see the module docstring); its JSON dict. Proposing the same hot
    spot and playbook again returns the stored proposal."""
    now = now or datetime.now(UTC)
    hotspot = session.get(Hotspot, hotspot_id)
    if hotspot is None:
        raise ProposalError(f"hot spot {hotspot_id} does not exist (see efficiency hotspots list)")
    candidates = _choose(hotspot, playbooks, playbook_id)
    service = catalog.services.get(hotspot.service) if catalog is not None else None
    for playbook in candidates:
        known = known_proposal(session, hotspot, playbook)
        if known is not None:
            if run_verify:
                reverify(session, known, playbook, service, config, now)
            return proposal_dict(known)
    rcfg = config.remediate
    try:
        top = gitops.toplevel(repo)
        base = gitops.default_branch(top, rcfg.remote, rcfg.default_branch)
    except gitops.GitError as exc:
        raise ProposalError(str(exc)) from None
    reasons = []
    for playbook in candidates:
        try:
            return make_proposal(session, hotspot, playbook, top, base, service, config, catalog,
                         run_verify, now)  # fmt: skip
        except ProposalError as exc:
            if len(candidates) == 1:
                raise
            reasons.append(str(exc))
    raise ProposalError(f"no playbook of hot spot {hotspot.id} applies: " + "; ".join(reasons))


def known_proposal(session: Session, hotspot: Hotspot, playbook: Playbook) -> Proposal | None:
    """A proposal of this playbook for this hot spot, or for another hot spot whose fix goes
    into the same function (``re.compile`` and ``re._compile`` called from one loop)."""
    rows = session.execute(
        select(Proposal, Hotspot)
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(Proposal.playbook == playbook.id, Hotspot.service == hotspot.service)
    ).all()
    target = (hotspot.evidence.get("file"), hotspot.evidence.get("function"))
    for proposal, other in rows:
        if other.id == hotspot.id:
            return proposal
        if any(s.get("hotspot_id") == hotspot.id for s in proposal.verification.get("sites", [])):
            return proposal  # a branch of several call sites, this hot spot's among them
        if target[0] and (other.evidence.get("file"), other.evidence.get("function")) == target:
            return proposal
    return None


def not_proposed_yet(
    session: Session, service: str, top: Path, diff: str, playbook: Playbook
) -> None:
    """Refuse a branch whose change is one the service already has a proposal for (two hot
    spots, ``f`` and ``f.<locals>.<genexpr>`` or a library frame and its caller, can lead to
    the same edit); raised inside the worktree, so the new branch is deleted again."""
    same = session.scalars(
        select(Proposal)
        .join(Hotspot, Hotspot.id == Proposal.hotspot_id)
        .where(Hotspot.service == service, Proposal.repo == str(top), Proposal.diff == diff)
        .order_by(Proposal.id)
    ).first()
    if same is not None:
        raise ProposalError(
            f"{playbook.id}: the same change as proposal {same.id} (of {same.playbook})"
        )


def make_proposal(
    session: Session, hotspot: Hotspot, playbook: Playbook, top: Path, base: str,
    service: ServiceConfig | None, config: Config, catalog: ServicesCatalog | None,
    run_verify: bool, now: datetime, site: dict[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    costs = CostModel.from_config(config.costs)
    saving = estimate(hotspot, playbook, costs, calibrations(session).get(playbook.id))
    verification: dict[str, Any] = {"estimated_cost": saving}
    if site is not None:
        verification["site"] = {k: site[k] for k in ("function", "file", "line") if k in site}
    branch, diff = "", ""
    if playbook.fix.kind in ("codemod", "environment"):
        branch = f"efficiency/{playbook.id}/{hotspot.id[:8]}"
        if gitops.branch_exists(top, branch):
            raise ProposalError(
                f"branch {branch} already exists in {top}; delete it to propose again"
            )
        path = source_path(top, base, hotspot, playbook, service, site)
        try:
            with gitops.worktree(top, branch, base) as tree:
                fix = apply_fix(tree, hotspot, playbook, service, site, path)
                gitops.commit_all(tree, commit_message(hotspot, playbook, fix, saving), fix.paths)
                diff = gitops.diff(top, base, branch)
                not_proposed_yet(session, hotspot.service, top, diff, playbook)
        except gitops.GitError as exc:
            raise ProposalError(str(exc)) from None
        except ValueError as exc:  # a codemod refusing the playbook's parameters
            raise ProposalError(f"{playbook.id}: {exc}") from None
        if run_verify:
            verification.update(run_checks(top, base, branch, service, config, playbook))
    else:
        fix = apply_fix(top, hotspot, playbook, service)
    return store_proposal(session, hotspot, playbook, top, branch, diff, fix, saving, verification,
                  catalog, now)  # fmt: skip


def store_proposal(
    session: Session, hotspot: Hotspot, playbook: Playbook, top: Path, branch: str, diff: str,
    fix: Fix, saving: dict[str, Any], verification: dict[str, Any],
    catalog: ServicesCatalog | None, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """The proposal row, its pull-request body and (unless its verification speaks against
    it) its estimated saving in the ledger."""
    body = pr_body(hotspot, playbook, fix, saving,
                   {k: v for k, v in verification.items() if k != "estimated_cost"})  # fmt: skip
    row = Proposal(
        hotspot_id=hotspot.id, playbook=playbook.id, repo=str(top), branch=branch,
        status="proposed" if branch else "advice", diff=diff, pr_body=body,
        estimated_savings_cores=saving["cores"], estimated_savings_gpu_hours=saving["gpus"],
        verification=verification, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    if verification_against(verification):
        # measured slower, or its tests broke: the estimate is not a saving of this branch
        return proposal_dict(row)
    team = catalog.team_of(hotspot.service) if catalog is not None else ""
    session.add(
        Saving(
            proposal_id=row.id, service=hotspot.service, team=team, playbook=playbook.id,
            kind="estimated", period_start=now, period_end=now, cores=saving["cores"],
            gpu_hours=saving["gpu_hours_per_month"], kwh=saving["kwh_per_month"],
            dollars=saving["dollars_per_month"], note=_ledger_note(saving),
        )
    )  # fmt: skip
    session.flush()
    return proposal_dict(row)


def publish(
    session: Session, proposal_id: int, config: Config, playbooks: list[Playbook], open_pr: bool
) -> dict[str, Any]:
    """Push a proposal's branch to the configured remote and, with ``open_pr``, open its pull
    request on GitHub. Run after the proposal is stored, so a failure here loses nothing:
    running it again pushes again (a no-op when up to date). A branch whose stored verification
    found its tests failing or measured it slower is refused (:func:`verification_against`)."""
    row = session.get_one(Proposal, proposal_id)
    if not row.branch:
        raise ProposalError(f"proposal {row.id} is advice only: there is no branch to push")
    against = verification_against(row.verification)
    if against:
        raise ProposalError(
            f"proposal {row.id} is not pushed: its verification {against} (fix the branch "
            "and verify again with propose --verify, or push it by hand)"
        )
    rcfg = config.remediate
    repo = Path(row.repo)
    try:
        gitops.push(repo, rcfg.remote, row.branch)
        base = gitops.default_branch(repo, rcfg.remote, rcfg.default_branch)
    except gitops.GitError as exc:
        raise ProposalError(f"push to {rcfg.remote} failed: {exc}") from None
    if row.status == "proposed":
        row.status = "pushed"
    if open_pr and not row.pr_url:
        if not rcfg.github_token:
            raise ProposalError(
                "--open-pr needs remediate.github_token (EFFICIENCY_REMEDIATE_GITHUB_TOKEN)"
            )
        titles = {p.id: p.title for p in playbooks}
        hotspot = session.get_one(Hotspot, row.hotspot_id)
        try:
            slug = rcfg.github_repo or repo_slug(gitops.remote_url(repo, rcfg.remote))
            row.pr_url = open_pull_request(
                rcfg.github_api, rcfg.github_token, slug, row.branch, base,
                f"{titles.get(row.playbook, row.playbook)} in {hotspot.service}", row.pr_body,
            )  # fmt: skip
        except GitHubError as exc:
            raise ProposalError(str(exc)) from None
        row.status = "opened"
    row.updated_at = datetime.now(UTC)
    session.flush()
    return proposal_dict(row)


def verification_against(record: dict[str, Any]) -> str:
    """Why a proposal's stored verification speaks against publishing it ('' when nothing
    does): the service's tests fail on the branch though they pass on the default branch, or
    the benchmark measured the branch slower (an interval below 1.0)."""
    if record.get("tests_after") == "fail" and record.get("tests_before") != "fail":
        return "found the service's tests failing on the branch and passing without it"
    verdict = str(record.get("verdict", ""))
    if verdict.startswith("slower"):
        return f"measured the branch {verdict}"
    return ""
