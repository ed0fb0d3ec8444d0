"""The ``efficiency`` command line: wiring only; each command calls one stage's functions.

User errors (bad files, bad options, unreachable database) print one line and exit 2.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.exc import OperationalError

from collectors.errors import CollectorError
from efficiency.config import Config, ConfigError, load_config
from efficiency.ingest.errors import InputError
from efficiency.ingest.validation import input_error
from efficiency.remediate.errors import PlaybookError, ProposalError
from efficiency.services import ServicesError
from efficiency.store.db import Database, DatabaseError
from efficiency.store.incident_queries import TransitionError

if TYPE_CHECKING:
    from efficiency.daemon import Pipeline

USER_ERRORS = (
    InputError, ConfigError, DatabaseError, CollectorError, TransitionError, ServicesError,
    ProposalError, PlaybookError,
)  # fmt: skip


class UserError(click.ClickException):
    exit_code = 2


class Cli(click.Group):
    """Turns every expected failure into one clear line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            raise UserError(str(exc)) from None
        except ValidationError as exc:
            raise UserError(str(input_error(exc))) from None
        except OperationalError as exc:
            raise UserError(f"database unavailable: {exc.orig}") from None


class State:
    """What every command shares: the configuration and, opened on first use, the store."""

    def __init__(self, config_path: str | None, db_url: str | None) -> None:
        self.config_path, self.db_url = config_path, db_url
        self._config: Config | None = None
        self._db: Database | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
            if self.db_url:
                self._config.database.url = self.db_url
        return self._config

    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.config.database.url)
            self._db.upgrade()
        return self._db

    def pipeline(self) -> Pipeline:
        """The configured stages over the store (reads and checks the services file)."""
        from efficiency.daemon import Pipeline

        return Pipeline(self.config, self.db())


pass_state = click.make_pass_decorator(State)


def fail(message: str) -> NoReturn:
    raise UserError(message)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


@click.group(cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), envvar="EFFICIENCY_CONFIG",
    help="TOML configuration file (default: $EFFICIENCY_CONFIG).",
)  # fmt: skip
@click.option("--db", "db_url", help="Database URL or SQLite path (overrides database.url).")
@click.version_option(package_name="efficiency")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_url: str | None) -> None:
    """efficiency: find wasted compute and what is breaking, from profiles, alerts and changes."""
    ctx.obj = State(config_path, db_url)


# --------------------------------------------------------------------------- demo / serve / db


@cli.command()
@click.option(
    "--minutes", type=click.FloatRange(0.05, 60), default=1 / 3, show_default="0.33 (20 s)",
    help="How long to profile the demo fleet.",
)  # fmt: skip
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-output"),
    show_default=True, help="Folder for the demo's fresh SQLite database.",
)  # fmt: skip
@click.option("--window", "window_seconds", type=click.FloatRange(1, 600), default=2.0,
              show_default=True, help="Profile window length in seconds.")  # fmt: skip
@click.option("--after-deploy", type=click.FloatRange(0, 3600), default=16.0, show_default=True,
              help="Seconds profiled after deploying checkout v2 (0: no deploy).")  # fmt: skip
def demo(minutes: float, workdir: Path, window_seconds: float, after_deploy: float) -> None:
    """Run the whole story on a small real fleet, into a fresh SQLite database: profile three
    services, deploy a slower version of one, and find the regression and its deploy."""
    from efficiency.demo.story import run_demo

    result = run_demo(workdir, seconds=minutes * 60, window_seconds=window_seconds,
                      after_deploy_seconds=after_deploy)  # fmt: skip
    click.echo(
        f"\n{result.windows} profile windows and {len(result.detections)} detection(s) stored "
        f"in {result.db_url}"
    )


