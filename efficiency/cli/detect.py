"""`efficiency detect`, `detections list` and `score-series`."""

from __future__ import annotations

import re
from pathlib import Path

import click

from efficiency.cli.app import (
    State,
    cli,
    decode_text,
    emit_json,
    fail,
    in_file,
    next_page_note,
    paged,
    pass_state,
    read_input,
)
from efficiency.cli.progress import phases


@cli.command()
@click.option("--bucket", "bucket_seconds", type=click.FloatRange(1, None),
              help="Bucket length in seconds (default: detect.bucket_seconds).")  # fmt: skip
@click.option("--lookback", "lookback_buckets", type=click.IntRange(6, 100_000),
              help="Buckets of history to read (default: detect.lookback_buckets).")  # fmt: skip
@click.option("--dask-scheduler", "dask_scheduler", metavar="tcp://HOST:PORT",
              help="Score the metric series on this Dask cluster's workers "
              "(default: detect.dask_scheduler; none = in process).")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@pass_state
def detect(
    state: State,
    bucket_seconds: float | None,
    lookback_buckets: int | None,
    dask_scheduler: str | None,
    as_json: bool,
) -> None:
    """One detection pass over new data: function-level regressions and improvements from
    the profiles, each with its suspected change, the same for GPU operations in Kineto
    traces, and anomalies of the metric series. Running it again stores nothing new."""
    cfg = state.config.detect
    if bucket_seconds:
        cfg.bucket_seconds = bucket_seconds
    if lookback_buckets:
        cfg.lookback_buckets = lookback_buckets
    if dask_scheduler is not None:
        if not re.fullmatch(r"tcp://[^\s/]+:\d{1,5}", dask_scheduler):
            fail(f"--dask-scheduler: {dask_scheduler!r} is not tcp://HOST:PORT")
        cfg.dask_scheduler = dask_scheduler
    with phases(3) as bar:
        pipeline = state.pipeline()
        bar.phase("detecting: profiles, GPU traces, metric series")
        found = pipeline.detect()
        bar.phase("correlating into incidents")
        correlated = pipeline.correlate()
        bar.phase("delivering pages")
        delivered = pipeline.deliver()
    functions, kernels, metrics = found.functions, found.gpu_kernels, found.metrics
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
        f"{len(correlated.resolved)} resolved"
        + (f", {len(correlated.merged)} merged into another" if correlated.merged else "")
        + f"; pages: {delivered.sent} sent, "
        f"{delivered.retrying} to retry, {delivered.failed} failed"
    )


@cli.group()
def detections() -> None:
    """Regressions, improvements and anomalies found by `efficiency detect`."""


@detections.command("list")
@click.option("--kind", type=click.Choice(["regression", "improvement", "anomaly"]))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@paged
@pass_state
def detections_list(
    state: State, kind: str | None, as_json: bool, limit: int, cursor: str | None
) -> None:
    """List detections, newest onset first, a page at a time (--limit, --cursor)."""
    from efficiency.store.incident_queries import detections_page

    with state.db(create=False).session() as s:
        rows, following = detections_page(s, kind, limit, cursor)
    kind_opt = f" --kind {kind}" if kind else ""
    next_page_note(following, f"efficiency detections list{kind_opt} --limit {limit}")
    if as_json:
        emit_json(rows)
        return
    from efficiency.tables import detection_table, wide_console

    wide_console().print(detection_table(rows))


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
        cfg = state.config.detect
        changes = ChangepointDetector(
            penalty_factor=cfg.changepoint_penalty_factor,
            min_shift=cfg.changepoint_min_shift,
            min_explained=cfg.changepoint_min_explained,
        ).fit(series.values, series.timestamps)
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
