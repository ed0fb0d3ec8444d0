"""The ``efficiency`` command line: wiring only; each command calls one stage's functions.

One module per command group; importing them registers their commands on the root group.
User errors (bad files, bad options, unreachable database) print one line and exit 2.
"""

from efficiency.cli import (  # noqa: F401  (each module registers its commands)
    agent,
    canary,
    dashboard,
    demo,
    detect,
    incidents,
    ingest,
    ingest_events,
    profile,
    rca,
    remediate,
    report,
    server,
    silences,
)
from efficiency.cli.app import cli

__all__ = ["cli", "main"]


def main() -> None:
    cli(prog_name="efficiency")
