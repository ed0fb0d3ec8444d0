"""`efficiency incidents ...`: list, show, acknowledge, resolve, merge, split and silence
incidents. Every change is recorded with who did it (``--actor``, default the login name)."""

from __future__ import annotations

import getpass
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
    next_page_note,
    paged,
    pass_state,
)


@cli.group()
def incidents() -> None:
    """List, show, acknowledge, resolve, merge, split and silence incidents."""


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return ""


actor_option = click.option(
    "--actor", default=_login, show_default="your login name",
    help="Who does this, for the incident's audit trail.",
)  # fmt: skip


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

    with state.db(create=False).session() as s:
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

    with state.db(create=False).session() as s:
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
        click.echo(f"root cause {i}: {root_cause_line(rc)}")  # one line each, never wrapped
    for ch in inc["suspected_changes"]:
        console.print(f"suspected change: {ch['service']} {ch['version']} at {ch['at']}")


def _number(value: Any, fmt: str) -> str:
    return format(value, fmt) if isinstance(value, int | float) else "?"


def _why(rc: dict[str, Any]) -> list[str]:
    """The evidence of one stored root cause as short phrases."""
    kind = rc.get("kind")
    if kind == "change":
        minutes = _number(rc.get("minutes_before_onset"), ".1f")
        return [f"deployed {rc.get('at', '?')}", f"{minutes} min before the onset"]
    if kind == "function":
        return [f"regression p={_number(rc.get('p_value'), '.2g')}",
                f"magnitude {_number(rc.get('magnitude'), '.3g')}"]  # fmt: skip
    if kind == "host":
        return [f"services on it: {', '.join(rc.get('services_on_host') or []) or '-'}"]
    out = []
    if rc.get("onset_at"):
        out.append(f"onset {rc['onset_at']}")
    if isinstance(rc.get("alerts"), int):
        out.append(f"{rc['alerts']} alert(s)")
    if isinstance(rc.get("deploy"), dict):
        out.append(f"deploy {rc['deploy'].get('version') or rc['deploy'].get('change_id')}")
    if isinstance(rc.get("regression"), dict) and rc["regression"].get("function"):
        out.append(f"regression in {rc['regression']['function']}")
    # a ranking from `efficiency rca` (incidents opened by a metric anomaly)
    if isinstance(rc.get("abnormality"), int | float):
        out.append(f"abnormality {rc['abnormality']:.2f}")
    if isinstance(rc.get("moved_series"), int):
        out.append(f"{rc['moved_series']} series moved")
    top = rc.get("top_series")
    if isinstance(top, list) and top and isinstance(top[0], dict) and top[0].get("series"):
        out.append(f"most: {top[0]['series']}")
    if rc.get("explained_by"):
        out.append(f"partly explained by {rc['explained_by']}")
    return out


def root_cause_line(rc: dict[str, Any]) -> str:
    """One stored root cause as a line: ``change checkout@v2 (score 0.81): deployed ...``."""
    head = f"{rc.get('kind', '?')} {rc.get('name', '?')} (score {_number(rc.get('score'), '.2f')})"
    why = _why(rc)
    return f"{head}: {'; '.join(why)}" if why else head


def _transition(state: State, incident_id: int, status: str, actor: str) -> None:
    inc = state.pipeline(create=False).set_status(incident_id, status, actor)
    click.echo(f"incident {incident_id} is {inc['status']}")


@incidents.command("ack")
@click.argument("incident_id", type=RECORD_ID)
@actor_option
@pass_state
def incidents_ack(state: State, incident_id: int, actor: str) -> None:
    """Acknowledge an open incident (and page the acknowledge)."""
    _transition(state, incident_id, "acknowledged", actor)


@incidents.command("resolve")
@click.argument("incident_id", type=RECORD_ID)
@actor_option
@pass_state
def incidents_resolve(state: State, incident_id: int, actor: str) -> None:
    """Resolve an incident by hand (and page the resolve)."""
    _transition(state, incident_id, "resolved", actor)


@incidents.command("merge")
@click.argument("incident_id", type=RECORD_ID)
@click.argument("other_id", type=RECORD_ID)
@actor_option
@pass_state
def incidents_merge(state: State, incident_id: int, other_id: int, actor: str) -> None:
    """Merge incident OTHER_ID into INCIDENT_ID: its alerts, detections and suspected changes
    move over and it is resolved (its page resolves); INCIDENT_ID's severity and root causes
    are ranked again."""
    inc = state.pipeline(create=False).actions.merge(incident_id, other_id, actor)
    click.echo(f"incident {other_id} merged into {incident_id}: {inc['title']}")


@incidents.command("split")
@click.argument("incident_id", type=RECORD_ID)
@click.option("--alert", "fingerprints", multiple=True, required=True, metavar="FINGERPRINT",
              help="An alert to move out (repeat for several).")  # fmt: skip
@actor_option
@pass_state
def incidents_split(
    state: State, incident_id: int, fingerprints: tuple[str, ...], actor: str
) -> None:
    """Move the given alerts out of an incident into a new incident (which pages like any new
    incident)."""
    inc = state.pipeline(create=False).actions.split(incident_id, list(fingerprints), actor)
    click.echo(f"incident {inc['id']} split from {incident_id}: {inc['title']}")


@incidents.command("silence")
@click.argument("incident_id", type=RECORD_ID)
@click.option(
    "--match",
    "matchers",
    multiple=True,
    required=True,
    help="Alertmanager matcher, e.g. service=checkout (repeat: all must match).",
)
@click.option("--duration", required=True, help="How long, e.g. 2h, 30m, 1d.")
@click.option("--comment", default="", help="Why (default: from incident ID).")
@actor_option
@pass_state
def incidents_silence(
    state: State, incident_id: int, matchers: tuple[str, ...], duration: str, comment: str,
    actor: str,
) -> None:  # fmt: skip
    """Silence the pages of incidents whose alerts match, for a duration, from this incident
    (recorded in its audit trail)."""
    from datetime import timedelta

    from efficiency.notify.silence import parse_duration

    try:
        seconds = parse_duration(duration)
    except ValueError as exc:
        fail(f"--duration: {exc}")
    made = state.pipeline(create=False).actions.silence(
        incident_id, list(matchers), timedelta(seconds=seconds), actor, comment
    )
    click.echo(f"silence {made['id']} until {made['ends_at']}: {', '.join(made['matchers'])}")


@incidents.command("actions")
@click.argument("incident_id", type=RECORD_ID)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def incidents_actions(state: State, incident_id: int, as_json: bool) -> None:
    """Who did what to an incident and when."""
    from efficiency.store.incident_actions import list_actions
    from efficiency.store.incident_queries import get_incident

    with state.db(create=False).session() as s:
        if get_incident(s, incident_id) is None:
            fail(f"incident {incident_id} does not exist")
        rows = list_actions(s, incident_id)
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r['at']}  {r['actor']:<16} {r['action']:<12} {r['detail']}")
    if not rows:
        click.echo(f"nobody acted on incident {incident_id} yet")
