"""`efficiency ingest logs|spans`: log records and trace spans as per-minute series for
``efficiency rca`` (the records themselves are not kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from efficiency.cli.app import State, decode_text, in_file, pass_state, read_input
from efficiency.cli.ingest import ingest
from efficiency.cli.progress import phases
from efficiency.store.maintenance import analyze_after_bulk


def _ingest_events(
    state: State, file: str, model: type, to_points: Callable[[list[Any]], list[Any]], what: str
) -> None:
    from efficiency.ingest.metrics import store_metrics
    from efficiency.ingest.validation import parse_jsonl

    with phases(3) as bar:
        bar.phase(f"reading {file}")
        text = decode_text(read_input(file), file)
        bar.phase(f"parsing ({len(text):,} characters)")
        records = in_file(file, lambda: parse_jsonl(text.splitlines(), model))
        points = to_points(records)
        bar.phase(f"storing {len(points):,} point(s)")
        with state.db().session() as s:
            result = store_metrics(s, points) if points else None
        if result is not None:
            analyze_after_bulk(state.db(), ("metric_series", "metric_points"), result.stored)
    stored, series = (result.stored, result.series) if result else (0, 0)
    click.echo(f"{len(records)} {what} -> {stored} point(s) stored in {series} series")


@ingest.command("logs")
@click.argument("file")
@click.option(
    "--template-cap", type=click.IntRange(1, 1000), default=None,
    help="Most templates per service kept as series of their own (default 30).",
)  # fmt: skip
@pass_state
def ingest_logs(state: State, file: str, template_cap: int | None) -> None:
    """Import log records (JSON lines: ts, service or pod, message, optional level, trace_id)
    as per-minute counts per service, level and message template."""
    from efficiency.ingest.logs import TEMPLATE_CAP, LogIn, log_points

    cap = template_cap or TEMPLATE_CAP
    _ingest_events(state, file, LogIn, lambda rs: log_points(rs, cap), "log record(s)")


@ingest.command("spans")
@click.argument("file")
@click.option(
    "--operation-cap", type=click.IntRange(1, 1000), default=None,
    help="Most operations per service kept as series of their own (default 30).",
)  # fmt: skip
@pass_state
def ingest_spans(state: State, file: str, operation_cap: int | None) -> None:
    """Import trace spans (JSON lines: trace_id, span_id, parent_id, service or pod,
    operation, start, end or duration) as per-minute calls and latency per operation and
    per call edge."""
    from efficiency.ingest.spans import OPERATION_CAP, SpanIn, span_points

    cap = operation_cap or OPERATION_CAP
    _ingest_events(state, file, SpanIn, lambda rs: span_points(rs, cap), "span(s)")
