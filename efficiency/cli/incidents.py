"""`efficiency incidents ...`: list, show, acknowledge and resolve incidents."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from efficiency.cli.app import (
    RECORD_ID,
    State,
    cli,
    emit_json,
    fail,
    next_page_note,
    paged,
    pass_state,
)


@cli.group()
def incidents() -> None:
    """List, show, acknowledge and resolve incidents."""


@incidents.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "resolved", "all"]),
              default="open", show_default=True)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@paged
@pass_state
def incidents_list(
    state: State, status: str, as_json: bool, limit: int, cursor: str | None
) -> None:
    """List incidents, newest first, a page at a time (--limit, --cursor)."""
    from efficiency.store.incident_queries import incidents_page

    with state.db().session() as s:
        rows, following = incidents_page(s, status, limit, cursor)
    next_page_note(following, f"efficiency incidents list --status {status} --limit {limit}")
    if as_json:
        emit_json(rows)
        return
    table = Table(title=f"incidents ({status})")
    for col in ("id", "status", "severity", "opened", "services", "title"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]), r["status"], r["severity"], r["opened_at"] or "",
            ", ".join(r["services"]), r["title"],
        )  # fmt: skip
    Console().print(table if rows else f"no {status} incidents")


@incidents.command("show")
@click.argument("incident_id", type=RECORD_ID)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_state
def incidents_show(state: State, incident_id: int, as_json: bool) -> None:
    """Show one incident with its alerts, detections, root causes and suspected changes."""
    from efficiency.store.incident_queries import get_incident

    with state.db().session() as s:
        inc = get_incident(s, incident_id)
    if inc is None:
        fail(f"incident {incident_id} does not exist")
    if as_json:
        emit_json(inc)
        return
    console = Console()
    console.print(f"[bold]#{inc['id']} {inc['title']}[/] ({inc['status']}, {inc['severity']})")
    console.print(f"services: {', '.join(inc['services']) or '-'}")
    console.print(f"opened {inc['opened_at']}, resolved {inc['resolved_at'] or '-'}")
    console.print(f"alerts: {', '.join(inc['alert_fingerprints']) or '-'}")
    console.print(f"detections: {', '.join(map(str, inc['detection_ids'])) or '-'}")
    for i, rc in enumerate(inc["root_causes"], 1):
        console.print(f"root cause {i}: {rc}")
    for ch in inc["suspected_changes"]:
        console.print(f"suspected change: {ch['service']} {ch['version']} at {ch['at']}")


def _transition(state: State, incident_id: int, status: str) -> None:
    inc = state.pipeline().set_status(incident_id, status)
    click.echo(f"incident {incident_id} is {inc['status']}")


@incidents.command("ack")
@click.argument("incident_id", type=RECORD_ID)
@pass_state
def incidents_ack(state: State, incident_id: int) -> None:
    """Acknowledge an open incident."""
    _transition(state, incident_id, "acknowledged")


@incidents.command("resolve")
@click.argument("incident_id", type=RECORD_ID)
@pass_state
def incidents_resolve(state: State, incident_id: int) -> None:
    """Resolve an incident by hand."""
    _transition(state, incident_id, "resolved")