@cli.command()
@click.option("--host", help="Address to bind (default: api.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: api.port, 8077).")
@pass_state
def serve(state: State, host: str | None, port: int | None) -> None:
    """Serve the HTTP API (OpenAPI at /docs)."""
    import uvicorn

    from efficiency.ingest.api import create_app

    config = state.config
    host = host or config.api.host
    port = port or config.api.port
    if not config.api.token and not _is_loopback(host):
        fail(f"refusing to bind {host} without an API token: set api.token or EFFICIENCY_TOKEN")
    pipeline = state.pipeline()
    app = create_app(config, pipeline.database, set_status=pipeline.set_status)
    uvicorn.run(app, host=host, port=port, log_level="info")


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="TOML configuration (same as the global --config).")  # fmt: skip
@click.option("--host", help="Address to bind (default: api.host, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: api.port, 8077).")
@pass_state
def daemon(state: State, config_path: str | None, host: str | None, port: int | None) -> None:
    """The HTTP API plus every stage on a schedule: correlate and deliver pages every
    daemon.tick_seconds (and right after each alert webhook), detect every
    daemon.detect_seconds. Stops on SIGINT/SIGTERM; a restart takes up where it stopped."""
    from efficiency.daemon import run_daemon

    if config_path:
        state.config_path = config_path
    config = state.config
    host = host or config.api.host
    port = port or config.api.port
    if not config.api.token and not _is_loopback(host):
        fail(f"refusing to bind {host} without an API token: set api.token or EFFICIENCY_TOKEN")
    pipeline = state.pipeline()  # validates the services file before binding anything
    run_daemon(config, pipeline.database, host, port)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Create or migrate the schema to the newest version."""
    from efficiency.store.migrate import current_revision

    database = state.db()
    click.echo(f"{database.url}: schema at revision {current_revision(database.engine)}")


# --------------------------------------------------------------------------------- ingest


@cli.group()
def ingest() -> None:
    """Import records from files (use - for standard input)."""


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except IsADirectoryError:
        fail(f"{path}: is a folder, not a file")
    except OSError as exc:
        fail(f"{path}: {exc.strerror}")


def decode_text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")


def in_file(path: str, fn: Callable[[], Any]) -> Any:
    """Run a parser, prefixing any input error with the file name."""
    try:
        return fn()
    except InputError as exc:
        raise InputError(f"{path}: {exc.field}" if exc.field else path, exc.message) from None


@ingest.command("profile")
@click.argument("file")
@click.option("--format", "fmt", type=click.Choice(["auto", "folded", "speedscope", "pprof",
              "jsonl"]), default="auto", show_default=True)  # fmt: skip
@click.option("--service", help="Service the profile belongs to (required but for jsonl).")
@click.option("--host", default=socket.gethostname, show_default="this host")
@click.option("--process", default="", help="Process name or id.")
@click.option("--start", help="Window start (RFC 3339 or Unix seconds); pprof carries its own.")
@click.option("--end", help="Window end; default: the file's modification time.")
@click.option("--rate", "rate_hz", type=click.FloatRange(min=0, min_open=True),
              help="Sampling rate in Hz, when the format does not say.")  # fmt: skip
@pass_state
def ingest_profile(
    state: State, file: str, fmt: str, service: str | None, host: str, process: str,
    start: str | None, end: str | None, rate_hz: float | None,
) -> None:  # fmt: skip
    """Import a profile: folded stacks, speedscope JSON, pprof, or a jsonl batch of windows."""
    from efficiency.ingest.profiles import (
        WindowMeta,
        parse_jsonl_windows,
        parse_profile_bytes,
        sniff_format,
        store_profiles,
    )
    from efficiency.ingest.timeparse import parse_time

    data = read_input(file)
    fmt = sniff_format(data) if fmt == "auto" else fmt
    if fmt == "jsonl":
        text = decode_text(data, file)
        windows = in_file(file, lambda: parse_jsonl_windows(text.splitlines()))
    else:
        if not service:
            fail(f"--service is required for {fmt} profiles")
        parsed = in_file(file, lambda: parse_profile_bytes(data, fmt))
        mtime = (
            datetime.now(UTC) if file == "-"
            else datetime.fromtimestamp(Path(file).stat().st_mtime, UTC)
        )  # fmt: skip
        t_end = parse_time(end, "--end") if end else parsed.end or mtime
        t_start = parse_time(start, "--start") if start else parsed.start or t_end
        if t_end < t_start:
            fail("--end is before --start")
        meta = WindowMeta(
            service=service, host=host, process=process or parsed.process, collector=fmt,
            start=t_start, end=t_end, rate_hz=rate_hz or parsed.rate_hz, labels=parsed.labels,
        )  # fmt: skip
        windows = [(meta, parsed)]
    with state.db().session() as s:
        result = store_profiles(s, windows)
    click.echo(
        f"{result.windows_stored} window(s) stored, {result.windows_skipped} already present; "
        f"{result.samples} samples, {result.stacks} distinct stacks"
    )


@ingest.command("trace")
@click.argument("file")
@click.option("--service", required=True, help="Service the traced program belongs to.")
@click.option("--host", default=socket.gethostname, show_default="this host")
@click.option("--top", type=click.IntRange(0, 1000), default=10, show_default=True,
              help="GPU operations to list by total time.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_state
def ingest_trace(
    state: State, file: str, service: str, host: str, top: int, as_json: bool
) -> None:  # fmt: skip
    """Import a PyTorch profiler (Kineto) trace, .json or .json.gz: GPU kernels, copies,
    syncs, launch delays and where the GPU sat idle."""
    from dataclasses import asdict

    from efficiency.ingest.traces import parse_trace, store_trace
    from efficiency.tables import gpu_kernel_table, trace_lines

    data = read_input(file)
    parsed = in_file(file, lambda: parse_trace(data))
    mtime = None if file == "-" else datetime.fromtimestamp(Path(file).stat().st_mtime, UTC)
    name = "" if file == "-" else Path(file).name
    with state.db().session() as s:
        result = store_trace(s, service, host, parsed, file_name=name, fallback_end=mtime)
    if as_json:
        top_ops = [{**asdict(k), "mean_us": k.mean_us} for k in parsed.kernels[:top]]
        emit_json({**result.as_dict(), "service": service, "file": name,
                   **parsed.summary(), "top_kernels": top_ops})  # fmt: skip
        return
    done = "stored" if result.stored else "already stored, nothing written"
    click.echo(f"trace #{result.trace_id} {done} ({name or 'stdin'})")
    for line in trace_lines(parsed):
        click.echo(line)
    if top and parsed.kernels:
        Console().print(gpu_kernel_table(parsed, top))


@ingest.command("alerts")
@click.argument("file", required=False)
@click.option("--alertmanager", "am_url", metavar="URL",
              help="Pull an Alertmanager's active alerts (/api/v2/alerts) instead.")  # fmt: skip
@click.option("--prometheus", "prom_url", metavar="URL",
              help="Pull a Prometheus's firing alerts (/api/v1/alerts) instead.")  # fmt: skip
@pass_state
def ingest_alerts(state: State, file: str | None, am_url: str | None, prom_url: str | None) -> None:
    """Import Alertmanager webhook bodies (one JSON object, a JSON array, or JSON lines), or
    pull the alerts of a running Alertmanager or Prometheus."""
    from efficiency.ingest.alerts import AlertmanagerWebhook, store_alerts

    if sum(x is not None for x in (file, am_url, prom_url)) != 1:
        fail("give exactly one of FILE, --alertmanager URL or --prometheus URL")
    if file is not None:
        docs = in_file(file, lambda: _json_documents(decode_text(read_input(file), file)))
        origin, source = file, "file"
    else:
        from collectors.alerts import AlertmanagerAlertsCollector, PrometheusAlertsCollector

        puller = (
            AlertmanagerAlertsCollector(am_url)
            if am_url
            else PrometheusAlertsCollector(str(prom_url))
        )
        with puller:
            docs = [(f"group {i}: ", d) for i, d in enumerate(puller.fetch())]
        origin, source = str(am_url or prom_url), "pull"
    payloads = []
    for where, doc in docs:
        try:
            payloads.append(AlertmanagerWebhook.model_validate(doc))
        except ValidationError as exc:
            raise input_error(exc, f"{origin}: {where}") from None
    with state.db().session() as s:
        result = store_alerts(s, payloads, source=source)
    click.echo(
        f"{result.alerts_new} new alert(s), {result.alerts_updated} updated, "
        f"{result.duplicates} duplicate notification(s)"
    )


def _json_documents(text: str) -> list[tuple[str, Any]]:
    """A JSON document, an array of them, or JSON lines; each with where it came from."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        out = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append((f"line {number}: ", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number}", f"not valid JSON: {exc.msg}") from None
        if not out:
            raise InputError("", "no JSON documents in the file") from None
        return out
    if isinstance(doc, list):
        return [(f"[{i}].", d) for i, d in enumerate(doc)]
    return [("", doc)]


