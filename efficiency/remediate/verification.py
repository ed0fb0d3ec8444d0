"""Verifying a proposal: its tests and benchmark on the default branch and on its branch
(:mod:`efficiency.remediate.verify` runs them), the record stored on the proposal, and the
part of the pull-request body that says what was measured next to what was estimated.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from efficiency.config import Config
from efficiency.remediate import git as gitops
from efficiency.remediate.errors import ProposalError
from efficiency.remediate.estimates import measured_saving
from efficiency.remediate.playbooks import Playbook
from efficiency.remediate.verify import measured, verify
from efficiency.services import ServiceConfig
from efficiency.store.remediation import Proposal


def _iso(t: datetime) -> str:
    return t.isoformat().replace("+00:00", "Z")


#: where the measured part of a pull-request body starts (re-verifying replaces it)
MEASURED = "\nMeasured by `efficiency propose --verify`:\n"


def verification_section(verification: dict[str, Any], saving: dict[str, Any]) -> str:
    """What the verification measured, next to what the playbook estimated. A speedup is
    stated only when its interval excludes 1.0 (:func:`efficiency.remediate.verify.measured`)."""
    shown = {k: v for k, v in verification.items() if k not in ("estimated_cost", "site", "sites")}
    if not shown:
        return ""
    out = [MEASURED]
    for key in ("tests_before", "tests_after", "verify", "bench_error"):
        if key in shown:
            out.append(f"- {key.replace('_', ' ')}: {shown[key]}")
    if "verdict" in shown:
        out.append(f"- benchmark: {shown['verdict']}")
    if "bench_before_seconds" in shown and measured(shown):
        out.append(f"- benchmark medians: {shown['bench_before_seconds']:.4g} s before, "
                   f"{shown['bench_after_seconds']:.4g} s after")  # fmt: skip
    out.append(f"- estimated: {estimate_text(saving)}")
    got = measured_saving({**shown, "estimated_cost": saving})
    if str(shown.get("verdict", "")).startswith("slower"):
        out.append("- measured: the branch is slower, so no saving is claimed and the estimate "
                   "is left out of the savings ledger; publishing it is refused")  # fmt: skip
    elif got is not None:
        cores = f", about {got['cores']:.3f} cores" if got["cores"] is not None else ""
        out.append(f"- measured: the benchmark lost {got['fraction']:.0%} of its time{cores} "
                   "(if the benchmark times the hot spot's code)")  # fmt: skip
    elif "speedup" in shown:
        out.append("- measured: no saving claimed (the benchmark saw no measurable change)")
    return "\n".join(out) + "\n"


def estimate_text(saving: dict[str, Any]) -> str:
    """The estimate in words: the fraction, its cores, and how it was calibrated."""
    cores = saving.get("cores")
    text = f"{saving['fraction']:.0%} of the hot spot's cost"
    if isinstance(cores, int | float):
        text += f", {cores:.3f} cores"
    calibrated = saving.get("calibration")
    raw = saving.get("raw") or {}
    if calibrated:
        text += (f" (the playbook's {raw.get('fraction', 0):.0%} x {calibrated['factor']:.2f}, "
                 f"calibrated on {calibrated['proposals']} verified proposals; uncalibrated "
                 f"{raw.get('cores', 0):.3f} cores)")  # fmt: skip
    else:
        text += " (the playbook's assumption, not a measurement)"
    return text


def reverify(
    session: Session, row: Proposal, playbook: Playbook, service: ServiceConfig | None,
    config: Config, now: datetime,
) -> None:  # fmt: skip
    """Verify a stored proposal again (`propose --verify` on one that exists): its record and
    the measured part of its pull-request body are replaced."""
    if not row.branch:
        raise ProposalError(f"proposal {row.id} is advice only: there is no branch to verify")
    top = Path(row.repo)
    try:
        base = gitops.default_branch(top, config.remediate.remote, config.remediate.default_branch)
        if not gitops.branch_exists(top, row.branch):
            raise ProposalError(f"branch {row.branch} of proposal {row.id} no longer exists")
        measured_now = run_checks(top, base, row.branch, service, config, playbook)
    except gitops.GitError as exc:
        raise ProposalError(str(exc)) from None
    kept = {k: v for k, v in row.verification.items() if k in ("estimated_cost", "site", "sites")}
    row.verification = {**kept, **measured_now, "verified_at": _iso(now)}
    saving = kept.get("estimated_cost", {"fraction": playbook.savings.fraction})
    head = row.pr_body.split(MEASURED)[0].rstrip("\n") + "\n"
    row.pr_body = head + verification_section(row.verification, saving)
    row.updated_at = now
    session.flush()


def run_checks(
    repo: Path, base: str, branch: str, service: ServiceConfig | None, config: Config,
    playbook: Playbook,
) -> dict[str, Any]:  # fmt: skip
    """Tests and benchmark on the default branch and the proposal's. An environment change
    (a deploy file) is not seen by a benchmark run from the checkout: its tests run, and the
    benchmark is recorded as not measurable here rather than timed as noise."""
    tests = service.test_command if service else []
    bench = service.bench_command if service else []
    if not tests and not bench:
        return {"verify": "skipped: no test_command or bench_command for the service"}
    environment = playbook.fix.kind == "environment"
    with gitops.checkout(repo, base) as before, gitops.checkout(repo, branch) as after:
        record = verify(before, after, tests, [] if environment else bench,
                        config.remediate.verify_timeout_seconds,
                        config.remediate.verify_repeats)  # fmt: skip
    if environment and bench:
        record["verdict"] = (
            "not measurable here: the change is to the deploy environment, which the "
            "benchmark (run from the checkout) does not apply"
        )
    return record
