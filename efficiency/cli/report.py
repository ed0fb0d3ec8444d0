"""`efficiency report savings|capacity`: the capacity planner's exports (CSV, XLSX, HTML),
the same numbers as the dashboard's Savings and Capacity pages."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import click

from efficiency.cli.app import State, cli, fail, pass_state

FORMATS = ("csv", "xlsx", "html")


@cli.group()
def report() -> None:
    """Savings and capacity reports for capacity planners."""


def _time(text: str | None, option: str) -> datetime | None:
    from efficiency.ingest.timeparse import parse_time

    return parse_time(text, option) if text else None


def _write(path: str, data: str | bytes) -> None:
    """Write all of it or nothing: a temporary file beside the target, then a rename."""
    target = Path(path)
    if target.is_dir():
        fail(f"-o {path}: is a folder; give a file name")
    if not target.parent.exists():
        fail(f"-o {path}: folder {target.parent} does not exist")
    payload = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        fail(f"-o {path}: {exc.strerror or exc}")


def _format(fmt: str | None, output: str) -> str:
    """The format given, else the output file's suffix."""
    chosen = fmt or Path(output).suffix.lstrip(".").lower()
    if chosen not in FORMATS:
        fail(f"--format: give one of {', '.join(FORMATS)} (or an -o file ending in one)")
    return chosen


@report.command("savings")
@click.option("--from", "start", help="Lines dated from (RFC 3339 or Unix seconds).")
@click.option("--to", "end", help="Lines dated before.")
@click.option("--by", type=click.Choice(["service", "team", "playbook"]), default="service",
              show_default=True, help="How the summary groups the savings.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="csv, xlsx or html (default: the -o file's suffix).")  # fmt: skip
@click.option("-o", "--output", required=True, help="The file to write.")
@pass_state
def report_savings(
    state: State, start: str | None, end: str | None, by: str, fmt: str | None, output: str
) -> None:
    """Estimated and realized cores, GPU-hours, kWh and dollars per group and per proposal,
    with the cost model's assumptions."""
    from efficiency.report.costs import CostModel
    from efficiency.report.savings import build_savings_report

    chosen = _format(fmt, output)
    t0, t1 = _time(start, "--from"), _time(end, "--to")
    if t0 and t1 and t1 <= t0:
        fail("--to: must be after --from")
    with state.db(create=False).session() as s:
        made = build_savings_report(s, CostModel.from_config(state.config.costs), t0, t1, by)
    _write(output, _render_savings(made, chosen))
    est, real = made.totals["estimated"]["dollars"], made.totals["realized"]["dollars"]
    click.echo(
        f"{output}: {len(made.proposals)} proposal lines; estimated ${est:,.2f} and realized "
        f"${real:,.2f} a month"
    )


def _render_savings(made: object, fmt: str) -> str | bytes:
    if fmt == "csv":
        from efficiency.report.csv_export import savings_csv

        return savings_csv(made)  # type: ignore[arg-type]
    if fmt == "xlsx":
        from efficiency.report.xlsx_export import savings_xlsx

        return savings_xlsx(made)  # type: ignore[arg-type]
    from efficiency.report.html_export import savings_html

    return savings_html(made)  # type: ignore[arg-type]


@report.command("capacity")
@click.option("--service", help="Only this service (default: every service).")
@click.option("--weeks", type=click.IntRange(2, 104), default=13, show_default=True,
              help="Weeks of history before the newest data.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="csv, xlsx or html (default: the -o file's suffix).")  # fmt: skip
@click.option("-o", "--output", required=True, help="The file to write.")
@pass_state
def report_capacity(
    state: State, service: str | None, weeks: int, fmt: str | None, output: str
) -> None:
    """Per service: cores (and busy GPU-hours) per day over the last weeks, a seasonal
    forecast for the next quarter with its 80% interval, and the forecast less the open
    proposals' savings."""
    from efficiency.report.capacity import build_capacity_outlook

    chosen = _format(fmt, output)
    with state.db(create=False).session() as s:
        outlook = build_capacity_outlook(s, service=service, weeks=weeks)
    if not outlook.services:
        fail(f"no profiles or GPU metrics stored{f' for {service}' if service else ''}")
    if chosen == "csv":
        from efficiency.report.csv_export import capacity_csv

        data: str | bytes = capacity_csv(outlook)
    elif chosen == "xlsx":
        from efficiency.report.xlsx_export import capacity_xlsx

        data = capacity_xlsx(outlook)
    else:
        from efficiency.report.html_export import capacity_html

        data = capacity_html(outlook)
    _write(output, data)
    click.echo(f"{output}: {len(outlook.services)} series, {outlook.horizon_days} days ahead")
