"""`efficiency silences ...`: hold back pages for matching alerts."""

from __future__ import annotations

import os
from datetime import UTC, datetime

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
from efficiency.ingest.errors import InputError


@cli.group()
def silences() -> None:
    """Hold back pages (not incidents) for matching alerts: once, or in maintenance windows."""


#: the command-line flag of each field a silence's input errors name
_SILENCE_FLAGS = {
    "matchers": "--match", "ends_at": "--end", "created_by": "--created-by",
    "days": "--every", "start": "--at", "duration_seconds": "--for", "timezone": "--timezone",
}  # fmt: skip


def _seconds(text: str, flag: str) -> float:
    from efficiency.notify.silence import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        fail(f"{flag}: {exc}")


@silences.command("add")
@click.option("--match", "matchers", multiple=True, required=True, metavar="MATCHER",
              help='Label matcher, repeatable, all must match: name=value, name!=value, '
                   'name=~"regex", name!~"regex".')  # fmt: skip
@click.option("--start", help="Start (RFC 3339 or Unix seconds; default: now).")
@click.option("--end", help="End (RFC 3339 or Unix seconds); optional with --every.")
@click.option("--duration", help="Instead of --end: how long from the start (90m, 2h, 1d).")
@click.option("--every", "days", metavar="DAYS",
              help="Maintenance windows on these days: mon-fri, sat,sun, daily.")  # fmt: skip
@click.option("--at", "at_time", metavar="HH:MM", help="With --every: local start of each window.")
@click.option("--for", "window", metavar="DURATION", help="With --every: window length (2h).")
@click.option("--timezone", help="With --every: IANA time zone of --at (default: UTC).")
@click.option("--comment", default="", help="Why; page suppression reasons show it.")
@click.option("--created-by", default=lambda: os.environ.get("USER", ""), show_default="$USER",
              help="Who adds it.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the silence as a JSON object.")
@pass_state
def silences_add(
    state: State, matchers: tuple[str, ...], start: str | None, end: str | None,
    duration: str | None, days: str | None, at_time: str | None, window: str | None,
    timezone: str | None, comment: str, created_by: str, as_json: bool,
) -> None:  # fmt: skip
    """Add a silence: pages for incidents whose firing alerts all match are held back."""
    from datetime import timedelta

    from efficiency.ingest.timeparse import parse_time
    from efficiency.notify.silence import RecurrenceError, parse_recurrence
    from efficiency.store.silence_queries import add_silence

    if end and duration:
        fail("give --end or --duration, not both")
    if days is None and (at_time or window or timezone):
        fail("--at, --for and --timezone go with --every")
    now = datetime.now(UTC)
    starts_at = parse_time(start, "--start") if start else now
    ends_at = parse_time(end, "--end") if end else None
    if duration:
        ends_at = starts_at + timedelta(seconds=_seconds(duration, "--duration"))
    recurrence = None
    if days is not None:
        if not at_time or not window:
            fail("--every needs --at HH:MM and --for DURATION")
        try:
            recurrence = parse_recurrence(
                days, at_time, _seconds(window, "--for"), timezone or "UTC"
            )
        except RecurrenceError as exc:
            fail(f"{_SILENCE_FLAGS[exc.field]}: {exc.message}")
    elif ends_at is None:
        fail("a one-off silence needs --end or --duration (or --every for a maintenance window)")
    try:
        with state.db().session() as s:
            row = add_silence(s, list(matchers), starts_at, ends_at, recurrence, comment,
                              created_by, now)  # fmt: skip
    except InputError as exc:
        flag = _SILENCE_FLAGS.get(exc.field.split(".")[0], exc.field)
        fail(f"{flag}: {exc.message}")
    if as_json:
        emit_json(row)
        return
    click.echo(f"silence {row['id']} added ({row['state']})")


@silences.command("list")
@click.option("--all", "include_expired", is_flag=True, help="Also expired and ended silences.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def silences_list(state: State, include_expired: bool, as_json: bool) -> None:
    """List silences, oldest first (without --all: those not expired or ended)."""
    from rich.text import Text

    from efficiency.notify.silence import Recurrence
    from efficiency.store.silence_queries import list_silences

    with state.db(create=False).session() as s:
        rows = list_silences(s, datetime.now(UTC), include_expired)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="silences")
    for col in ("id", "state", "matchers", "starts", "ends", "windows", "comment", "by"):
        table.add_column(col, overflow="fold")
    for r in rows:
        windows = Recurrence.from_dict(r["recurrence"]).describe() if r["recurrence"] else "-"
        table.add_row(
            str(r["id"]), r["state"], Text(" ".join(r["matchers"])), r["starts_at"],
            r["ends_at"] or "-", windows, Text(r["comment"]), Text(r["created_by"]),
        )  # fmt: skip
    Console().print(table if rows else "no silences")


@silences.command("expire")
@click.argument("silence_id", type=RECORD_ID)
@pass_state
def silences_expire(state: State, silence_id: int) -> None:
    """Expire a silence now: pages it held back go out again."""
    from efficiency.store.silence_queries import expire_silence

    with state.db(create=False).session() as s:
        row = expire_silence(s, silence_id, datetime.now(UTC))
    click.echo(f"silence {silence_id} is expired (since {row['expired_at'] or row['ends_at']})")