@ingest.command("changes")
@click.argument("file", required=False)
@click.option("--git", "repo", metavar="REPO", type=click.Path(file_okay=False),
              help="Take the commits of a git repository's branch as deploys instead.")  # fmt: skip
@click.option("--service", help="With --git: the service the commits deploy.")
@click.option("--branch", default="", help="With --git: the branch (default: HEAD).")
@click.option("--path", "paths", multiple=True,
              help="With --git: only commits touching this folder (repeatable).")  # fmt: skip
@click.option("--since", help="With --git: only commits after this time (RFC 3339 or Unix s).")
@pass_state
def ingest_changes(
    state: State, file: str | None, repo: str | None, service: str | None, branch: str,
    paths: tuple[str, ...], since: str | None,
) -> None:  # fmt: skip
    """Import change events (deploys, config changes) from JSON lines, or a git history."""
    from efficiency.ingest.changes import ChangeIn, store_changes
    from efficiency.ingest.validation import parse_jsonl

    if (file is None) == (repo is None):
        fail("give either FILE or --git REPO")
    if file is not None:
        text = decode_text(read_input(file), file)
        changes = in_file(file, lambda: parse_jsonl(text.splitlines(), ChangeIn))
    else:
        from collectors.git_changes import GitChangesCollector
        from efficiency.ingest.timeparse import parse_time

        if not service:
            fail("--git needs --service")
        after = parse_time(since, "--since") if since else None
        events = GitChangesCollector(repo, service, branch=branch, paths=paths).changes(since=after)
        changes = [ChangeIn.model_validate(e) for e in events]
    if not changes:
        click.echo("0 change(s) stored, 0 duplicate")
        return
    with state.db().session() as s:
        result = store_changes(s, changes)
    click.echo(f"{result.stored} change(s) stored, {result.received - result.stored} duplicate")


