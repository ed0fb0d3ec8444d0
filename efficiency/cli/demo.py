"""`efficiency demo`: the whole story on a small real fleet."""

from __future__ import annotations

from pathlib import Path

import click

from efficiency.cli.app import cli, fail
from efficiency.cli.progress import phases


@cli.command()
@click.option(
    "--minutes", type=click.FloatRange(0.05, 60), default=0.2, show_default="0.2 (12 s)",
    help="How long to profile the demo fleet before the deploy (the baseline).",
)  # fmt: skip
@click.option(
    "--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo-output"),
    show_default=True, help="Folder for the demo's fresh SQLite database and files.",
)  # fmt: skip
@click.option("--window", "window_seconds", type=click.FloatRange(1, 600), default=2.0,
              show_default=True, help="Profile window length in seconds.")  # fmt: skip
@click.option("--after-deploy", type=click.FloatRange(0, 3600), default=16.0, show_default=True,
              help="Seconds profiled after deploying checkout v2 (0: no deploy).")  # fmt: skip
@click.option("--alertmanager", "alertmanager", default=None, metavar="PATH|off",
              help="Alertmanager binary the alerts go through (with prometheus on PATH "
              "evaluating the rules); 'off' runs neither: the demo evaluates the rules and "
              "posts Alertmanager's webhook body itself (default: $EFFICIENCY_DEMO_"
              "ALERTMANAGER, else prometheus-alertmanager on PATH, else off).")  # fmt: skip
def demo(
    minutes: float, workdir: Path, window_seconds: float, after_deploy: float,
    alertmanager: str | None,
) -> None:  # fmt: skip
    """Run the whole story on a small real fleet, into a fresh SQLite database: profile the
    HTTP services under load, deploy a slower checkout, let its callers' measured latency
    alert, find the regression and its deploy, open the incident and page a local receiver,
    propose fixes as branches and write the savings report. Exit 1 when a part is missing."""
    import os

    from efficiency.demo.canary import CanaryOutcome, canary_step, summary_lines
    from efficiency.demo.incident import ALERTMANAGER_ENV, alertmanager_binary, prometheus_binary
    from efficiency.demo.story import root_cause_text, run_demo
    from efficiency.tables import wide_console

    if alertmanager is not None:
        os.environ[ALERTMANAGER_ENV] = alertmanager
    binary = alertmanager_binary()
    if alertmanager not in (None, "off") and binary is None:
        fail(f"--alertmanager: no executable {alertmanager}")
    with phases(None) as bar:
        bar.phase(f"demo: about {minutes * 60 + after_deploy:.0f} s of profiling, then the story")
        console = bar.output_console() or wide_console()
        canaries: list[CanaryOutcome] = []
        step = canary_step(workdir, console, canaries, window_seconds)
        result = run_demo(workdir, seconds=minutes * 60, window_seconds=window_seconds,
                          console=console, after_deploy_seconds=after_deploy,
                          alertmanager=binary, prometheus=prometheus_binary(),
                          canary=step)  # fmt: skip
    click.echo("\nSummary")
    click.echo(f"  database:   {result.windows} profile windows in {result.db_url}")
    for line in (line for c in canaries for line in summary_lines(c)):
        click.echo(line)
    regressions = [d for d in result.detections if d["kind"] == "regression"]
    for d in regressions:
        click.echo(f"  regression: {d['service']} {d['function']}")
    found = result.incident
    if found is not None:
        inc = found.incident
        if inc is None:
            click.echo("  incident:   none opened")
        else:
            change = inc["suspected_changes"][0] if inc["suspected_changes"] else None
            cause = (f"change {change['id']}, {change['kind']} of {change['service']} "
                     f"v{change['version']}") if change else "none"  # fmt: skip
            click.echo(
                f"  incident:   {inc['id']} ({inc['severity']}) on "
                f"{', '.join(inc['services'])}: {inc['title']}"
            )
            click.echo(f"  suspected:  {cause}")
            click.echo(f"  root cause: {root_cause_text(inc['root_causes'])}")
        click.echo(f"  alerts via: {found.via}")
        click.echo(f"  pages:      {len(found.pages)} to {found.receiver}")
    for p in result.proposals:
        click.echo(f"  proposal:   {p['playbook']} on {p['branch'] or 'advice only'}")
    click.echo(f"  report:     {result.report_path}")
    click.echo(f"  dashboard:  {result.dashboard_command}")
    missing = result.missing()
    if missing:
        click.echo(f"demo: the story is incomplete: missing {', '.join(missing)}", err=True)
        raise SystemExit(1)
