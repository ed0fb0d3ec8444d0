"""The demo's closing steps: the thumbnailer's hot spots matched against the playbooks and
proposed as branches of a small git repository holding its source, and the savings report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console

from efficiency.config import Config
from efficiency.store.db import Database


def savings_report(workdir: Path, db: Database, console: Console, step: int) -> Path:
    """``efficiency report savings`` into an HTML file beside the database."""
    from efficiency.report.costs import CostModel
    from efficiency.report.html_export import savings_html
    from efficiency.report.savings import build_savings_report

    path = workdir / "savings.html"
    with db.session() as s:
        made = build_savings_report(s, CostModel.from_config(Config().costs), None, None, "service")
    path.write_text(savings_html(made))
    est = made.totals["estimated"]["dollars"]
    console.print(
        f"[bold]{step}. Report[/] {len(made.proposals)} proposal line(s), estimated "
        f"${est:,.2f} a month: {path}"
    )
    return path


#: the demo service whose code the remediation step proposes fixes for
REMEDIATED = "thumbnailer"
DOCKERFILE = (
    "FROM python:3.12-slim\nWORKDIR /srv/thumbnailer\nCOPY thumbnailer.py .\n"
    'CMD ["python", "thumbnailer.py"]\n'
)


def source_repo(workdir: Path) -> Path:
    """The thumbnailer's source as deployed: a fresh git repository in ``workdir`` holding its
    file and Dockerfile, one commit on ``main``; the path of the file. The demo runs the
    thumbnailer from this file, so the paths in its profile lie in the repository the fixes
    branch from (a copy elsewhere would be refused: not the code that ran)."""
    import shutil

    from efficiency.demo.services import thumbnailer
    from efficiency.remediate import git as gitops

    repo = workdir / f"{REMEDIATED}-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir(parents=True)
    shutil.copy(thumbnailer.__file__, repo / "thumbnailer.py")
    (repo / "Dockerfile").write_text(DOCKERFILE)
    gitops.git(repo, "init", "--quiet", "-b", "main")
    gitops.git(repo, "add", ".")
    gitops.git(repo, "commit", "--quiet", "-m", "thumbnailer as deployed")
    return repo / "thumbnailer.py"


def remediate(workdir: Path, db: Database, console: Console, step: int) -> list[dict[str, Any]]:
    """Put the thumbnailer's source in a small git repository, match its hot spots against the
    playbooks and propose each fix on a branch; print the diffs and estimated savings."""
    from efficiency.config import Config
    from efficiency.remediate.errors import ProposalError
    from efficiency.remediate.playbooks import load_playbooks
    from efficiency.remediate.proposals import propose
    from efficiency.stages.hotspots import refresh_hotspots

    repo = workdir / f"{REMEDIATED}-repo"
    if not (repo / ".git").is_dir():
        source_repo(workdir)
    playbooks = load_playbooks()
    with db.session() as s:
        spots = [(h.id, h.frame, list(h.playbooks), dict(h.evidence.get("matches", {})))
                 for h in refresh_hotspots(s, service=REMEDIATED, playbooks=playbooks)]  # fmt: skip
    console.print(
        f"[bold]{step}. Remediate[/] {REMEDIATED}'s hot spots against {len(playbooks)} "
        f"playbooks; proposals are branches of {repo}"
    )
    made: list[dict[str, Any]] = []
    for spot_id, frame, matched, how in spots:
        for playbook in matched:
            try:
                with db.session() as s:
                    proposal = propose(s, spot_id, repo, Config(), playbooks,
                                       playbook_id=playbook)  # fmt: skip
            except ProposalError as exc:
                if "confirm" not in how.get(playbook, {}):  # a nominee's "no" is routine
                    console.print(f"   {playbook} on {frame}: no proposal ({exc})")
                continue
            if any(p["id"] == proposal["id"] for p in made):
                continue  # the same fix, reached from another frame of the same loop
            made.append(proposal)
            saving = proposal["estimated_savings"]
            where = proposal["branch"] or "advice only"
            console.print(
                f"   [bold]{playbook}[/] on hot spot {spot_id} ({frame.split(' (')[0]}): "
                f"{where}; estimated saving {saving['cores']:.3f} cores, "
                f"${saving['dollars_per_month']:.2f} a month"
            )
            if proposal["diff"]:
                console.print(proposal["diff"].rstrip(), markup=False, highlight=False)
    if not made:
        console.print("   no proposal: no hot spot matched a playbook with a fix")
    return made