@ingest.command("metrics")
@click.argument("file")
@pass_state
def ingest_metrics(state: State, file: str) -> None:
    """Import metric points: CSV (timestamp,name,value,label...) or JSON lines."""
    from efficiency.ingest.metrics import PointIn, parse_metrics_csv, store_metrics
    from efficiency.ingest.validation import parse_jsonl

    text = decode_text(read_input(file), file)
    if text.lstrip().startswith("{"):
        points = in_file(file, lambda: parse_jsonl(text.splitlines(), PointIn))
    else:
        points = in_file(file, lambda: parse_metrics_csv(text))
    with state.db().session() as s:
        result = store_metrics(s, points)
    click.echo(
        f"{result.stored} point(s) stored in {result.series} series, "
        f"{result.received - result.stored} duplicate"
    )


# ------------------------------------------------------------------------------ read side


@cli.group()
def incidents() -> None:
    """List, show, acknowledge and resolve incidents."""


@incidents.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "resolved", "all"]),
              default="open", show_default=True)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def incidents_list(state: State, status: str, as_json: bool) -> None:
    """List incidents, newest first."""
    from efficiency.store.incident_queries import list_incidents

    with state.db().session() as s:
        rows = list_incidents(s, status)
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
@click.argument("incident_id", type=int)
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
@click.argument("incident_id", type=int)
@pass_state
def incidents_ack(state: State, incident_id: int) -> None:
    """Acknowledge an open incident."""
    _transition(state, incident_id, "acknowledged")


@incidents.command("resolve")
@click.argument("incident_id", type=int)
@pass_state
def incidents_resolve(state: State, incident_id: int) -> None:
    """Resolve an incident by hand."""
    _transition(state, incident_id, "resolved")


# ------------------------------------------------------------------------------ silences


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

    with state.db().session() as s:
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
@click.argument("silence_id", type=int)
@pass_state
def silences_expire(state: State, silence_id: int) -> None:
    """Expire a silence now: pages it held back go out again."""
    from efficiency.store.silence_queries import expire_silence

    with state.db().session() as s:
        row = expire_silence(s, silence_id, datetime.now(UTC))
    click.echo(f"silence {silence_id} is expired (since {row['expired_at'] or row['ends_at']})")


@cli.command()
@click.option("--bucket", "bucket_seconds", type=click.FloatRange(1, None),
              help="Bucket length in seconds (default: detect.bucket_seconds).")  # fmt: skip
