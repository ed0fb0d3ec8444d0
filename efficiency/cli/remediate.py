"""`efficiency hotspots list`, `propose`, `proposals list` and `remediate`."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from efficiency.cli.app import (
    RECORD_ID,
    State,
    cli,
    emit_json,
    fail,
    pass_state,
)
from efficiency.cli.progress import phases


@cli.group()
def hotspots() -> None:
    """Where each service spends its CPU."""


@hotspots.command("list")
@click.option("--service", help="Only this service.")
@click.option("--from", "start", help="Period start (RFC 3339 or Unix seconds).")
@click.option("--to", "end", help="Period end.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True,
              help="Frames (and GPU operations) per service, besides those a playbook "
                   "matches.")  # fmt: skip
@click.option("--by", "order", type=click.Choice(["self", "inclusive", "cost"]), default="self",
              show_default=True, help="Rank by self share, inclusive share or cost.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def hotspots_list(
    state: State, service: str | None, start: str | None, end: str | None, limit: int,
    order: str, as_json: bool,
) -> None:  # fmt: skip
    """Hot spots per service over a period (default: all the data): frames and GPU kernels
    ranked by cost, with their share, trend and the playbooks that match; each has the id
    `efficiency propose` takes."""
    from efficiency.ingest.timeparse import parse_time
    from efficiency.remediate.source import RepoSource
    from efficiency.stages.hotspots import hotspot_dict, refresh_hotspots

    t0 = parse_time(start, "--from") if start else None
    t1 = parse_time(end, "--to") if end else None
    pipeline = state.pipeline(create=False)
    catalog = pipeline.catalog
    # services whose repository is here: playbooks that match on the source can hold
    sources = {name: RepoSource(Path(svc.repo), svc.path_prefix)
               for name, svc in (catalog.services.items() if catalog else [])
               if svc.repo and Path(svc.repo).is_dir()}  # fmt: skip
    with pipeline.database.session() as s:
        spots = refresh_hotspots(s, service=service, start=t0, end=t1, limit=limit,
                                 sources=sources)  # fmt: skip
        rows = [hotspot_dict(h) for h in spots]
    for row in rows:
        row["function"] = row["evidence"].get("hot_function") or row["frame"]
    key = {"self": "share", "inclusive": "share_inclusive"}.get(order)
    if key:
        rows.sort(key=lambda r: (r["service"], -(r[key] or 0)))
    else:
        rows.sort(
            key=lambda r: (r["service"], -(r["cost_cores"] or 0), -(r["cost_gpu_hours"] or 0))
        )
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no profiles or traces stored for that selection")
        return
    from efficiency.tables import hotspots_table, wide_console

    wide_console().print(hotspots_table(rows))


@cli.command()
@click.argument("hotspot_id")
@click.option("--repo", type=click.Path(file_okay=False), help="The service's git repository "
              "(default: its repo in the services file).")  # fmt: skip
@click.option("--playbook", "playbook_id", help="Use this matching playbook, not the first.")
@click.option("--verify", "run_verify", is_flag=True, help="Run the service's test_command and "
              "bench_command (services file) before and after the change, interleaved; on "
              "an existing proposal, verify it again.")  # fmt: skip
@click.option("--push", is_flag=True, help="Push the branch to remediate.remote.")
@click.option("--open-pr", is_flag=True, help="Push, then open a GitHub pull request.")
@click.option("--json", "as_json", is_flag=True, help="Print the proposal as a JSON object.")
@pass_state
def propose(
    state: State, hotspot_id: str, repo: str | None, playbook_id: str | None, run_verify: bool,
    push: bool, open_pr: bool, as_json: bool,
) -> None:  # fmt: skip
    """Turn a hot spot into a fix: a branch efficiency/<playbook>/<id> with the change (the
    default branch and work tree untouched), a pull-request body with the evidence, and the
    estimated saving. Advice-only playbooks give the body alone."""
    from efficiency.remediate.playbooks import load_playbooks
    from efficiency.remediate.proposals import propose as make_proposal
    from efficiency.remediate.proposals import publish
    from efficiency.store.remediation import Hotspot

    pipeline = state.pipeline(create=False)
    catalog = pipeline.catalog
    with pipeline.database.session() as s:
        spot = s.get(Hotspot, hotspot_id)
        service = catalog.services.get(spot.service) if catalog and spot else None
    if spot is None:  # said before anything else: no --repo can help an unknown id
        fail(f"hot spot {hotspot_id} does not exist (see efficiency hotspots list)")
    if repo is None:
        if service is None or not service.repo:
            fail("--repo is needed (the services file names no repo for this hot spot's service)")
        repo = service.repo
    playbooks = load_playbooks()
    steps = 1 + int(push or open_pr)
    with phases(steps, enabled=None if run_verify or push or open_pr else False) as bar:
        verifying = " and verifying (tests, benchmark before and after)" if run_verify else ""
        bar.phase(f"proposing a fix for {hotspot_id}{verifying}")
        with pipeline.database.session() as s:
            made = make_proposal(s, hotspot_id, Path(repo), state.config, playbooks, catalog,
                                 playbook_id=playbook_id, run_verify=run_verify)  # fmt: skip
        if push or open_pr:
            bar.phase("pushing" + (" and opening a pull request" if open_pr else ""))
            with pipeline.database.session() as s:
                made = publish(s, made["id"], state.config, playbooks, open_pr)
    if as_json:
        emit_json(made)
        return
    saving = made["estimated_savings"]
    if made["branch"]:
        click.echo(f"proposal {made['id']}: branch {made['branch']} in {made['repo']}")
        click.echo(made["diff"].rstrip())
    else:
        click.echo(f"proposal {made['id']}: advice only (no change to the code)")
        click.echo(made["pr_body"].rstrip())
    click.echo(
        f"estimated saving: {saving['cores']:.3f} cores, ${saving['dollars_per_month']:.2f} "
        f"and {saving['kwh_per_month']:.1f} kWh a month"
        + (f" (uncalibrated {saving['raw']['cores']:.3f} cores)" if saving.get("calibration")
           else "")
    )  # fmt: skip
    if made.get("measured_savings"):
        click.echo(_saving_line(made))
    for key in ("tests_after", "verdict", "verify"):
        if made["verification"].get(key):
            label = {"tests_after": "tests after the change", "verdict": "benchmark"}.get(key, key)
            click.echo(f"{label}: {made['verification'][key]}")
    if made["pr_url"]:
        click.echo(f"pull request: {made['pr_url']}")


@cli.group()
def proposals() -> None:
    """Code-fix proposals made by `efficiency propose`."""


@proposals.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def proposals_list(state: State, as_json: bool) -> None:
    """Proposals, newest first, with their status and savings."""
    from efficiency.remediate.proposals import list_proposals

    with state.db(create=False).session() as s:
        rows = list_proposals(s)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no proposals yet")
        return
    table = Table(title="proposals")
    for name in ("id", "hot spot", "playbook", "status", "branch", "est. cores", "raw est.",
                 "measured", "realized"):  # fmt: skip
        table.add_column(name)
    for p in rows:
        realized, est = p["realized_savings_cores"], p["estimated_savings"]
        raw = (est.get("raw") or {}).get("cores")
        got = p.get("measured_savings") or {}
        measured = f"{got['speedup']:.2f}x" if got else "-"
        if got.get("cores") is not None:
            measured += f", {got['cores']:.3f} cores"
        table.add_row(str(p["id"]), p["hotspot_id"], p["playbook"], p["status"],
                      p["branch"] or "-", f"{est['cores'] or 0:.3f}",
                      "-" if raw is None else f"{raw:.3f}", measured,
                      "-" if realized is None else f"{realized:.3f}")  # fmt: skip
    Console().print(table)


@proposals.command("review")
@click.argument("proposal_id", type=RECORD_ID)
@click.argument("status", type=click.Choice(["merged", "rejected"]))
@click.option("--actor", default=getpass.getuser,
              show_default="your login name", help="Who reviewed it.")  # fmt: skip
@pass_state
def proposals_review(state: State, proposal_id: int, status: str, actor: str) -> None:
    """Mark a proposal merged (its realized saving is then looked for after the deploy) or
    rejected (its estimate leaves the savings report), recording who and when."""
    from efficiency.store.proposal_queries import review_proposal

    with state.db(create=False).session() as s:
        done = review_proposal(s, proposal_id, status, actor)
    click.echo(f"proposal {proposal_id} is {done['status']} ({done['reviewed_by']})")


@cli.command("remediate")
@click.option("--service", required=True, help="The service whose profiles to remediate.")
@click.option("--repo", type=click.Path(file_okay=False), help="The service's git repository "
              "(default: its repo in the services file).")  # fmt: skip
@click.option("--from", "start", help="Period start (RFC 3339 or Unix seconds).")
@click.option("--to", "end", help="Period end.")
@click.option("--verify", "run_verify", is_flag=True, help="Run the service's test_command and "
              "bench_command on each branch, before and after, interleaved.")  # fmt: skip
@click.option("--max-proposals", type=click.IntRange(1, 100), default=None,
              help="New proposals at most (default: remediate.max_proposals).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the report as a JSON object.")
@pass_state
def remediate_command(
    state: State, service: str, repo: str | None, start: str | None, end: str | None,
    run_verify: bool, max_proposals: int | None, as_json: bool,
) -> None:  # fmt: skip
    """Everything from a service's profiles to proposals, with no hints: rank its hot spots
    by cost, try every matching playbook on every sampled call site, keep only rewrites of
    sampled lines, and say per hot spot what was proposed or why not."""
    from efficiency.ingest.timeparse import parse_time
    from efficiency.remediate.engine import remediate
    from efficiency.remediate.playbooks import load_playbooks

    t0 = parse_time(start, "--from") if start else None
    t1 = parse_time(end, "--to") if end else None
    pipeline = state.pipeline()
    catalog = pipeline.catalog
    if repo is None:
        known = catalog.services.get(service) if catalog else None
        if known is None or not known.repo:
            fail("--repo is needed (the services file names no repo for this service)")
        repo = known.repo
    limit = max_proposals or state.config.remediate.max_proposals
    with pipeline.database.session() as s:
        report = remediate(s, service, Path(repo), state.config, load_playbooks(), catalog,
                           start=t0, end=t1, run_verify=run_verify,
                           max_proposals=limit)  # fmt: skip
    if as_json:
        emit_json(report)
        return
    click.echo(f"{report['service']}: {report['proposals']} new proposal(s) in {report['repo']}")
    if report["best_first"]:
        click.echo("branches, best verified speedup first:")
        for rank, b in enumerate(report["best_first"], 1):
            click.echo(f"{rank:2}. {b['branch']} ({b['playbook']} for {b['frame']}): "
                       f"{b['verdict'] or 'not verified'}")  # fmt: skip
        click.echo("hot spots, costliest first:")
    for rank, spot in enumerate(report["hotspots"], 1):
        cost = f"{spot['cost_cores']:.3f} cores" if spot["cost_cores"] else "-"
        click.echo(f"{rank:2}. {spot['frame']} [{cost}]: {spot['outcome']}")
        for p in spot["proposals"]:
            where = f"branch {p['branch']}" if p["branch"] else "advice, no branch"
            click.echo(f"      proposal {p['id']} ({p['playbook']}): {where}")
            click.echo(f"      {_saving_line(p)}")
            measured = p["verification"].get("verdict")
            if measured:
                click.echo(f"      verification: {measured}")
            if not p["branch"] and p.get("pr_body"):
                advice = section(p["pr_body"], "Advice")
                if advice:
                    click.echo("      advice: " + " ".join(advice.split()))
        for reason in spot["reasons"]:
            click.echo(f"      - {reason}")


def _saving_line(proposal: dict[str, Any]) -> str:
    """The estimate next to what verification measured (nothing claimed unless it did)."""
    est = proposal["estimated_savings"]
    text = f"estimated {est['cores'] or 0:.3f} cores"
    if est.get("calibration"):
        text += f" (uncalibrated {(est.get('raw') or {}).get('cores', 0):.3f})"
    got = proposal.get("measured_savings")
    if got:
        cores = f", about {got['cores']:.3f} cores" if got.get("cores") is not None else ""
        text += f"; measured {got['speedup']:.2f}x on the benchmark{cores}"
    return text


def section(body: str, title: str) -> str:
    """The text of a pull-request body's ``### title`` section."""
    _, found, rest = body.partition(f"### {title}\n")
    return rest.split("\n### ")[0].strip() if found else ""
