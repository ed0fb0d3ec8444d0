"""`efficiency demo`: the whole story on a small real fleet."""

from __future__ import annotations

from pathlib import Path

import click

from efficiency.cli.app import (
    cli,
)
from efficiency.cli.progress import phases


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

    with phases(None) as bar:
        bar.phase(f"demo: about {minutes * 60 + after_deploy:.0f} s of profiling, then detection")
        result = run_demo(workdir, seconds=minutes * 60, window_seconds=window_seconds,
                          console=bar.output_console(),
                          after_deploy_seconds=after_deploy)  # fmt: skip
    click.echo(
        f"\n{result.windows} profile windows and {len(result.detections)} detection(s) stored "
        f"in {result.db_url}"
    )