@click.option("--lookback", "lookback_buckets", type=click.IntRange(6, 100_000),
              help="Buckets of history to read (default: detect.lookback_buckets).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_state
def detect(
    state: State, bucket_seconds: float | None, lookback_buckets: int | None, as_json: bool
) -> None:
    """One detection pass over new data: function-level regressions and improvements from
    the profiles, each with its suspected change, the same for GPU operations in Kineto
    traces, and anomalies of the metric series. Running it again stores nothing new."""
    cfg = state.config.detect
    if bucket_seconds:
        cfg.bucket_seconds = bucket_seconds
    if lookback_buckets:
        cfg.lookback_buckets = lookback_buckets
    pipeline = state.pipeline()
    found = pipeline.detect()
    functions, kernels, metrics = found.functions, found.gpu_kernels, found.metrics
    correlated = pipeline.correlate()
    delivered = pipeline.deliver()
    if as_json:
        emit_json({**found.as_dict(), "incidents": correlated.as_dict(),
                   "pages": delivered.__dict__})  # fmt: skip
        return
    if functions.end is None:
        click.echo("profiles: no profile data yet")
    else:
        dropped = ", ".join(f"{n} {why}" for why, n in sorted(functions.dropped.items()))
        click.echo(
            f"profiles: {functions.series} function series x {functions.buckets} buckets "
            f"({functions.start:%Y-%m-%d %H:%M} to {functions.end:%Y-%m-%d %H:%M} UTC): "
            f"{len(functions.new)} new detection(s), {functions.already_known} already known; "
            f"filtered: {dropped or 'none'}"
        )
    if kernels.end is not None:
        click.echo(
            f"gpu traces: {kernels.series} GPU operation series x {kernels.buckets} buckets: "
            f"{len(kernels.new)} new detection(s), {kernels.already_known} already known"
        )
    if metrics.end is None:
        click.echo("metrics: no metric data yet")
    else:
        click.echo(
            f"metrics: {metrics.series} series ({metrics.start:%Y-%m-%d %H:%M} to "
            f"{metrics.end:%Y-%m-%d %H:%M} UTC): {len(metrics.new)} new anomaly(ies), "
            f"{metrics.already_known} already known"
        )
    click.echo(
        f"incidents: {len(correlated.opened)} opened, {len(correlated.updated)} updated, "
        f"{len(correlated.resolved)} resolved; pages: {delivered.sent} sent, "
        f"{delivered.retrying} to retry, {delivered.failed} failed"
    )


@cli.group()
def detections() -> None:
    """Regressions, improvements and anomalies found by `efficiency detect`."""


@detections.command("list")
@click.option("--kind", type=click.Choice(["regression", "improvement", "anomaly"]))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@pass_state
def detections_list(state: State, kind: str | None, as_json: bool) -> None:
    """List detections, newest onset first."""
    from efficiency.store.incident_queries import list_detections

    with state.db().session() as s:
        rows = list_detections(s, kind)
    if as_json:
        emit_json(rows)
        return
    from efficiency.tables import detection_table, wide_console

    wide_console().print(detection_table(rows))


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
    from efficiency.stages.hotspots import hotspot_dict, refresh_hotspots

    t0 = parse_time(start, "--from") if start else None
    t1 = parse_time(end, "--to") if end else None
    with state.db().session() as s:
        spots = refresh_hotspots(s, service=service, start=t0, end=t1, limit=limit)
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
              "bench_command (services file) before and after the change.")  # fmt: skip
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

    pipeline = state.pipeline()
    catalog = pipeline.catalog
    if repo is None:
        with pipeline.database.session() as s:
            from efficiency.store.remediation import Hotspot

            spot = s.get(Hotspot, hotspot_id)
            service = catalog.services.get(spot.service) if catalog and spot else None
        if service is None or not service.repo:
            fail("--repo is needed (the services file names no repo for this hot spot's service)")
        repo = service.repo
    playbooks = load_playbooks()
    with pipeline.database.session() as s:
        made = make_proposal(s, hotspot_id, Path(repo), state.config, playbooks, catalog,
                             playbook_id=playbook_id, run_verify=run_verify)  # fmt: skip
    if push or open_pr:
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
    click.echo(
        f"estimated saving: {saving['cores']:.3f} cores, ${saving['dollars_per_month']:.2f} "
        f"and {saving['kwh_per_month']:.1f} kWh a month"
    )
    if made["verification"].get("speedup"):
        click.echo(f"measured speedup: {made['verification']['speedup']:.2f}x")
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

    with state.db().session() as s:
        rows = list_proposals(s)
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no proposals yet")
        return
    table = Table(title="proposals")
    for name in ("id", "hot spot", "playbook", "status", "branch", "est. cores", "realized"):
        table.add_column(name)
    for p in rows:
        realized = p["realized_savings_cores"]
        table.add_row(str(p["id"]), p["hotspot_id"], p["playbook"], p["status"],
                      p["branch"] or "-", f"{p['estimated_savings']['cores'] or 0:.3f}",
                      "-" if realized is None else f"{realized:.3f}")  # fmt: skip
    Console().print(table)


