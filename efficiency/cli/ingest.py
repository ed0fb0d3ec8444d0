"""`efficiency ingest ...`: profiles, traces, alerts, changes and metrics from files or peers."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from rich.console import Console

from efficiency.cli.app import (
    State,
    cli,
    decode_text,
    emit_json,
    fail,
    in_file,
    pass_state,
    read_input,
)
from efficiency.cli.progress import phases
from efficiency.ingest.errors import InputError
from efficiency.ingest.validation import input_error
from efficiency.store.maintenance import analyze_after_bulk

PROFILE_TABLES = ("profile_windows", "profile_samples", "stacks", "frames")


@cli.group()
def ingest() -> None:
    """Import records from files (use - for standard input)."""


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
        check_samples,
        parse_jsonl_windows,
        parse_profile_bytes,
        sniff_format,
        store_profiles,
    )
    from efficiency.ingest.timeparse import parse_time

    with phases(3) as bar:
        bar.phase(f"reading {file}")
        data = read_input(file)
        if not data.strip():
            fail(f"{file}: the file is empty: no profile to store")
        fmt = sniff_format(data) if fmt == "auto" else fmt
        bar.phase(f"parsing {fmt} ({len(data):,} bytes)")
        if fmt == "jsonl":
            text = decode_text(data, file)
            windows = in_file(file, lambda: parse_jsonl_windows(text.splitlines()))
        else:
            if not service:
                fail(f"--service is required for {fmt} profiles")
            parsed = in_file(file, lambda: check_samples(parse_profile_bytes(data, fmt), rate_hz))
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
        bar.phase(f"storing {len(windows)} window(s)")
        with state.db().session() as s:
            result = store_profiles(s, windows)
        sample_rows = (
            sum(len(parsed.samples) for _, parsed in windows) if result.windows_stored else 0
        )
        analyze_after_bulk(state.db(), PROFILE_TABLES, sample_rows)
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

    with phases(3) as bar:
        bar.phase(f"reading {file}")
        data = read_input(file)
        bar.phase(f"parsing the trace ({len(data):,} bytes)")
        parsed = in_file(file, lambda: parse_trace(data))
        mtime = None if file == "-" else datetime.fromtimestamp(Path(file).stat().st_mtime, UTC)
        name = "" if file == "-" else Path(file).name
        bar.phase("storing GPU kernels and API calls")
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
    analyze_after_bulk(state.db(), ("alerts", "alert_events"), result.events_new)
    click.echo(
        f"{result.alerts_new} new alert(s), {result.alerts_updated} updated, "
        f"{result.duplicates} duplicate notification(s)"
    )


def _json_documents(text: str) -> list[tuple[str, Any]]:
    """A JSON document, an array of them, or JSON lines; each with where it came from."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise InputError("", "JSON nested too deeply") from None
    except json.JSONDecodeError:
        out = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append((f"line {number}: ", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"line {number}", f"not valid JSON: {exc.msg}") from None
                except RecursionError:
                    raise InputError(f"line {number}", "JSON nested too deeply") from None
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
    analyze_after_bulk(state.db(), ("change_events",), result.stored)
    click.echo(f"{result.stored} change(s) stored, {result.received - result.stored} duplicate")


@ingest.command("metrics")
@click.argument("file")
@pass_state
def ingest_metrics(state: State, file: str) -> None:
    """Import metric points: CSV (timestamp,name,value,label...) or JSON lines."""
    from efficiency.ingest.metrics import PointIn, parse_metrics_csv, store_metrics
    from efficiency.ingest.validation import parse_jsonl

    with phases(3) as bar:
        bar.phase(f"reading {file}")
        text = decode_text(read_input(file), file)
        bar.phase(f"parsing ({len(text):,} characters)")
        if text.lstrip().startswith("{"):
            points = in_file(file, lambda: parse_jsonl(text.splitlines(), PointIn))
        else:
            points = in_file(file, lambda: parse_metrics_csv(text))
        bar.phase(f"storing {len(points):,} point(s)")
        with state.db().session() as s:
            result = store_metrics(s, points)
        analyze_after_bulk(state.db(), ("metric_series", "metric_points"), result.stored)
    click.echo(
        f"{result.stored} point(s) stored in {result.series} series, "
        f"{result.received - result.stored} duplicate"
    )