@cli.command("score-series")
@click.argument("file")
@click.option("--detector", type=click.Choice(["anomaly", "changepoint"]), default="anomaly",
              show_default=True, help="Metric anomalies, or change points.")  # fmt: skip
@click.option("-o", "--output", required=True, help="CSV to write (- for standard output).")
@pass_state
def score_series(state: State, file: str, detector: str, output: str) -> None:
    """Score one metric series from a CSV with a value column (NAB's timestamp,value layout
    works as is): the input's columns plus score (0 to 1) and the detector's verdict per
    row (is_anomaly, or change_point at the first point of each new segment)."""
    import numpy as np

    from efficiency.detect.anomaly import MetricAnomalyDetector
    from efficiency.detect.changepoint import ChangepointDetector
    from efficiency.ingest.series import read_series_csv

    series = in_file(file, lambda: read_series_csv(decode_text(read_input(file), file)))
    out = series.frame.copy()
    if detector == "anomaly":
        anomaly = MetricAnomalyDetector().fit(series.values, series.timestamps)
        out["score"] = anomaly.score()
        out["is_anomaly"] = anomaly.predict().astype(int)
        flagged = int(out["is_anomaly"].sum())
        summary = f"{flagged} anomalous point(s)"
    else:
        changes = ChangepointDetector().fit(series.values, series.timestamps)
        out["score"] = changes.score()
        marks = np.zeros(len(out), dtype=int)
        found = changes.predict()
        marks[found] = 1
        out["change_point"] = marks
        summary = f"{len(found)} change point(s)"
    out["score"] = out["score"].round(6)
    text = out.to_csv(index=False)
    if output == "-":
        click.echo(text, nl=False)
    else:
        try:
            Path(output).write_text(text)
        except OSError as exc:
            fail(f"{output}: {exc.strerror}")
    click.echo(f"scored {len(out)} point(s) with {detector}: {summary}", err=True)


# -------------------------------------------------------------------------------- agent


@cli.command()
@click.option("--server", help="Base URL of the efficiency API (default: agent.server).")
@click.option("--token", help="Bearer token (default: agent.token, then api.token).")
@click.option("--config", "agent_config", type=click.Path(dir_okay=False),
              help="TOML configuration (same as the global --config).")  # fmt: skip
@click.option("--spool", "spool_path", type=click.Path(dir_okay=False),
              help="The on-disk queue file (default: agent.spool_path).")  # fmt: skip
@click.option("--metrics-port", type=click.IntRange(0, 65535),
              help="Port of the agent's /metrics; 0 = none (default: agent.metrics_port).",
              )  # fmt: skip
@click.option("--service", help="Profile the processes of this service (with --pattern/--pid).")
@click.option("--pattern", help="Regular expression on the command line of --service's processes.")
@click.option("--pid", "pids", type=int, multiple=True, help="A process of --service (repeatable).")
@click.option("--window", "window_seconds", type=click.FloatRange(1, 3600),
              help="Profile window length (default: profiling.window_seconds).")  # fmt: skip
@pass_state
def agent(
    state: State, server: str | None, token: str | None, agent_config: str | None,
    spool_path: str | None, metrics_port: int | None, service: str | None, pattern: str | None,
    pids: tuple[int, ...], window_seconds: float | None,
) -> None:  # fmt: skip
    """Run the configured collectors and ship their records to the server.

    Records go through an on-disk spool, so a server outage loses nothing; SIGTERM flushes.
    """
    import logging
    import signal
    import threading

    from collectors.agent import build_agent, serve_metrics
    from efficiency.config import ProfileTargetConfig

    if agent_config:
        state.config_path = agent_config
    cfg = state.config
    a = cfg.agent
    if server:
        a.server = server
    if token:
        a.token = token
    if spool_path:
        a.spool_path = spool_path
    if metrics_port is not None:
        a.metrics_port = metrics_port
    if window_seconds:
        cfg.profiling.window_seconds = window_seconds
    if service or pattern or pids:
        if not service:
            fail("--pattern and --pid need --service")
        if not (pattern or pids):
            fail("--service needs --pattern or --pid")
        a.profile = [*a.profile, ProfileTargetConfig(service=service, pattern=pattern or "",
                                                      pids=list(pids))]  # fmt: skip
    if not a.server.startswith(("http://", "https://")):
        fail(f"--server must be an http(s) URL, not {a.server!r}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    built = build_agent(cfg)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop_metrics = serve_metrics(built, a.metrics_host, a.metrics_port) if a.metrics_port else None
    names = ", ".join(s.name for s in built.sources) or "none"
    logging.getLogger("efficiency.agent").info(
        "agent shipping to %s; collectors: %s; spool %s", a.server, names, built.spool.path
    )
    try:
        built.run(stop)
    finally:
        if stop_metrics:
            stop_metrics()
        built.shipper.close()
        built.spool.close()


# -------------------------------------------------------------------------------- profile


@cli.command(context_settings={"ignore_unknown_options": True})
@click.option("--service", help="Service name (default: the program's name).")
@click.option("--duration", type=click.FloatRange(1, 86_400), default=10.0, show_default=True,
              help="Seconds to profile.")  # fmt: skip
@click.option("--rate", "rate_hz", type=click.IntRange(1, 10_000), help="Samples per second "
              "(default: profiling.rate_hz, 100).")  # fmt: skip
@click.option("--window", "window_seconds", type=click.FloatRange(1, 3600),
              help="Window length (default: profiling.window_seconds).")  # fmt: skip
@click.option("--native", is_flag=True, default=None,
              help="Include native (C) frames, allocator internals named.")  # fmt: skip
@click.option("--pid", type=int, help="Profile this running process.")
@click.option("--pattern", help="Profile every Python process whose command line matches this "
              "regular expression (re-resolved each window).")  # fmt: skip
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@pass_state
def profile(
    state: State, service: str | None, duration: float, rate_hz: int | None,
    window_seconds: float | None, native: bool | None, pid: int | None, pattern: str | None,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    """Profile Python programs with py-spy and store their windows.

    One of: --pid PID, --pattern REGEX, or the program after --:
    efficiency profile -- python app.py
    """
    import time

    from collectors.pyspy import PySpyCollector, profile_round
    from collectors.targets import TargetSpec, resolve
    from efficiency.ingest.profiles import store_collected_window

    if sum(x is not None and x != () for x in (pid, pattern, command)) != 1:
        fail("give exactly one of --pid PID, --pattern REGEX, or a command after --")
    cfg = state.config.profiling
    collector = PySpyCollector(
        rate_hz=rate_hz or cfg.rate_hz,
        native=cfg.native if native is None else native,
        pyspy=cfg.pyspy_path,
    )
    window = min(window_seconds or cfg.window_seconds, duration)
    proc = None
    if command:
        try:
            proc = subprocess.Popen(list(command))
        except OSError as exc:
            fail(f"cannot start {command[0]}: {exc.strerror}")
        pid = proc.pid
        service = service or _program_name(command)
    elif pid is not None and not _pid_alive(pid):
        fail(f"no process with pid {pid}")
    service = service or (f"pid-{pid}" if pid is not None else "profiled")
    spec = TargetSpec(service, pids=(pid,) if pid is not None else (), pattern=pattern or "")
    database = state.db()
    host = socket.gethostname()
    stored = samples = 0
    seen: set[int] = set()
    end = time.monotonic() + duration
    try:
        while (left := end - time.monotonic()) > 0.5 and (proc is None or proc.poll() is None):
            targets = resolve([spec])
            if not targets:
                if pattern and not seen:
                    fail(f"no Python process matches {pattern!r}")
                break
            seen.update(t.pid for t in targets)
            result = profile_round(collector, [(t.pid, t.service) for t in targets],
                                   min(window, left))  # fmt: skip
            for failed_pid, reason in result.errors:
                if proc is None or proc.poll() is None:
                    click.echo(f"pid {failed_pid}: {reason}", err=True)
            for svc, record in result.windows:
                with database.session() as s:
                    store_collected_window(s, svc, host, record)
                stored += 1
                samples += record.samples
    finally:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            proc.wait()
    click.echo(f"{stored} window(s), {samples} samples of {service} stored in {database.url}")


def _program_name(command: tuple[str, ...]) -> str:
    args = [a for a in command if not a.startswith("-")]
    name = args[1] if len(args) > 1 and Path(args[0]).name.startswith("python") else args[0]
    return Path(name).stem


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main() -> None:
    cli(prog_name="efficiency")
